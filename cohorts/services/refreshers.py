"""Quarterly refreshers: a manager's recurring schedule, and the cohort it opens each
quarter for the agents who are due.

Who is due, for a schedule and a quarter: every agent holding a valid certification in
the source program who has had no other refresher in the three months before the quarter
(or never had one), and, whatever their last refresher, every agent whose certification
expires within 90 days. Agents who left, or whose latest enrolment in the source program
was withdrawn, are skipped. One `RefresherRun` per schedule and quarter (a unique
constraint) makes the quarterly open idempotent.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import User
from certification.models import RECERTIFICATION_WINDOW, CertificationDecision, DecisionStatus
from cohorts.models import Enrollment, RefresherRun, RefresherSchedule
from cohorts.services.lifecycle import (
    _may_facilitate,
    cohort_create,
    cohort_start,
    enrollment_enroll,
)
from programs.models import Program

# An agent refreshed within this many months before the quarter is not due again, unless
# their certification expires soon. The schedule's own previous cohort does not count: it
# opened about three months ago by design.
RECENT_MONTHS = 3
EXPIRING_WITHIN = RECERTIFICATION_WINDOW  # 90 days
SCHEDULE_FIELDS = ("time_zone", "session_time", "location", "video_link", "is_active")


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 - months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def refresher_start_date(*, first_day: datetime.date, today: datetime.date) -> datetime.date:
    """Day 1 of a quarter's refresher: the quarter's first Monday, or, once that has passed
    (the sweep ran late), the next Monday after `today`."""
    first_monday = first_day + datetime.timedelta(days=(7 - first_day.weekday()) % 7)
    if first_monday >= today:
        return first_monday
    return today + datetime.timedelta(days=7 - today.weekday())


# --- The schedule --------------------------------------------------------------------------


def refresher_schedule_check(schedule: RefresherSchedule, facilitators: list[User]) -> None:
    """Raise ValidationError, by field, if `schedule` could not open its cohorts."""
    errors = {}
    if schedule.refresher_program.status != Program.Status.PUBLISHED:
        errors["refresher_program"] = "Choose a published program as the refresher."
    if schedule.source_program_id == schedule.refresher_program_id:
        errors["refresher_program"] = "A program cannot be its own refresher."
    if not_allowed := [str(user) for user in facilitators if not _may_facilitate(user)]:
        errors["facilitators"] = (
            "Only training managers and coaches facilitate a refresher, not "
            + ", ".join(not_allowed)
            + "."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def refresher_schedule_create(
    *,
    created_by: User,
    source_program: Program,
    refresher_program: Program,
    facilitators: Iterable[User] = (),
    **fields,
) -> RefresherSchedule:
    """Set up a recurring refresher; whoever sets it up facilitates its cohorts, with the
    `facilitators` named (training managers and coaches only)."""
    facilitators = list(facilitators)
    schedule = RefresherSchedule(
        source_program=source_program,
        refresher_program=refresher_program,
        created_by=created_by,
        **fields,
    )
    refresher_schedule_check(schedule, facilitators)
    schedule.full_clean()
    schedule.save()
    schedule.facilitators.set({created_by, *facilitators})
    return schedule


@transaction.atomic
def refresher_schedule_update(
    *, schedule: RefresherSchedule, facilitators: Iterable[User] | None = None, **fields
) -> RefresherSchedule:
    """Change a schedule; the next quarter's cohort follows it (cohorts already opened keep
    their settings). Its creator stays a facilitator."""
    schedule = RefresherSchedule.objects.select_for_update().get(pk=schedule.pk)
    for name, value in fields.items():
        setattr(schedule, name, value)
    facilitators = list(schedule.facilitators.all() if facilitators is None else facilitators)
    refresher_schedule_check(schedule, facilitators)
    schedule.full_clean()
    schedule.save()
    keep = [schedule.created_by] if schedule.created_by else []
    schedule.facilitators.set({*keep, *facilitators})
    return schedule


# --- Who is due ----------------------------------------------------------------------------


@dataclass
class RefresherOpened:
    run: RefresherRun
    created: bool


def refresher_due_agents(
    *, schedule: RefresherSchedule, first_day: datetime.date, now: datetime.datetime
) -> list[User]:
    """The agents a schedule's cohort for the quarter starting `first_day` enrols."""
    today = now.astimezone(ZoneInfo(schedule.time_zone)).date()
    valid = CertificationDecision.objects.with_status(DecisionStatus.VALID, now).filter(
        program_id=schedule.source_program_id
    )
    certified = valid.values("agent_id")
    expiring = valid.filter(expires_at__lte=now + EXPIRING_WITHIN).values("agent_id")
    refreshed_recently = (
        Enrollment.objects.filter(
            program_id=schedule.refresher_program_id,
            cohort__start_date__gte=months_before(first_day, RECENT_MONTHS),
        )
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .exclude(cohort__refresher_run__schedule=schedule)
        .values("agent_id")
    )
    latest_source_status = Subquery(
        Enrollment.objects.filter(agent_id=OuterRef("pk"), program_id=schedule.source_program_id)
        .order_by("-enrolled_at", "-id")
        .values("status")[:1]
    )
    busy = Enrollment.objects.filter(
        program_id=schedule.refresher_program_id, status=Enrollment.Status.ACTIVE
    ).values("agent_id")
    return list(
        User.objects.filter(role=User.Role.AGENT, is_active=True, pk__in=certified)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .filter(~Q(pk__in=refreshed_recently) | Q(pk__in=expiring))
        .exclude(pk__in=busy)
        .annotate(source_status=latest_source_status)
        .exclude(source_status=Enrollment.Status.WITHDRAWN)
        .order_by("pk")
    )


