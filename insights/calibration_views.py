"""Calibration on pages: reviewers score blind; once they have scored everything they see
the results (agreement, each reviewer's drift); whoever runs the session records the
consensus; managers follow each reviewer's distance from consensus over time."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from insights import selectors, services
from insights.models import CalibrationConsensus, Interaction
from programs.forms import RubricForm
from programs.models import Rubric

RECENT_INTERACTIONS = 60  # offered on the new-session page, newest first


class ConsensusForm(RubricForm):
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea({"rows": 2}))


class CalibrationCreateForm(forms.Form):
    """A new session: a published rubric, the interactions to score, two or more reviewers."""

    name = forms.CharField(max_length=200, error_messages={"required": "Name the session."})
    rubric = forms.ModelChoiceField(
        queryset=Rubric.objects.filter(status=Rubric.Status.PUBLISHED),
        empty_label=None,
        error_messages={"invalid_choice": "Choose a published rubric."},
    )
    interactions = forms.ModelMultipleChoiceField(
        queryset=Interaction.objects.none(),
        error_messages={
            "required": "Choose at least one interaction.",
            "invalid_choice": "Choose interactions of agents you manage.",
        },
    )
    reviewers = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least two reviewers."},
    )
    drift_bound = forms.DecimalField(
        label="Drift bound (rubric points)",
        initial=0.5,
        min_value=0,
        max_value=9.99,
        decimal_places=2,
        help_text="A reviewer further than this from the consensus is flagged.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        self.fields["interactions"].queryset = selectors.interaction_visible_to(user=user)
        self.fields["reviewers"].queryset = User.objects.filter(
            role__in=[User.Role.COACH, User.Role.MANAGER], is_active=True
        ).order_by("display_name", "email")
        self.recent = list(
            self.fields["interactions"]
            .queryset.select_related("agent")
            .order_by("-occurred_at", "-pk")[:RECENT_INTERACTIONS]
        )
        self.chosen = {str(pk) for pk in (self.data.getlist("interactions") if self.data else [])}


def _unblinded(session, user) -> bool:
    """As the API: whoever runs it, and reviewers who scored every interaction."""
    if not session.reviewers.filter(pk=user.pk).exists():
        return user.is_manager
    done = services.calibration_progress(session=session)[user.pk]
    return done >= session.interactions.count()


@login_required
def calibration_list(request):
    """The sessions I review or run: what is left for me to score, and their results."""
    user = request.user
    if not (user.is_manager or user.role == user.Role.COACH):
        raise PermissionDenied("Calibration is for coaches and training managers.")
    sessions = list(
        selectors.calibration_visible_to(user=user)
        .select_related("rubric")
        .prefetch_related("reviewers", "interactions")
    )
    rows = []
    for session in sessions:
        done = services.calibration_progress(session=session)[user.pk]
        reviewer = any(person.pk == user.pk for person in session.reviewers.all())
        rows.append(
            {
                "session": session,
                "reviewer": reviewer,
                "mine": done,
                "total": len(session.interactions.all()),
                "unblinded": _unblinded(session, user),
            }
        )
    return render(request, "insights/calibration_list.html", {"nav": "calibration", "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def calibration_new(request):
    """A manager opens a session: rubric, interactions of agents they manage, reviewers."""
    if not request.user.is_manager:
        raise PermissionDenied("Training managers open calibration sessions.")
    form = CalibrationCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.calibration_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request,
                f"“{session.name}” is open: each reviewer scores its "
                f"{session.interactions.count()} interaction(s) blind.",
            )
            return redirect("web:calibration", pk=session.pk)
    return render(request, "insights/calibration_new.html", {"nav": "calibration", "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def calibration_session(request, pk):
    """The interactions to score, one form each; nobody else's scores are shown here."""
    session = get_object_or_404(selectors.calibration_visible_to(user=request.user), pk=pk)
    criteria = list(session.rubric.criteria.order_by("order"))
    mine = set(session.scores.filter(reviewer=request.user).values_list("interaction", flat=True))
    if request.method == "POST":
        interaction = get_object_or_404(session.interactions, pk=request.POST.get("interaction"))
        form = RubricForm(request.POST, criteria=criteria, prefix=f"i{interaction.pk}")
        if form.is_valid():
            try:
                services.calibration_score(
                    session=session, reviewer=request.user, interaction=interaction,
                    values=form.values(),
                )  # fmt: skip
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
            else:
                messages.success(request, f"Your score of {interaction.reference} is in.")
        else:
            messages.error(request, "Choose a score on the scale for each criterion.")
        return redirect("web:calibration", pk=session.pk)
    is_reviewer = session.reviewers.filter(pk=request.user.pk).exists()
    rows = [
        {
            "interaction": interaction,
            "done": interaction.pk in mine,
            "form": RubricForm(criteria=criteria, prefix=f"i{interaction.pk}"),
        }
        for interaction in session.interactions.order_by("occurred_at", "pk")
    ]
    return render(
        request,
        "insights/calibration_session.html",
        {
            "nav": "calibration",
            "session": session,
            "rows": rows,
            "is_reviewer": is_reviewer,
            "unblinded": _unblinded(session, request.user),
            "left": sum(1 for row in rows if not row["done"]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def calibration_results(request, pk):
    session = get_object_or_404(selectors.calibration_visible_to(user=request.user), pk=pk)
    if not _unblinded(session, request.user):
        raise PermissionDenied("Score every interaction of the session to see the results.")
    criteria = list(session.rubric.criteria.order_by("order"))
    runs = request.user.is_manager or request.user.pk == session.created_by_id
    if request.method == "POST":
        if not runs:
            raise PermissionDenied("Whoever runs the session records the consensus.")
        interaction = get_object_or_404(session.interactions, pk=request.POST.get("interaction"))
        form = ConsensusForm(request.POST, criteria=criteria, prefix=f"c{interaction.pk}")
        if form.is_valid():
            try:
                services.calibration_consensus_record(
                    session=session, interaction=interaction, by=request.user,
                    values=form.values(), notes=form.cleaned_data["notes"],
                )  # fmt: skip
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
            else:
                messages.success(request, f"Consensus on {interaction.reference} recorded.")
        return redirect("web:calibration-results", pk=session.pk)
    results = selectors.calibration_results(session=session)
    reviewers = sorted(session.reviewers.all(), key=lambda person: person.pk)
    cells = {(row.interaction_id, row.reviewer_id): row.score for row in session.scores.all()}
    agreed = {c.interaction_id: c for c in CalibrationConsensus.objects.filter(session=session)}
    interactions = []
    for interaction in session.interactions.order_by("occurred_at", "pk"):
        consensus = agreed.get(interaction.pk)
        initial = {f"score_{k}": v for k, v in (consensus.values if consensus else {}).items()}
        interactions.append(
            {
                "interaction": interaction,
                "scores": [
                    (person, _row(cells.get((interaction.pk, person.pk)), criteria))
                    for person in reviewers
                ],
                "consensus_values": _row(consensus, criteria),
                "complete": all((interaction.pk, p.pk) in cells for p in reviewers),
                "consensus": consensus,
                "form": ConsensusForm(
                    initial=initial | {"notes": consensus.notes if consensus else ""},
                    criteria=criteria,
                    prefix=f"c{interaction.pk}",
                ),
            }
        )
    return render(
        request,
        "insights/calibration_results.html",
        {
            "nav": "calibration",
            "session": session,
            "results": results,
            "criterion_rows": [
                (c.name, results["criteria"][c.key])
                for c in criteria
                if c.key in results["criteria"]
            ],
            "criteria": criteria,
            "interactions": interactions,
            "runs": runs,
        },
    )


def _row(scored, criteria) -> list | None:
    """A score's (or consensus's) values in criterion order; None when there is none."""
    return None if scored is None else [scored.values.get(c.key) for c in criteria]


@login_required
def reviewer_quality(request):
    """Managers: each reviewer's distance from consensus, session by session."""
    if not request.user.is_manager:
        raise PermissionDenied("Reviewer quality is for training managers.")
    sessions = selectors.calibration_visible_to(user=request.user)
    return render(
        request,
        "insights/reviewer_quality.html",
        {
            "nav": "calibration",
            "rows": selectors.reviewer_quality(sessions=sessions),
            "sessions": sessions,
        },
    )
