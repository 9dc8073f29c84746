"""Training managers' pages: their cohorts, opening one, and one cohort's timeline (moving
a session, re-laying the schedule), coaching pairs, workshop attendance, live practice, who
is enrolled (withdraw, reactivate, history), who is behind, CSV enrolment, calibration
sessions and certification queue.

Scoped like the API: only training managers, and only the cohorts they facilitate (any
other cohort answers 404). Services do the work; a ValidationError they raise is shown on
the page, never a 500. An action in one section of the cohort page reports back in that
section (its messages are tagged with the section's id) and lands on its anchor; the
actions themselves are in `cohorts/manager_actions.py`.
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
from django.views.decorators.http import require_http_methods

from accounts.invitations import open_invitations
from certification import selectors as certification_selectors
from certification.models import RolePlayAssessment
from cohorts import selectors, services
from cohorts.forms import (
    CohortForm,
    EnrollmentImportForm,
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
from insights.selectors import calibration_visible_to
from programs.models import Phase

DETAIL_TEMPLATE = "cohorts/manager/cohort_detail.html"
RECENT_DECISIONS = 20
# A cohort of thousands is shown a page at a time, each section paged on its own: the
# page's cost follows what is shown, not the size of the cohort.
ENROLLED_PER_PAGE = 50
ROOM_PER_PAGE = 100  # agents ticked at once for attendance and live practice
PAIRS_PER_PAGE = 50
BEHIND_PER_PAGE = 50
INVITATIONS_PER_PAGE = 50
# Items a manager may move on the page: schedule_item_move refuses module windows.
MOVABLE_KINDS = (ScheduleItem.Kind.WORKSHOP, ScheduleItem.Kind.COACHING)

# --- Scoping -------------------------------------------------------------------------------


def _require_manager(user) -> None:
    if not user.is_manager:
        raise PermissionDenied("These pages are for training managers.")


def facilitated_cohort(request, pk: int) -> Cohort:
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


def section_url(cohort: Cohort, anchor: str = "", **query) -> str:
    url = reverse("web:cohort", args=[cohort.pk])
    if query:
        url += "?" + urlencode(query)
    return f"{url}#{anchor}" if anchor else url


def add_errors(form, error: ValidationError) -> None:
    """Put a service's errors on the form: next to their field if it has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def posted_data(request):
    """The data to bind a form to: the POST's, even when empty (an empty POST is invalid,
    not unbound)."""
    return request.POST if request.method == "POST" else None


def render_page(request, template: str, cohort: Cohort, **context):
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
    form = CohortForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
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
    cohort = facilitated_cohort(request, pk)
    return render_detail(request, cohort)


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


def _room_state(request, param: str, items: list[ScheduleItem], records, present: Q, agents):
    """For attendance or live practice: the item shown (?param=, else the latest started),
    the items with something recorded, and who was present at the one shown among
    `agents` (the page of agents on the form). `records` are the recorded rows of `items`;
    `present` picks those that say present."""
    recorded = set(records.values_list("item_id", flat=True).distinct())
    selected = _selected(request, param, items)
    present_ids = (
        set(
            records.filter(present, item=selected, enrollment__in=agents).values_list(
                "enrollment_id", flat=True
            )
        )
        if selected
        else set()
    )
    return selected, [item for item in items if item.pk in recorded], present_ids


def _attendance_state(request, cohort: Cohort, now, agents) -> dict:
    workshops = list(started_items(cohort, ScheduleItem.Kind.WORKSHOP, now))
    selected, recorded, present = _room_state(
        request,
        "workshop",
        workshops,
        Attendance.objects.filter(item__in=workshops),
        Q(attended=True),
        agents,
    )
    return {
        "workshops": workshops,
        "recorded_workshops": recorded,
        "selected_workshop": selected,
        "present": present,
    }


def _practice_state(request, cohort: Cohort, now, agents) -> dict:
    modules = list(started_items(cohort, ScheduleItem.Kind.MODULE, now))
    selected, recorded, practised = _room_state(
        request,
        "module",
        modules,
        ModuleProgress.objects.filter(item__in=modules, practice_recorded_by__isnull=False),
        Q(practice_attended_at__isnull=False),
        agents,
    )
    return {
        "modules": modules,
        "recorded_modules": recorded,
        "selected_module": selected,
        "practised": practised,
    }


@dataclass
class SectionPage:
    """One page of a section, with links to its neighbours that keep the rest of the query
    (the search, the other sections' pages)."""

    page: object
    previous_url: str = ""
    next_url: str = ""


def _section_page(request, rows, param: str, per_page: int, anchor: str) -> SectionPage:
    page = Paginator(rows, per_page).get_page(request.GET.get(param))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}#{anchor}"

    return SectionPage(
        page,
        link(page.previous_page_number()) if page.has_previous() else "",
        link(page.next_page_number()) if page.has_next() else "",
    )