# --- The quarterly open --------------------------------------------------------------------


def refresher_open(
    *, schedule: RefresherSchedule, now: datetime.datetime | None = None
) -> RefresherOpened:
    """Open this quarter's refresher cohort for `schedule` (the quarter as it is in the
    schedule's time zone), enrol the agents who are due and start it, so its schedule is
    laid out and pairs drawn as for any cohort.

    Idempotent: a quarter already opened returns its run untouched, and the unique
    (schedule, quarter) constraint makes a concurrent second open fail and roll back
    whole, so no agent is enrolled twice in one quarter."""
    now = now or timezone.now()
    today = now.astimezone(ZoneInfo(schedule.time_zone)).date()
    first_day = quarter_start(today)
    try:
        with transaction.atomic():
            # The lock queues a second worker behind the first, which then finds its run.
            schedule = RefresherSchedule.objects.select_for_update().get(pk=schedule.pk)
            existing = RefresherRun.objects.filter(schedule=schedule, quarter_start=first_day)
            if run := existing.first():
                return RefresherOpened(run, False)
            return RefresherOpened(_open(schedule, first_day, today, now), True)
    except IntegrityError:  # the database's last word, should the lock not hold
        run = RefresherRun.objects.get(schedule=schedule, quarter_start=first_day)
        return RefresherOpened(run, False)


def _open(schedule, first_day, today, now) -> RefresherRun:
    facilitators = list(schedule.facilitators.all())
    opener = schedule.created_by or facilitators[0]
    quarter = (first_day.month - 1) // 3 + 1
    cohort = cohort_create(
        program=schedule.refresher_program,
        created_by=opener,
        facilitators=facilitators,
        name=f"{schedule.refresher_program.name} {first_day.year}-Q{quarter}",
        start_date=refresher_start_date(first_day=first_day, today=today),
        **{name: getattr(schedule, name) for name in SCHEDULE_FIELDS if name != "is_active"},
    )
    # The run is written before anyone is enrolled: a second worker on the same quarter
    # stops at its constraint.
    run = RefresherRun.objects.create(schedule=schedule, quarter_start=first_day, cohort=cohort)
    agents = refresher_due_agents(schedule=schedule, first_day=first_day, now=now)
    for agent in agents:
        enrollment_enroll(cohort=cohort, agent=agent, by=None)
    run.cohort = cohort_start(cohort=cohort, now=now)
    run.enrolled = len(agents)
    run.save(update_fields=["enrolled"])
    return run


def refreshers_open_due(*, now: datetime.datetime | None = None) -> list[RefresherOpened]:
    """The quarterly sweep: open the current quarter's cohort of every active schedule
    that has none yet. A schedule whose refresher cannot open (its program was archived)
    is skipped and tried again next time, without stopping the others."""
    now = now or timezone.now()
    opened = []
    for schedule in RefresherSchedule.objects.filter(is_active=True).order_by("pk"):
        try:
            result = refresher_open(schedule=schedule, now=now)
        except ValidationError:
            continue
        if result.created:
            opened.append(result)
    return opened
