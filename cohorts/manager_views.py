"""Training managers' pages: their cohorts, opening one, and one cohort's timeline (moving
a session, re-laying the schedule), coaching pairs, workshop attendance, live practice, who
is enrolled (withdraw, reactivate, history), who is behind, CSV enrolment, calibration
sessions and certification queue.

Scoped like the API: only training managers, and only the cohorts they facilitate (any
other cohort answers 404). Services do the work; a ValidationError they raise is shown on
the page, never a 500. An action in one section of the cohort page reports back in that
section (its messages are tagged with the section's id) and lands on its anchor.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from accounts import invitations
from accounts.invitations import open_invitations
from certification import selectors as certification_selectors
from certification.models import RolePlayAssessment
from certification.services import certification_revoke
from cohorts import selectors, services
from cohorts.enrollment_import import enrollment_import
from cohorts.forms import (
    AttendanceForm,
    CohortForm,
    EnrollmentImportForm,
    MoveForm,
    PracticeForm,
    ReactivateForm,
    RevokeForm,
    WithdrawForm,
    started_items,
    time_zone_names,
)
from cohorts.models import (
    Attendance,
    Cohort,
    Enrollment,
    EnrollmentEvent,
    ModuleProgress,
    ScheduleItem,
)
from cohorts.schedule import WEEK, CohortCalendar
from cohorts.services.lifecycle import cohort_resync_preview
from insights.selectors import calibration_visible_to
from programs.models import Phase

DETAIL_TEMPLATE = "cohorts/manager/cohort_detail.html"
RECENT_DECISIONS = 20
ENROLLED_PER_PAGE = 50
# Items a manager may move on the page: schedule_item_move refuses module windows.
MOVABLE_KINDS = (ScheduleItem.Kind.WORKSHOP, ScheduleItem.Kind.COACHING)

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


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's errors on the form: next to their field if it has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _posted(request):
    """The data to bind a form to: the POST's, even when empty (an empty POST is invalid,
    not unbound)."""
    return request.POST if request.method == "POST" else None


def _page(request, template: str, cohort: Cohort, **context):
    return render(request, template, {"nav": "cohorts", "cohort": cohort, **context})


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
@require_http_methods(["GET", "POST"])
def cohort_new(request):
    """Open a cohort of a published program; the manager opening it facilitates it."""
    _require_manager(request.user)
    initial = {"time_zone": request.user.time_zone, "facilitators": [request.user.pk]}
    form = CohortForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, f"“{cohort}” is open. Enrol agents, then start it.", extra_tags="cohort"
            )
            return redirect("web:cohort", pk=cohort.pk)
    return render(
        request,
        "cohorts/manager/cohort_new.html",
        {"nav": "cohorts", "form": form, "time_zones": time_zone_names()},
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


def _selected(request, param: str, items: list[ScheduleItem]) -> ScheduleItem | None:
    """The item asked for in ?param=, else the latest of `items` (those that started)."""
    wanted = request.GET.get(param, "")
    chosen = next((item for item in items if str(item.pk) == wanted), None)
    return chosen or (items[-1] if items else None)


def _room_state(request, param: str, items: list[ScheduleItem], records, present: Q):
    """For attendance or live practice: the item shown (?param=, else the latest started),
    the items with something recorded, and who was present at the one shown. `records`
    are the recorded rows of `items`; `present` picks those that say present."""
    recorded = set(records.values_list("item_id", flat=True).distinct())
    selected = _selected(request, param, items)
    present_ids = (
        set(records.filter(present, item=selected).values_list("enrollment_id", flat=True))
        if selected
        else set()
    )
    return selected, [item for item in items if item.pk in recorded], present_ids


def _attendance_state(request, cohort: Cohort, now) -> dict:
    workshops = list(started_items(cohort, ScheduleItem.Kind.WORKSHOP, now))
    selected, recorded, present = _room_state(
        request,
        "workshop",
        workshops,
        Attendance.objects.filter(item__in=workshops),
        Q(attended=True),
    )
    return {
        "workshops": workshops,
        "recorded_workshops": recorded,
        "selected_workshop": selected,
        "present": present,
    }


def _practice_state(request, cohort: Cohort, now) -> dict:
    modules = list(started_items(cohort, ScheduleItem.Kind.MODULE, now))
    selected, recorded, practised = _room_state(
        request,
        "module",
        modules,
        ModuleProgress.objects.filter(item__in=modules, practice_recorded_by__isnull=False),
        Q(practice_attended_at__isnull=False),
    )
    return {
        "modules": modules,
        "recorded_modules": recorded,
        "selected_module": selected,
        "practised": practised,
    }


def _enrolled_page(request, progress: list) -> dict:
    """One page of every enrolment (any status) with its progress and its history."""
    page = Paginator(progress, ENROLLED_PER_PAGE).get_page(request.GET.get("enrolled"))
    history = defaultdict(list)
    events = EnrollmentEvent.objects.filter(
        enrollment__in=[row.enrollment.pk for row in page]
    ).select_related("by")
    for event in events.order_by("at", "id"):
        history[event.enrollment_id].append(event)
    return {
        "enrolled_page": page,
        "enrolled": [(row, history[row.enrollment.pk]) for row in page],
    }


def _render_detail(request, cohort: Cohort, **state):
    """The cohort page; `state` carries forms and results of a POST shown on the page."""
    user, now = request.user, timezone.now()
    items = list(cohort.schedule_items.select_related("phase").order_by("starts_at", "id"))
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
    attendance = _attendance_state(request, cohort, now)
    practice = _practice_state(request, cohort, now)
    context = {
        "nav": "cohorts",
        "cohort": cohort,
        "now": now,
        "can_start": cohort.status == Cohort.Status.PLANNED,
        "is_open": cohort.status not in services.CLOSED_STATUSES,
        "is_running": cohort.status == Cohort.Status.RUNNING,
        "movable_kinds": MOVABLE_KINDS,
        "timeline": _timeline(cohort, items),
        "coaching_week": coaching_week,
        "pairs": pairs,
        **attendance,
        **practice,
        "active_agents": [row.enrollment for row in active],
        **_enrolled_page(request, progress),
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


def _error(request, error: ValidationError, section: str = "") -> None:
    messages.error(request, " ".join(error.messages), extra_tags=section)


@login_required
@require_POST
def cohort_start(request, pk):
    """Start a planned cohort: its schedule is laid out and the coaching pairs drawn."""
    cohort = _facilitated_cohort(request, pk)
    try:
        services.cohort_start(cohort=cohort)
    except ValidationError as error:
        _error(request, error, "cohort")
    else:
        messages.success(
            request,
            f"“{cohort}” has started: its schedule and pairs are ready.",
            extra_tags="cohort",
        )
    return redirect(_back(cohort))


@login_required
@require_http_methods(["GET", "POST"])
def cohort_regenerate_pairs(request, pk):
    """GET: which weeks' pairs would be drawn again and which stay. POST: draw them."""
    cohort = _facilitated_cohort(request, pk)
    if request.method == "GET":
        now = timezone.now()
        weeks = list(
            cohort.schedule_items.filter(kind=ScheduleItem.Kind.COACHING, cancelled=False)
            .annotate(pair_count=Count("coaching_pairs"))
            .order_by("coaching_week")
        )
        return _page(
            request,
            "cohorts/manager/pairs_regenerate.html",
            cohort,
            now=now,
            is_running=cohort.status == Cohort.Status.RUNNING,
            redrawn=[w for w in weeks if w.starts_at > now],
            kept=[w for w in weeks if w.starts_at <= now],
            active_count=cohort.enrollments.filter(status=Enrollment.Status.ACTIVE).count(),
        )
    try:
        weeks = services.coaching_pairs_generate(cohort=cohort)
    except ValidationError as error:
        _error(request, error, "pairs")
    else:
        messages.success(
            request, f"Coaching pairs drawn again for {weeks} future week(s).", extra_tags="pairs"
        )
    return redirect(_back(cohort, "pairs"))


