"""Calibration on pages: reviewers score blind; once they have scored everything they see
the results (agreement, each reviewer's drift); whoever runs the session records the
consensus; managers follow each reviewer's distance from consensus over time."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from insights import selectors, services
from insights.models import CalibrationConsensus
from programs.forms import RubricForm


class ConsensusForm(RubricForm):
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea({"rows": 2}))


def _unblinded(session, user) -> bool:
    """As the API: whoever runs it, and reviewers who scored every interaction."""
    if not session.reviewers.filter(pk=user.pk).exists():
        return user.is_manager
    done = services.calibration_progress(session=session)[user.pk]
    return done >= session.interactions.count()


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
        {"rows": selectors.reviewer_quality(sessions=sessions), "sessions": sessions},
    )
