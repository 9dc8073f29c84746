"""Training managers' pages: their cohorts, and one cohort's timeline, coaching pairs,
attendance, who is behind, CSV enrolment, calibration sessions and certification queue.

Scoped like the API: only training managers, and only the cohorts they facilitate (any
other cohort answers 404). Services do the work; a ValidationError they raise is shown on
the page, never a 500.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts import invitations
from accounts.invitations import open_invitations
from certification import selectors as certification_selectors
from certification.models import RolePlayAssessment
from certification.services import certification_revoke
from cohorts import selectors, services
from cohorts.api.serializers import ENROLMENT_FILE_SIZE
from cohorts.enrollment_import import enrollment_import
from cohorts.models import Attendance, Cohort, Enrollment, ScheduleItem
from cohorts.schedule import WEEK, CohortCalendar
from insights.selectors import calibration_visible_to
from programs.models import Phase

DETAIL_TEMPLATE = "cohorts/manager/cohort_detail.html"
RECENT_DECISIONS = 20

# --- Forms ---------------------------------------------------------------------------------


class AttendanceForm(forms.Form):
    """One workshop, the agents who attended it, or everyone at once."""

    workshop = forms.ModelChoiceField(
        queryset=ScheduleItem.objects.none(),
        error_messages={
            "required": "Choose a workshop.",
            "invalid_choice": "Choose a workshop of this cohort.",
        },
    )
    attended = forms.ModelMultipleChoiceField(queryset=Enrollment.objects.none(), required=False)
    everyone = forms.BooleanField(required=False)

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.active = cohort.enrollments.filter(status=Enrollment.Status.ACTIVE)
        self.fields["workshop"].queryset = cohort.schedule_items.filter(
            kind=ScheduleItem.Kind.WORKSHOP, cancelled=False
        )
        self.fields["attended"].queryset = self.active

    def attendance_map(self) -> dict[int, bool]:
        """Every active agent: present if ticked (or everyone was), absent otherwise."""
        present = {enrollment.pk for enrollment in self.cleaned_data["attended"]}
        everyone = self.cleaned_data["everyone"]
        return {pk: everyone or pk in present for pk in self.active.values_list("pk", flat=True)}


class EnrollmentImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        error_messages={"required": "Choose a CSV file.", "empty": "The file is empty."},
        validators=[ENROLMENT_FILE_SIZE],
    )
    action = forms.ChoiceField(choices=[("preview", "Preview (dry run)"), ("import", "Enrol")])


class RevokeForm(forms.Form):
    # Whether a reason was given is the service's rule; the length is the column's.
    reason = forms.CharField(max_length=500, required=False)


# --- Scoping -------------------------------------------------------------------------------


def _require_manager(user) -> None:
    if not user.is_manager:
        raise PermissionDenied("These pages are for training managers.")


def _facilitated_cohort(request, pk: int) -> Cohort:
    """The cohort, if the signed-in manager facilitates it; 404 otherwise, like the API."""
    _require_manager(request.user)
    cohort = get_object_or_404(
        selectors.cohort_visible_to(user=request.user)
        .select_related("program")
        .prefetch_related("facilitators"),
        pk=pk,
    )
    if not selectors.is_facilitator(user=request.user, cohort=cohort):
        raise Http404("No such cohort.")
    return cohort


def _back(cohort: Cohort, anchor: str = "", **query) -> str:
    url = reverse("web:cohort", args=[cohort.pk])
    if query:
        url += "?" + urlencode(query)
    return f"{url}#{anchor}" if anchor else url


# --- Pages ---------------------------------------------------------------------------------


@login_required
def cohort_list(request):
    """The cohorts the manager facilitates, with their number of active agents."""
    _require_manager(request.user)
    cohorts = (
        selectors.cohort_visible_to(user=request.user)
        .select_related("program")
        .annotate(
            active_agents=Count(
                "enrollments",
                filter=Q(enrollments__status=Enrollment.Status.ACTIVE),
                distinct=True,
            )
        )
        .order_by("-start_date", "name")
    )
    return render(
        request, "cohorts/manager/cohort_list.html", {"nav": "cohorts", "cohorts": cohorts}
    )


@login_required
def cohort_detail(request, pk):
    cohort = _facilitated_cohort(request, pk)
    return _render_detail(request, cohort)


@dataclass
class TimelineWeek:
    number: int
    first_day: datetime.date
    last_day: datetime.date
    items: list[ScheduleItem] = field(default_factory=list)


@dataclass
class TimelinePhase:
    phase: Phase | None
    weeks: dict[int, TimelineWeek] = field(default_factory=dict)


def _timeline(cohort: Cohort, items: list[ScheduleItem]) -> list[TimelinePhase]:
    """The schedule grouped by phase, then by program week (week 1 = days 1-7)."""
    calendar = CohortCalendar(cohort)
    phases: dict[int | None, TimelinePhase] = {}
    for item in items:
        group = phases.setdefault(item.phase_id, TimelinePhase(item.phase))
        number = (calendar.program_day(item.starts_at) - 1) // WEEK + 1
        first = (number - 1) * WEEK + 1
        week = group.weeks.setdefault(
            number,
            TimelineWeek(number, calendar.date_of(first), calendar.date_of(first + WEEK - 1)),
        )
        week.items.append(item)
    ordered = sorted(
        phases.values(), key=lambda g: (g.phase is None, g.phase.order if g.phase else 0)
    )
    for group in ordered:
        group.weeks = dict(sorted(group.weeks.items()))
    return ordered


def _coaching_week(items: list[ScheduleItem], now) -> ScheduleItem | None:
    """The coaching week under way, else the next one."""
    weeks = [i for i in items if i.kind == ScheduleItem.Kind.COACHING and not i.cancelled]
    current = next((i for i in weeks if i.starts_at <= now < i.ends_at), None)
    return current or next((i for i in weeks if i.starts_at > now), None)


def _selected_workshop(request, workshops: list[ScheduleItem], now) -> ScheduleItem | None:
    """The workshop asked for in ?workshop=, else the latest that started, else the first."""
    wanted = request.GET.get("workshop", "")
    chosen = next((w for w in workshops if str(w.pk) == wanted), None)
    started = [w for w in workshops if w.starts_at <= now]
    return chosen or (started[-1] if started else None) or (workshops[0] if workshops else None)


def _render_detail(request, cohort: Cohort, **state):
    """The cohort page; `state` carries forms and results of a POST shown on the page."""
    user, now = request.user, timezone.now()
    items = list(cohort.schedule_items.select_related("phase").order_by("starts_at", "id"))
    workshops = [i for i in items if i.kind == ScheduleItem.Kind.WORKSHOP and not i.cancelled]
    coaching_week = _coaching_week(items, now)
    pairs = (
        selectors.coaching_pair_visible_to(user=user)
        .filter(item=coaching_week)
        .prefetch_related("members__enrollment__agent")
        if coaching_week
        else []
    )
    progress = selectors.cohort_progress(cohort=cohort, now=now)
    active = [row for row in progress if row.enrollment.status == Enrollment.Status.ACTIVE]
    workshop = _selected_workshop(request, workshops, now)
    present = set(
        Attendance.objects.filter(item=workshop, attended=True).values_list(
            "enrollment_id", flat=True
        )
        if workshop
        else []
    )
    context = {
        "nav": "cohorts",
        "cohort": cohort,
        "now": now,
        "can_start": cohort.status == Cohort.Status.PLANNED,
        "is_open": cohort.status not in services.CLOSED_STATUSES,
        "timeline": _timeline(cohort, items),
        "coaching_week": coaching_week,
        "pairs": pairs,
        "workshops": workshops,
        "selected_workshop": workshop,
        "attendees": [(row.enrollment, row.enrollment.pk in present) for row in active],
        "behind": [row for row in active if row.behind],
        "calibrations": calibration_visible_to(user=user).select_related("rubric"),
        "booked": certification_selectors.assessment_visible_to(user=user)
        .filter(enrollment__cohort=cohort, status=RolePlayAssessment.Status.BOOKED)
        .select_related("enrollment__agent", "scenario", "assessor")
        .order_by(F("scheduled_at").asc(nulls_last=True), "id"),
        "decisions": certification_selectors.decision_visible_to(user=user)
        .filter(enrollment__cohort=cohort)
        .select_related("agent", "revoked_by")[:RECENT_DECISIONS],
        "invitations": open_invitations(users=cohort.enrollments.values("agent")).order_by(
            "user__email"
        ),
        "import_form": EnrollmentImportForm(),
        "revoke_decision": None,
        "revoke_errors": [],
        **state,
    }
    return render(request, DETAIL_TEMPLATE, context)


# --- Actions -------------------------------------------------------------------------------


def _error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_POST
def cohort_start(request, pk):
    """Start a planned cohort: its schedule is laid out and the coaching pairs drawn."""
    cohort = _facilitated_cohort(request, pk)
    try:
        services.cohort_start(cohort=cohort)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, f"“{cohort}” has started: its schedule and pairs are ready.")
    return redirect(_back(cohort))


@login_required
@require_POST
def cohort_regenerate_pairs(request, pk):
    """Draw the coaching pairs of the weeks that have not started again."""
    cohort = _facilitated_cohort(request, pk)
    try:
        weeks = services.coaching_pairs_generate(cohort=cohort)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, f"Coaching pairs drawn again for {weeks} future week(s).")
    return redirect(_back(cohort, "pairs"))


@login_required
@require_POST
def cohort_attendance(request, pk):
    """Record who attended one workshop; the unticked active agents are marked absent."""
    cohort = _facilitated_cohort(request, pk)
    form = AttendanceForm(request.POST, cohort=cohort)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_back(cohort, "attendance"))
    item = form.cleaned_data["workshop"]
    attended = form.attendance_map()
    try:
        services.attendance_record(item=item, attended=attended, by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        count = sum(attended.values())
        messages.success(
            request, f"Attendance for “{item.title}” saved: {count} of {len(attended)} attended."
        )
    return redirect(_back(cohort, "attendance", workshop=item.pk))


@login_required
@require_POST
def cohort_import(request, pk):
    """Preview or run a CSV enrolment, and show its planned rows or its errors."""
    cohort = _facilitated_cohort(request, pk)
    form = EnrollmentImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = enrollment_import(
                cohort=cohort,
                data=upload.read(),
                dry_run=form.cleaned_data["action"] == "preview",
                by=request.user,
            )
        except ValidationError as error:
            _error(request, error)
        else:
            if report.applied:
                messages.success(request, f"{len(report.rows)} agent(s) enrolled from the file.")
                form = EnrollmentImportForm()
    return _render_detail(request, cohort, import_form=form, import_report=report)


INVITATION_ACTIONS = {
    # action: (service, message)
    "resend": (invitations.invitation_resend, "A new invitation is on its way to {email}."),
    "revoke": (invitations.invitation_revoke, "The invitation of {email} is withdrawn."),
}


@login_required
@require_POST
def invitation_act(request, pk, invitation_id, action):
    """Resend (older links stop working) or revoke an open invitation of someone enrolled in
    a cohort the manager facilitates."""
    cohort = _facilitated_cohort(request, pk)
    people = cohort.enrollments.values("agent")
    invitation = get_object_or_404(open_invitations(users=people), pk=invitation_id)
    service, message = INVITATION_ACTIONS[action]
    service(invitation=invitation, by=request.user)
    messages.success(request, message.format(email=invitation.user.email))
    return redirect(_back(cohort, "invitations"))


@login_required
@require_POST
def decision_revoke(request, pk, decision_id):
    """Revoke one certification of the cohort, with a reason."""
    cohort = _facilitated_cohort(request, pk)
    decision = get_object_or_404(
        certification_selectors.decision_visible_to(user=request.user).filter(
            enrollment__cohort=cohort
        ),
        pk=decision_id,
    )
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _render_detail(
            request, cohort, revoke_decision=decision.pk, revoke_errors=form.errors["reason"]
        )
    try:
        certification_revoke(decision=decision, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _render_detail(
            request, cohort, revoke_decision=decision.pk, revoke_errors=error.messages
        )
    messages.success(request, f"The certification of {decision.agent} is revoked.")
    return redirect(_back(cohort, "certification"))
