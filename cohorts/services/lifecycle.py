"""Opening, starting and rescheduling cohorts; enrolling, withdrawing and re-activating
agents (with their history)."""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cohorts.models import (
    Cohort,
    Enrollment,
    EnrollmentEvent,
)
from cohorts.schedule import schedule_sync
from cohorts.services.coaching import coaching_pairs_generate
from programs.models import Program

CLOSED_STATUSES = (Cohort.Status.FINISHED, Cohort.Status.CANCELLED)

# --- Cohorts -------------------------------------------------------------------------------


FACILITATOR_ROLES = (User.Role.MANAGER, User.Role.COACH)


def _may_facilitate(user: User) -> bool:
    return user.is_superuser or user.role in FACILITATOR_ROLES


@transaction.atomic
def cohort_create(
    *, program: Program, created_by: User, facilitators: Iterable[User] = (), **fields
) -> Cohort:
    """Open a cohort of a published program; whoever opens it facilitates it, with the
    `facilitators` named (training managers and coaches only)."""
    if program.status != Program.Status.PUBLISHED:
        raise ValidationError({"program": "Cohorts can only be opened for a published program."})
    facilitators = list(facilitators)
    if not_allowed := [str(user) for user in facilitators if not _may_facilitate(user)]:
        raise ValidationError(
            {
                "facilitators": "Only training managers and coaches facilitate a cohort, not "
                + ", ".join(not_allowed)
                + "."
            }
        )
    cohort = Cohort(program=program, **fields)
    cohort.full_clean()
    cohort.save()
    cohort.facilitators.add(created_by, *facilitators)
    return cohort


def cohort_resync_preview(*, cohort: Cohort, now: datetime.datetime | None = None) -> dict:
    """What `cohort_resync` would do now (items created, updated, cancelled), found by doing
    it in a transaction that is rolled back, so the preview and the real run cannot
    disagree. Writes nothing."""
    if not cohort.is_started:
        return {}
    with transaction.atomic():
        result = schedule_sync(cohort=cohort, now=now)
        transaction.set_rollback(True)
    return result


@transaction.atomic
def cohort_start(*, cohort: Cohort, now: datetime.datetime | None = None) -> Cohort:
    """Start a planned cohort: lay out its dated schedule and draw the coaching pairs. It is
    scheduled until day 1 comes in its time zone, then running (see `cohort_status_sweep`)."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.status != Cohort.Status.PLANNED:
        raise ValidationError({"status": f"The cohort is {cohort.get_status_display()}."})
    cohort.status = started_status(cohort=cohort, now=now or timezone.now())
    cohort.save(update_fields=["status"])
    schedule_sync(cohort=cohort, now=now)
    coaching_pairs_generate(cohort=cohort, now=now)
    return cohort


@transaction.atomic
def cohort_reschedule(
    *, cohort: Cohort, start_date: datetime.date, now: datetime.datetime | None = None
) -> Cohort:
    """Move the cohort's day 1; future items follow, past items and progress stay."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.status in CLOSED_STATUSES:
        raise ValidationError({"start_date": "A closed cohort cannot be rescheduled."})
    if cohort.end_date:  # an extended last day moves with day 1
        cohort.end_date += start_date - cohort.start_date
    cohort.start_date = start_date
    if cohort.is_started:
        cohort.status = started_status(cohort=cohort, now=now or timezone.now())
    cohort.save(update_fields=["start_date", "end_date", "status"])
    if cohort.is_started:
        schedule_sync(cohort=cohort, now=now)
        coaching_pairs_generate(cohort=cohort, now=now)
    return cohort


def cohort_resync(*, cohort: Cohort, now: datetime.datetime | None = None) -> dict[str, int]:
    """Bring a started cohort's future schedule and pairs in line with its program."""
    if not cohort.is_started:
        return {}
    with transaction.atomic():
        result = schedule_sync(cohort=cohort, now=now)
        coaching_pairs_generate(cohort=cohort, now=now)
    return result


def started_status(*, cohort: Cohort, now: datetime.datetime) -> str:
    """Scheduled while day 1 is still to come in the cohort's time zone, then running."""
    local_today = now.astimezone(ZoneInfo(cohort.time_zone)).date()
    if cohort.start_date > local_today:
        return Cohort.Status.SCHEDULED
    return Cohort.Status.RUNNING


# --- Enrolment -----------------------------------------------------------------------------


def _record_event(enrollment, from_status, by, reason=""):
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        from_status=from_status,
        to_status=enrollment.status,
        by=by,
        reason=reason,
    )


def _ensure_not_active_elsewhere(*, agent: User, program_id: int, exclude_pk=None) -> None:
    clash = (
        Enrollment.objects.filter(
            agent=agent, program_id=program_id, status=Enrollment.Status.ACTIVE
        )
        .exclude(pk=exclude_pk)
        .select_related("cohort")
        .first()
    )
    if clash:
        raise ValidationError(
            {"agent": f"{agent} is already enrolled in this program (cohort “{clash.cohort}”)."}
        )


@transaction.atomic
def enrollment_enroll(*, cohort: Cohort, agent: User, by: User | None = None) -> Enrollment:
    """Enrol one agent; an agent has at most one active enrolment per program."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.status in CLOSED_STATUSES:
        raise ValidationError({"cohort": "This cohort is closed."})
    if agent.role != User.Role.AGENT:
        raise ValidationError({"agent": f"{agent} is a {agent.get_role_display()}, not an agent."})
    if Enrollment.objects.filter(cohort=cohort, agent=agent).exists():
        raise ValidationError({"agent": f"{agent} is already in this cohort."})
    _ensure_not_active_elsewhere(agent=agent, program_id=cohort.program_id)
    enrollment = Enrollment.objects.create(cohort=cohort, program_id=cohort.program_id, agent=agent)
    _record_event(enrollment, "", by, "enrolled")
    return enrollment


def _set_status(enrollment, status, *, by, reason, now, also=()):
    previous = enrollment.status
    enrollment.status = status
    enrollment.status_changed_at = now
    enrollment.save(update_fields=["status", "status_changed_at", *also])
    _record_event(enrollment, previous, by, reason)


@transaction.atomic
def enrollment_withdraw(
    *, enrollment: Enrollment, by: User | None = None, reason: str = "", now=None
) -> Enrollment:
    """Withdraw an agent: they leave future coaching weeks, which are re-paired."""
    now = now or timezone.now()
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise ValidationError({"status": f"The enrolment is {enrollment.get_status_display()}."})
    _set_status(enrollment, Enrollment.Status.WITHDRAWN, by=by, reason=reason, now=now)
    coaching_pairs_generate(cohort=enrollment.cohort, now=now)
    return enrollment


@transaction.atomic
def enrollment_reactivate(
    *, enrollment: Enrollment, by: User | None = None, reason: str = "", now=None
) -> Enrollment:
    """Bring a withdrawn agent back; they join the coaching pairs of future weeks."""
    now = now or timezone.now()
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.WITHDRAWN:
        raise ValidationError({"status": f"The enrolment is {enrollment.get_status_display()}."})
    _ensure_not_active_elsewhere(
        agent=enrollment.agent, program_id=enrollment.program_id, exclude_pk=enrollment.pk
    )
    _set_status(enrollment, Enrollment.Status.ACTIVE, by=by, reason=reason, now=now)
    coaching_pairs_generate(cohort=enrollment.cohort, now=now)
    return enrollment