@login_required
@require_http_methods(["GET", "POST"])
def cohort_resync(request, pk):
    """GET: what re-laying the schedule from the program would change. POST: do it."""
    cohort = _facilitated_cohort(request, pk)
    if request.method == "GET":
        return _page(
            request,
            "cohorts/manager/schedule_resync.html",
            cohort,
            is_running=cohort.status == Cohort.Status.RUNNING,
            preview=cohort_resync_preview(cohort=cohort),
            moved=cohort.schedule_items.filter(moved=True, cancelled=False).count(),
        )
    if cohort.status != Cohort.Status.RUNNING:
        messages.error(
            request, "Only a running cohort's schedule is re-laid.", extra_tags="timeline"
        )
        return redirect(_back(cohort, "timeline"))
    result = services.cohort_resync(cohort=cohort)
    messages.success(
        request,
        "Schedule re-laid from the program: {created} new, {updated} updated, {cancelled} "
        "cancelled; the pairs of future coaching weeks are drawn again.".format(**result),
        extra_tags="timeline",
    )
    return redirect(_back(cohort, "timeline"))


@login_required
@require_http_methods(["GET", "POST"])
def item_move(request, pk, item_id):
    """Move one session to a new local start; it keeps its length."""
    cohort = _facilitated_cohort(request, pk)
    item = get_object_or_404(cohort.schedule_items.select_related("cohort"), pk=item_id)
    form = MoveForm(_posted(request), item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_item_move(item=item, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            item.refresh_from_db()
            local = timezone.localtime(item.starts_at, form.zone)
            messages.success(
                request,
                f"“{item.title}” moved to {local:%a %-d %b %Y, %H:%M} ({cohort.time_zone}).",
                extra_tags="timeline",
            )
            return redirect(_back(cohort, "timeline"))
    return _page(
        request,
        "cohorts/manager/item_move.html",
        cohort,
        item=item,
        form=form,
        movable=item.kind in MOVABLE_KINDS and not item.cancelled,
        minutes=round((item.ends_at - item.starts_at).total_seconds() / 60),
    )


def _record_room(request, pk, form_class, service, section: str, message: str):
    """Record who was in the room for one started item: attendance or live practice."""
    cohort = _facilitated_cohort(request, pk)
    now = timezone.now()
    form = form_class(request.POST, cohort=cohort, now=now)
    if not form.is_valid():
        messages.error(request, form.error_text(), extra_tags=section)
        return redirect(_back(cohort, section))
    item, attended = form.item(), form.attendance_map()
    try:
        service(item=item, attended=attended, by=request.user, now=now)
    except ValidationError as error:
        _error(request, error, section)
    else:
        text = message.format(title=item.title, count=sum(attended.values()), of=len(attended))
        messages.success(request, text, extra_tags=section)
    return redirect(_back(cohort, section, **{form.item_field: item.pk}))


@login_required
@require_POST
def cohort_attendance(request, pk):
    """Record who attended one workshop that has started; unticked active agents are absent."""
    return _record_room(
        request, pk, AttendanceForm, services.attendance_record, "attendance",
        "Attendance for “{title}” saved: {count} of {of} attended.",
    )  # fmt: skip


@login_required
@require_POST
def cohort_practice(request, pk):
    """Record who took part in a module's live practice; unticked active agents did not."""
    return _record_room(
        request, pk, PracticeForm, services.practice_record, "practice",
        "Live practice for “{title}” saved: {count} of {of} practised.",
    )  # fmt: skip


def _cohort_enrollment(request, pk: int, enrollment_id: int) -> tuple[Cohort, Enrollment]:
    cohort = _facilitated_cohort(request, pk)
    enrollment = get_object_or_404(
        cohort.enrollments.select_related("agent", "agent__team"), pk=enrollment_id
    )
    return cohort, enrollment


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_withdraw(request, pk, enrollment_id):
    """GET: what withdrawing does, and a reason to give. POST: withdraw the agent."""
    cohort, enrollment = _cohort_enrollment(request, pk, enrollment_id)
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_withdraw(
                enrollment=enrollment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"{enrollment.agent} is withdrawn; future coaching weeks are paired again.",
                extra_tags="enrolled",
            )
            return redirect(_back(cohort, "enrolled"))
    return _page(
        request,
        "cohorts/manager/enrollment_withdraw.html",
        cohort,
        enrollment=enrollment,
        form=form,
    )


@login_required
@require_POST
def enrollment_reactivate(request, pk, enrollment_id):
    """Bring a withdrawn agent back (with an optional reason)."""
    cohort, enrollment = _cohort_enrollment(request, pk, enrollment_id)
    form = ReactivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]), extra_tags="enrolled")
        return redirect(_back(cohort, "enrolled"))
    try:
        services.enrollment_reactivate(
            enrollment=enrollment, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _error(request, error, "enrolled")
    else:
        messages.success(
            request,
            f"{enrollment.agent} is active again and joins the future coaching weeks.",
            extra_tags="enrolled",
        )
    return redirect(_back(cohort, "enrolled"))


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
            _error(request, error, "enrol")
        else:
            if report.applied:
                messages.success(
                    request,
                    f"{len(report.rows)} agent(s) enrolled from the file.",
                    extra_tags="enrol",
                )
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
    messages.success(request, message.format(email=invitation.user.email), extra_tags="invitations")
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
    messages.success(
        request, f"The certification of {decision.agent} is revoked.", extra_tags="certification"
    )
    return redirect(_back(cohort, "certification"))
