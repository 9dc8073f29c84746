"""The coach's pages: home (my queue) and the review page of one assignment."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import User
from cohorts.models import RubricScore
from cohorts.scope import managed_cohorts
from programs.forms import RubricForm, add_rubric_fields, rubric_values
from reviews import assignment as assignment_services
from reviews import disputes as disputes_module
from reviews import selectors, services
from reviews.models import Dispute, ReviewAssignment, ReviewPlan


def _require_reviewer(user):
    if not (user.role == user.Role.COACH or user.is_manager):
        raise PermissionDenied("Reviews are for coaches and QA reviewers.")


@login_required
def coach_home(request):
    _require_reviewer(request.user)
    home = selectors.coach_home(user=request.user)
    return render(request, "reviews/coach_home.html", {"nav": "reviews", "home": home})


class ReviewForm(forms.Form):
    """One score (a radio group: arrow keys move along the scale) and one comment per
    criterion, then the strength and the next step."""

    strength = forms.CharField(
        label="One thing the agent did well",
        required=False,
        max_length=services.FEEDBACK_MAX,
        widget=forms.Textarea({"rows": 2}),
    )
    next_step = forms.CharField(
        label="One thing to try next time",
        required=False,
        max_length=services.FEEDBACK_MAX,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.criteria = criteria
        add_rubric_fields(self, criteria, comments=True, max_length=services.FEEDBACK_MAX)

    def rows(self):
        return [
            (criterion, self[f"score_{criterion.key}"], self[f"comment_{criterion.key}"])
            for criterion in self.criteria
        ]

    def draft(self) -> dict:
        data = self.cleaned_data
        return {
            "values": rubric_values(self, self.criteria),
            "comments": {c.key: data[f"comment_{c.key}"] for c in self.criteria},
            "strength": data["strength"],
            "next_step": data["next_step"],
        }


def _initial(assignment: ReviewAssignment, criteria) -> dict:
    initial = {"strength": assignment.draft_strength, "next_step": assignment.draft_next_step}
    for criterion in criteria:
        initial[f"score_{criterion.key}"] = assignment.draft_values.get(criterion.key)
        initial[f"comment_{criterion.key}"] = assignment.draft_comments.get(criterion.key, "")
    return initial


def _add_errors(form: ReviewForm, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    """Read the interaction, score each criterion, save a draft, then submit once."""
    _require_reviewer(request.user)
    assignment = get_object_or_404(selectors.assignment_visible_to(user=request.user), pk=pk)
    criteria = list(assignment.plan.cohort.program.rubric.criteria.order_by("order"))
    editable = (
        assignment.status == ReviewAssignment.Status.ASSIGNED
        and assignment.reviewer_id == request.user.pk
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Only the assigned reviewer edits an open review.")
        form = ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                services.review_draft_save(
                    assignment=assignment, reviewer=request.user, **form.draft()
                )
                if request.POST.get("action") == "submit":
                    services.review_submit(assignment=assignment, reviewer=request.user)
                    messages.success(request, f"Review of {assignment.agent} submitted.")
                    return redirect("web:coach-home")
                messages.success(request, "Draft saved. The agent sees nothing until you submit.")
                return redirect("web:review", pk=assignment.pk)
            except ValidationError as error:
                _add_errors(form, error)
    else:
        form = ReviewForm(initial=_initial(assignment, criteria), criteria=criteria)
    return render(
        request,
        "reviews/review.html",
        {"nav": "reviews", "assignment": assignment, "form": form, "editable": editable},
    )


# --- The agent's feedback and disputes -----------------------------------------------------


def _require_agent(user):
    if user.role != user.Role.AGENT:
        raise PermissionDenied("This page is for agents.")


@login_required
def my_feedback(request):
    """Every score about me with its feedback, and where I may dispute it."""
    _require_agent(request.user)
    scores = list(
        RubricScore.objects.filter(subject=request.user)
        .exclude(context=RubricScore.Context.CALIBRATION)
        .select_related("rubric", "scorer", "superseded_by")
        .prefetch_related("rubric__criteria")
        .order_by("-scored_at", "-id")[:50]
    )
    disputes = {d.score_id: d for d in Dispute.objects.filter(score__in=scores)}
    reviewed = ReviewAssignment.objects.filter(agent=request.user).select_related(
        "self_assessment", "score__rubric", "interaction"
    )
    gaps = {
        a.score_id: services.self_assessment_gaps(a)
        for a in reviewed.filter(status=ReviewAssignment.Status.SUBMITTED)
    }
    to_self_assess = [
        a
        for a in reviewed.filter(status=ReviewAssignment.Status.ASSIGNED).order_by("due_at")
        if not hasattr(a, "self_assessment")
    ]
    rows = [
        {
            "score": score,
            "dispute": disputes.get(score.pk),
            "gaps": gaps.get(score.pk),
            "can_dispute": score.pk not in disputes
            and score.context == RubricScore.Context.QA
            and score.superseded_by_id is None
            and disputes_module.dispute_window_open(score),
        }
        for score in scores
    ]
    return render(
        request,
        "reviews/my_feedback.html",
        {
            "nav": "feedback",
            "rows": rows,
            "days": Dispute.DISPUTE_DAYS,
            "to_self_assess": to_self_assess,
        },
    )


class DisputeForm(forms.Form):
    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[criterion.key] = forms.CharField(
                label=f"Why do you disagree with the score on {criterion.name.lower()}?",
                required=False,
                max_length=disputes_module.REASON_MAX,
                widget=forms.Textarea({"rows": 2}),
            )


@login_required
@require_http_methods(["GET", "POST"])
def dispute_new(request, score_id):
    _require_agent(request.user)
    score = get_object_or_404(RubricScore, pk=score_id, subject=request.user)
    criteria = list(score.rubric.criteria.order_by("order"))
    form = DisputeForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            disputes_module.dispute_open(score=score, agent=request.user, reasons=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Your dispute is sent. You will see the reply here.")
            return redirect("web:my-feedback")
    return render(
        request, "reviews/dispute_new.html", {"nav": "feedback", "score": score, "form": form}
    )


# --- Resolving disputes (managers, and coaches other than the scorer) ----------------------


@login_required
def disputes(request):
    _require_reviewer(request.user)
    visible = disputes_module.disputes_visible_to(user=request.user)
    now = timezone.now()
    open_ = [
        {"dispute": d, "age": (now - d.opened_at).days}
        for d in visible.filter(status=Dispute.Status.OPEN).order_by("opened_at")
    ]
    resolved = list(visible.exclude(status=Dispute.Status.OPEN).order_by("-resolved_at")[:20])
    unread = [
        {"score": score, "age": (now - score.scored_at).days}
        for score in disputes_module.unread_feedback_visible_to(
            user=request.user, now=now
        ).order_by("scored_at")[:50]
    ]
    return render(
        request,
        "reviews/disputes.html",
        {
            "nav": "disputes",
            "open": open_,
            "resolved": resolved,
            "unread": unread,
            "unread_days": disputes_module.UNREAD_DAYS,
        },
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (Dispute.Status.UPHELD, "Uphold: the score stands"),
            (Dispute.Status.ADJUSTED, "Adjust: a new score replaces it"),
            (Dispute.Status.REJECTED, "Reject: not a matter for a dispute"),
        ],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(label="Reply to the agent", widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, criteria, current, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.key}"] = forms.TypedChoiceField(
                label=f"{criterion.name} (now {current.get(criterion.key)})",
                choices=[("", "keep")]
                + [(str(n), str(n)) for n in range(criterion.scale_min, criterion.scale_max + 1)],
                coerce=int,
                required=False,
                empty_value=None,
            )

    def values(self) -> dict:
        return {
            c.key: self.cleaned_data[f"score_{c.key}"]
            for c in self.criteria
            if self.cleaned_data[f"score_{c.key}"] is not None
        }


@login_required
@require_http_methods(["GET", "POST"])
def dispute_detail(request, pk):
    _require_reviewer(request.user)
    dispute = get_object_or_404(disputes_module.disputes_visible_to(user=request.user), pk=pk)
    criteria = list(dispute.score.rubric.criteria.order_by("order"))
    form = ResolveForm(request.POST or None, criteria=criteria, current=dispute.score.values)
    may_resolve = dispute.status == Dispute.Status.OPEN and disputes_module.may_resolve(
        dispute, request.user
    )
    if request.method == "POST":
        if not may_resolve:
            raise PermissionDenied("You may not resolve this dispute.")
        if form.is_valid():
            try:
                disputes_module.dispute_resolve(
                    dispute=dispute,
                    by=request.user,
                    outcome=form.cleaned_data["outcome"],
                    reply=form.cleaned_data["reply"],
                    values=form.values(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "The dispute is resolved; the agent sees your reply.")
                return redirect("web:disputes")
    return render(
        request,
        "reviews/dispute_detail.html",
        {"nav": "disputes", "dispute": dispute, "form": form, "may_resolve": may_resolve},
    )


# --- Review plans (training managers) ------------------------------------------------------


def _require_manager(user):
    if not user.is_manager:
        raise PermissionDenied("Review plans are for training managers.")


class ReviewPlanForm(forms.ModelForm):
    class Meta:
        model = ReviewPlan
        fields = [
            "cohort", "per_agent_per_week", "coaches", "prefer_escalated", "prefer_low_csat",
            "active",
        ]  # fmt: skip
        labels = {
            "per_agent_per_week": "Interactions reviewed per agent a week",
            "prefer_escalated": "Prefer escalated contacts",
            "prefer_low_csat": "Prefer low CSAT (1 or 2)",
        }
        widgets = {"coaches": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        cohorts = managed_cohorts(user=user)
        if self.instance.pk:
            self.fields["cohort"].disabled = True
            self.fields["cohort"].queryset = cohorts
        else:
            self.fields["cohort"].queryset = cohorts.filter(review_plan__isnull=True)
        self.fields["coaches"].queryset = User.objects.filter(
            role__in=[User.Role.COACH, User.Role.MANAGER], is_active=True
        ).order_by("display_name", "email")


@login_required
@require_http_methods(["GET", "POST"])
def plans(request):
    """The review plans of my cohorts, and a form for a new one."""
    _require_manager(request.user)
    form = ReviewPlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        plan.created_by = request.user
        plan.save()
        form.save_m2m()
        messages.success(request, f"Review plan for {plan.cohort} created.")
        return redirect("web:review-plan", pk=plan.pk)
    visible = assignment_services.plans_visible_to(user=request.user).select_related("cohort")
    return render(request, "reviews/plans.html", {"nav": "plans", "plans": visible, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, pk):
    """Edit the plan, see each coach's load, and reassign, skip or fill this week."""
    _require_manager(request.user)
    plan = get_object_or_404(assignment_services.plans_visible_to(user=request.user), pk=pk)
    form = ReviewPlanForm(
        request.POST if request.POST.get("action") == "edit" else None,
        instance=plan,
        user=request.user,
    )
    if request.method == "POST":
        try:
            done = _plan_action(request, plan, form)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            if done:
                messages.success(request, done)
                return redirect("web:review-plan", pk=plan.pk)
    open_ = list(
        plan.assignments.filter(status=ReviewAssignment.Status.ASSIGNED)
        .select_related("agent", "reviewer", "interaction")
        .order_by("due_at", "pk")
    )
    return render(
        request,
        "reviews/plan_detail.html",
        {
            "nav": "plans",
            "plan": plan,
            "form": form,
            "load": assignment_services.coach_load(plan=plan),
            "open": open_,
            "coaches": plan.coaches.order_by("display_name", "email"),
            "now": timezone.now(),
        },
    )


