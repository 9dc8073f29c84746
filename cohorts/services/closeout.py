"""How a cohort moves through its statuses and ends: scheduled until day 1, running, then
closed out at local midnight after its last day (or early, by a manager), each active
agent completed or not against the program's completion rule."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.links import public_url
from accounts.models import ReminderKind, User
from accounts.reminders import Due, outbox_write
from cohorts.completion import cohort_missing_items
from cohorts.models import Cohort, Enrollment
from cohorts.selectors import with_program_days
from cohorts.services.lifecycle import _set_status, started_status

# Bounded work per sweep; the next run (every few minutes) takes the rest.
SWEEP_BATCH = 200


def _outcome_due(enrollment: Enrollment, now: datetime.datetime) -> Due:
    return Due(
        recipient_id=enrollment.agent_id,
        recipient_tz=enrollment.agent.time_zone,
        kind=ReminderKind.PROGRAM_OUTCOME,
        object_type="enrollment",
        object_id=enrollment.pk,
        slot="outcome",  # one outcome per enrolment, however often the close-out runs
        send_at=now,
        context={
            "program": enrollment.cohort.program.name,
            "cohort": enrollment.cohort.name,
            "completed": enrollment.status == Enrollment.Status.COMPLETED,
            "missing": enrollment.missing_items,
            "url": public_url("web:plan"),
        },
    )


@transaction.atomic
def cohort_close(
    *,
    cohort: Cohort,
    by: User | None = None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Cohort:
    """Close a started cohort: each active agent becomes completed or not completed (with
    what they missed), each change in their history, each told by an in-app notification;
    the cohort becomes finished.

    Idempotent: a finished cohort is returned as it is, only active enrolments change, and
    the outcome notification is one outbox row per enrolment, so a rerun adds nothing.
    `by` and `reason` are set when a manager closes it; the reason is kept when that is
    before the cohort's end.
    """
    now = now or timezone.now()
    cohort = Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)
    if cohort.status == Cohort.Status.FINISHED:
        return cohort
    if not cohort.is_started:
        raise ValidationError(
            {"status": f"The cohort is {cohort.get_status_display().lower()}: "
             "only a started cohort can be closed."}
        )  # fmt: skip
    active = list(
        cohort.enrollments.filter(status=Enrollment.Status.ACTIVE).select_related(
            "agent", "cohort__program"
        )
    )
    missing = cohort_missing_items(cohort=cohort, enrollments=active, now=now)
    early = by is not None and now < cohort.ends_at()
    closing = (f"closed early: {reason}" if reason else "closed early") if early else ""
    for enrollment in active:
        enrollment.missing_items = missing[enrollment.pk]
        outcome = (
            Enrollment.Status.NOT_COMPLETED if enrollment.missing_items
            else Enrollment.Status.COMPLETED
        )  # fmt: skip
        why = "; ".join(filter(None, ["cohort ended", closing, *enrollment.missing_items]))
        _set_status(enrollment, outcome, by=by, reason=why[:300], now=now, also=["missing_items"])
    outbox_write(due=[_outcome_due(e, now) for e in active], now=now)
    cohort.status = Cohort.Status.FINISHED
    cohort.closed_at = now
    cohort.close_reason = reason if early else ""
    cohort.save(update_fields=["status", "closed_at", "close_reason"])
    return cohort


@transaction.atomic
def cohort_extend(
    *,
    cohort: Cohort,
    last_day: datetime.date,
    reason: str,
    by: User | None = None,
    now: datetime.datetime | None = None,
) -> Cohort:
    """Give a started cohort a later last day. The reason is kept on the cohort, and the
    change in the audit trail."""
    now = now or timezone.now()
    cohort = Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)
    if not cohort.is_started:
        raise ValidationError(
            {"last_day": f"The cohort is {cohort.get_status_display().lower()}: "
             "only a started cohort can be extended."}
        )  # fmt: skip
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Say why the cohort is extended."
    if last_day is None:
        errors["last_day"] = "Give the new last day."
    elif last_day <= cohort.last_day:
        errors["last_day"] = (
            f"The new last day must be after the current one ({cohort.last_day:%d %B %Y})."
        )
    elif cohort.ends_at(last_day) <= now:
        errors["last_day"] = "The new last day has passed already."
    if errors:
        raise ValidationError(errors)
    cohort.end_date = last_day
    cohort.extension_reason = reason.strip()[:300]
    cohort.save(update_fields=["end_date", "extension_reason"])
    return cohort


@transaction.atomic
def _start_running(cohort: Cohort) -> int:
    locked = (
        Cohort.objects.select_for_update()
        .filter(pk=cohort.pk, status=Cohort.Status.SCHEDULED)
        .first()
    )
    if locked is None:  # another sweep moved it already
        return 0
    locked.status = Cohort.Status.RUNNING
    locked.save(update_fields=["status"])  # a save, so the audit trail shows it
    return 1


def cohort_status_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Move started cohorts on: scheduled ones whose day 1 came (locally) start running,
    and ones whose last day passed (local midnight after it) are closed out. Safe to run
    any number of times and side by side: each change re-checks the row under a lock.
    At most SWEEP_BATCH cohorts change per run; the next run takes the rest."""
    now = now or timezone.now()
    counts = {"running": 0, "finished": 0}
    # Day 1 has come somewhere on Earth only once UTC is within a day of it.
    candidates = with_program_days(
        Cohort.objects.filter(
            status__in=Cohort.STARTED_STATUSES,
            start_date__lte=now.date() + datetime.timedelta(1),
        )
    )
    for cohort in candidates.order_by("start_date", "pk"):
        if counts["running"] + counts["finished"] >= SWEEP_BATCH:
            break
        if now >= cohort.ends_at():
            cohort_close(cohort=cohort, now=now)
            counts["finished"] += 1
        elif (
            cohort.status == Cohort.Status.SCHEDULED
            and started_status(cohort=cohort, now=now) == Cohort.Status.RUNNING
        ):
            counts["running"] += _start_running(cohort)
    return counts