def agent_search(request, enrollments):
    """`?q=`: the enrolments whose agent's name or e-mail contains it."""
    wanted = request.GET.get("q", "").strip()
    if not wanted:
        return enrollments
    return enrollments.filter(
        Q(agent__display_name__icontains=wanted) | Q(agent__email__icontains=wanted)
    )


def _enrolled_page(request, cohort: Cohort, now) -> dict:
    """One page of the enrolments (any status) the search finds, with their progress (told
    for that page only) and their history."""
    enrolled = _section_page(
        request,
        agent_search(request, selectors.progress_enrollments(cohort=cohort)),
        "enrolled",
        ENROLLED_PER_PAGE,
        "enrolled",
    )
    enrollments = list(enrolled.page.object_list)
    progress = selectors.progress_by_enrollment(
        cohort=cohort, now=now, enrollment_ids=[e.pk for e in enrollments]
    )
    history = defaultdict(list)
    events = EnrollmentEvent.objects.filter(enrollment__in=enrollments).select_related("by")
    for event in events.order_by("at", "id"):
        history[event.enrollment_id].append(event)
    return {
        "enrolled_page": enrolled.page,
        "enrolled_section": enrolled,
        "enrolled": [(e, progress[e.pk], history[e.pk]) for e in enrollments],
    }


def _behind_page(request, cohort: Cohort, now) -> dict:
    """Who is behind, a page at a time: the database tells who (one query for all their
    ids, counted and paged here), and progress is told for the page's agents only."""
    ids = selectors.behind_ids(cohort=cohort, now=now, active_only=True)
    section = _section_page(request, ids, "behind", BEHIND_PER_PAGE, "behind")
    enrollments = selectors.in_progress_order(section.page.object_list, cohort=cohort)
    progress = selectors.progress_by_enrollment(
        cohort=cohort, now=now, enrollment_ids=[e.pk for e in enrollments]
    )
    return {"behind": [(e, progress[e.pk]) for e in enrollments], "behind_section": section}


def render_detail(request, cohort: Cohort, **state):
    """The cohort page; `state` carries forms and results of a POST shown on the page."""
    user, now = request.user, timezone.now()
    items = list(cohort.schedule_items.select_related("phase").order_by("starts_at", "id"))
    coaching_week = _coaching_week(items, now)
    pairs = _section_page(
        request,
        selectors.coaching_pair_visible_to(user=user)
        .filter(item=coaching_week)
        .prefetch_related("members__enrollment__agent")
        .order_by("pk")
        if coaching_week
        else [],
        "pairs",
        PAIRS_PER_PAGE,
        "pairs",
    )
    active = agent_search(
        request,
        cohort.enrollments.filter(status=Enrollment.Status.ACTIVE)
        .select_related("agent")
        .order_by("agent__display_name", "agent__email", "pk"),
    )
    room = _section_page(request, active, "agents", ROOM_PER_PAGE, "attendance")
    room_agents = list(room.page.object_list)
    statuses = dict(cohort.enrollments.values_list("status").annotate(n=Count("pk")).order_by())
    invitations = _section_page(
        request,
        open_invitations(users=cohort.enrollments.values("agent")).order_by("user__email"),
        "invitations",
        INVITATIONS_PER_PAGE,
        "invitations",
    )
    context = {
        "nav": "cohorts",
        "cohort": cohort,
        "now": now,
        "can_start": cohort.status == Cohort.Status.PLANNED,
        "is_open": cohort.status not in services.CLOSED_STATUSES,
        "is_running": cohort.is_started,
        "outcome_counts": {
            status: statuses.get(status, 0)
            for status in (Enrollment.Status.COMPLETED, Enrollment.Status.NOT_COMPLETED)
        },
        "movable_kinds": MOVABLE_KINDS,
        "timeline": _timeline(cohort, items),
        "coaching_week": coaching_week,
        "pairs": pairs.page.object_list,
        "pairs_section": pairs,
        "search": request.GET.get("q", "").strip(),
        **_attendance_state(request, cohort, now, room_agents),
        **_practice_state(request, cohort, now, room_agents),
        "active_agents": room_agents,
        "room_section": room,
        "active_count": statuses.get(Enrollment.Status.ACTIVE, 0),
        **_enrolled_page(request, cohort, now),
        **_behind_page(request, cohort, now),
        "calibrations": calibration_visible_to(user=user).select_related("rubric"),
        "booked": certification_selectors.assessment_visible_to(user=user)
        .filter(enrollment__cohort=cohort, status=RolePlayAssessment.Status.BOOKED)
        .select_related("enrollment__agent", "scenario", "assessor")
        .order_by(F("scheduled_at").asc(nulls_last=True), "id"),
        "decisions": certification_selectors.decision_visible_to(user=user)
        .filter(enrollment__cohort=cohort)
        .select_related("agent", "revoked_by")[:RECENT_DECISIONS],
        "invitations": invitations.page.object_list,
        "invitations_section": invitations,
        "import_form": EnrollmentImportForm(),
        "revoke_decision": None,
        "revoke_errors": [],
        **state,
    }
    return render(request, DETAIL_TEMPLATE, context)