def _plan_action(request, plan, form) -> str | None:
    """Carry out one of the plan page's forms; the success message, or None to re-render."""
    action = request.POST.get("action")
    if action == "edit":
        if not form.is_valid():
            return None
        form.save()
        return "Review plan saved."
    if action == "fill":
        now = timezone.now()
        week = assignment_services.week_of(
            moment=now + assignment_services.DAY, time_zone=plan.cohort.time_zone
        )
        report = assignment_services.assignments_create(plan=plan, week=week, now=now)
        return f"This week's reviews: {report.created} created, {report.existing} already there."
    assignment = get_object_or_404(plan.assignments, pk=request.POST.get("assignment") or 0)
    if action == "reassign":
        reviewer = get_object_or_404(plan.coaches, pk=request.POST.get("reviewer") or 0)
        assignment_services.assignment_reassign(
            assignment=assignment, reviewer=reviewer, by=request.user
        )
        return f"Review of {assignment.agent} reassigned to {reviewer}."
    if action == "skip":
        assignment_services.assignment_skip(
            assignment=assignment, reason=request.POST.get("reason", ""), by=request.user
        )
        return f"Review of {assignment.agent} skipped."
    raise PermissionDenied("Unknown action.")


# --- The scorecard -------------------------------------------------------------------------


