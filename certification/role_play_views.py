"""Role-play pages: book a live role-play for an agent of a cohort, and assess it.

Booking: training managers for the cohorts in their scope, and coaches who facilitate the
cohort. Assessing: the booked assessor only; the cohort's managers read the page.
"""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User
from certification import services
from certification.models import RolePlayAssessment
from cohorts.models import Cohort, Enrollment
from cohorts.scope import managed_cohorts
from programs.forms import RubricForm
from programs.models import ScenarioCard


def _cohorts_for(user):
    """Cohorts whose role-plays the user books and reads."""
    if user.is_manager:
        return managed_cohorts(user=user)
    if user.role == User.Role.COACH:
        return Cohort.objects.filter(facilitators=user)
    return Cohort.objects.none()


class BookForm(forms.Form):
    enrollment = forms.ModelChoiceField(Enrollment.objects.none(), label="Agent")
    scenario = forms.ModelChoiceField(ScenarioCard.objects.none(), label="Scenario card")
    assessor = forms.ModelChoiceField(User.objects.none())
    scheduled_at = forms.DateTimeField(
        label="When (the cohort's time zone)",
        required=False,
        widget=forms.DateTimeInput({"type": "datetime-local"}, "%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.cohort = cohort
        # Completed agents too: they recertify long after the cohort ended.
        self.fields["enrollment"].queryset = cohort.enrollments.exclude(
            status=Enrollment.Status.WITHDRAWN
        ).select_related("agent")
        self.fields["enrollment"].label_from_instance = lambda e: str(e.agent)
        self.fields["scenario"].queryset = ScenarioCard.objects.filter(program=cohort.program)
        self.fields["assessor"].queryset = User.objects.filter(
            role__in=[User.Role.COACH, User.Role.MANAGER], is_active=True
        ).order_by("display_name", "email")

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value is None:
            return None
        # The picker gives a wall-clock time in the cohort's zone.
        naive = value.replace(tzinfo=None)
        return naive.replace(tzinfo=ZoneInfo(self.cohort.time_zone)).astimezone(datetime.UTC)


def _add_errors(form, error: ValidationError):
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
@require_http_methods(["GET", "POST"])
def role_play_book(request, cohort_id):
    cohort = get_object_or_404(_cohorts_for(request.user), pk=cohort_id)
    # The queue's "Book a role-play" link names the agent.
    form = BookForm(
        request.POST or None, cohort=cohort, initial={"enrollment": request.GET.get("enrollment")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            play = services.role_play_book(**form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Role-play booked for {play.enrollment.agent}.")
            return redirect("web:role-play", pk=play.pk)
    return render(request, "certification/role_play_book.html", {"cohort": cohort, "form": form})


class AssessForm(RubricForm):
    passed = forms.TypedChoiceField(
        label="Outcome",
        choices=[("yes", "Passed"), ("no", "Not passed")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea({"rows": 3}))


@login_required
@require_http_methods(["GET", "POST"])
def role_play(request, pk):
    user = request.user
    plays = RolePlayAssessment.objects.filter(
        Q(assessor=user) | Q(enrollment__cohort__in=_cohorts_for(user))
    ).distinct()
    play = get_object_or_404(
        plays.select_related("enrollment__agent", "enrollment__cohort", "scenario", "score"),
        pk=pk,
    )
    criteria = list(play.enrollment.program.rubric.criteria.order_by("order"))
    may_assess = play.status == RolePlayAssessment.Status.BOOKED and play.assessor_id == user.pk
    form = AssessForm(request.POST or None, criteria=criteria)
    if request.method == "POST":
        if not may_assess:
            raise PermissionDenied("Only the booked assessor records an open role-play.")
        if form.is_valid():
            try:
                services.role_play_assess(
                    assessment=play, by=user, values=form.values(),
                    passed=form.cleaned_data["passed"], notes=form.cleaned_data["notes"],
                )  # fmt: skip
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Role-play recorded; certification is evaluated.")
                return redirect("web:role-play", pk=play.pk)
    return render(
        request,
        "certification/role_play.html",
        {"play": play, "form": form, "may_assess": may_assess},
    )
