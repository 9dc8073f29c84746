"""The coach's pages: home (my queue) and the review page of one assignment."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from reviews import selectors, services
from reviews.models import ReviewAssignment


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
        for criterion in criteria:
            choices = [
                (str(n), str(n)) for n in range(criterion.scale_min, criterion.scale_max + 1)
            ]
            self.fields[f"score_{criterion.key}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                help_text=criterion.description,
            )
            self.fields[f"comment_{criterion.key}"] = forms.CharField(
                label=f"Comment on {criterion.name.lower()}",
                required=False,
                max_length=services.FEEDBACK_MAX,
                widget=forms.Textarea({"rows": 2}),
            )

    def rows(self):
        return [
            (criterion, self[f"score_{criterion.key}"], self[f"comment_{criterion.key}"])
            for criterion in self.criteria
        ]

    def draft(self) -> dict:
        data = self.cleaned_data
        return {
            "values": {c.key: data[f"score_{c.key}"] for c in self.criteria},
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