@login_required
def scorecard(request, agent_id=None):
    """An agent's criteria by week, the weakest one and the distance to the bar: the agent's
    own, or (coaches and managers) one of the agents they may see; never HR's."""
    if request.user.is_hr:
        raise PermissionDenied("Scorecards are individual: HR reads aggregates only.")
    if agent_id is None:
        _require_agent(request.user)
        agent = request.user
    else:
        agent = get_object_or_404(
            selectors.scorecard_agents_visible_to(user=request.user), pk=agent_id
        )
    card = selectors.scorecard(agent=agent)
    return render(
        request,
        "reviews/scorecard.html",
        {"nav": "feedback" if agent == request.user else "reviews", "card": card},
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request, assignment_id):
    """The agent scores their own interaction under review before the coach does."""
    _require_agent(request.user)
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("interaction", "plan__cohort__program__rubric"),
        pk=assignment_id,
        agent=request.user,
    )
    criteria = list(assignment.plan.cohort.program.rubric.criteria.order_by("order"))
    form = RubricForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_create(
                assignment=assignment, agent=request.user, values=form.values()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Thank you: you will see how your scores compare.")
            return redirect("web:my-feedback")
    return render(
        request,
        "reviews/self_assessment.html",
        {"nav": "feedback", "assignment": assignment, "form": form},
    )
