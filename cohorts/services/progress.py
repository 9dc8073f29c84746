"""Moving sessions and recording progress: pre-work, live practice, attendance."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from cohorts.models import (
    Attendance,
    Enrollment,
    ModuleProgress,
    ScheduleItem,
)

# --- Schedule and progress -----------------------------------------------------------------

# A session moves at most this far before the cohort's first day or after its last.
MOVE_MARGIN = datetime.timedelta(days=365)


def _move_window(cohort) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants a session of `cohort` may be moved between."""
    days = cohort.program.phases.aggregate(days=Max("last_day"))["days"] or 1
    first = datetime.datetime.combine(
        cohort.start_date, datetime.time.min, tzinfo=ZoneInfo(cohort.time_zone)
    )
    return first - MOVE_MARGIN, first + datetime.timedelta(days=days) + MOVE_MARGIN


def schedule_item_move_errors(*, item: ScheduleItem, starts_at: datetime.datetime) -> dict:
    """Why `item` may not move to `starts_at`, by field; empty when it may."""
    earliest, latest = _move_window(item.cohort)
    if not earliest <= starts_at <= latest:
        return {
            "starts_at": (
                f"Move it between {earliest:%Y-%m-%d} and {latest:%Y-%m-%d}, within a "
                "year of the cohort's days."
            )
        }
    if item.kind == ScheduleItem.Kind.MODULE:
        return {"kind": "Module windows follow the program; move the cohort."}
    if item.cancelled:
        return {"cancelled": "This item was cancelled."}
    return {}


@transaction.atomic
def schedule_item_move(
    *, item: ScheduleItem, starts_at: datetime.datetime, location=None, video_link=None
) -> ScheduleItem:
    """Move one session; it keeps its length, and regeneration will not move it back.

    The new start lies within a year of the cohort's days (MOVE_MARGIN), else nothing moves.
    """
    item = ScheduleItem.objects.select_for_update().get(pk=item.pk)
    if errors := schedule_item_move_errors(item=item, starts_at=starts_at):
        raise ValidationError(errors)
    shift = starts_at - item.starts_at
    item.starts_at = starts_at
    item.ends_at += shift
    item.due_at += shift
    item.moved = True
    item.sequence += 1
    if location is not None:
        item.location = location
    if video_link is not None:
        item.video_link = video_link
    item.full_clean()
    item.save()
    return item


def _require_kind(item: ScheduleItem, kind: str) -> None:
    if item.kind != kind:
        raise ValidationError({"item": f"“{item.title}” is not a {kind} item."})


def _cohort_enrollments(item: ScheduleItem, enrollment_ids) -> list[Enrollment]:
    enrollments = list(Enrollment.objects.filter(cohort_id=item.cohort_id, pk__in=enrollment_ids))
    missing = set(enrollment_ids) - {e.pk for e in enrollments}
    if missing:
        raise ValidationError({"enrollments": f"Not enrolments of this cohort: {sorted(missing)}."})
    return enrollments


@transaction.atomic
def prework_mark_done(*, enrollment: Enrollment, item: ScheduleItem, now=None) -> ModuleProgress:
    """The agent marks their own pre-work for a module window done. Idempotent."""
    _require_kind(item, ScheduleItem.Kind.MODULE)
    if item.cohort_id != enrollment.cohort_id:
        raise ValidationError({"item": "This module is not part of your cohort."})
    progress, _ = ModuleProgress.objects.get_or_create(enrollment=enrollment, item=item)
    if progress.prework_done_at is None:
        progress.prework_done_at = now or timezone.now()
        progress.save(update_fields=["prework_done_at"])
    return progress


@transaction.atomic
def practice_record(*, item: ScheduleItem, attended: dict[int, bool], by: User, now=None) -> int:
    """A facilitator records live-practice attendance for any number of agents at once."""
    _require_kind(item, ScheduleItem.Kind.MODULE)
    now = now or timezone.now()
    enrollments = _cohort_enrollments(item, attended)
    existing = {
        p.enrollment_id: p
        for p in ModuleProgress.objects.filter(item=item, enrollment__in=enrollments)
    }
    to_create, to_update = [], []
    for enrollment in enrollments:
        progress = existing.get(enrollment.pk) or ModuleProgress(enrollment=enrollment, item=item)
        progress.practice_attended_at = now if attended[enrollment.pk] else None
        progress.practice_recorded_by = by
        (to_update if progress.pk else to_create).append(progress)
    ModuleProgress.objects.bulk_create(to_create)
    ModuleProgress.objects.bulk_update(to_update, ["practice_attended_at", "practice_recorded_by"])
    return len(enrollments)


@transaction.atomic
def attendance_record(*, item: ScheduleItem, attended: dict[int, bool], by: User, now=None) -> int:
    """A facilitator records workshop attendance for one agent or the whole room, once the
    workshop has started (nobody attends a session that has not happened)."""
    _require_kind(item, ScheduleItem.Kind.WORKSHOP)
    if item.starts_at > (now or timezone.now()):
        raise ValidationError(
            {"item": f"“{item.title}” has not started yet: record attendance once it has."}
        )
    enrollments = _cohort_enrollments(item, attended)
    Attendance.objects.bulk_create(
        [
            Attendance(enrollment=e, item=item, attended=attended[e.pk], recorded_by=by)
            for e in enrollments
        ],
        update_conflicts=True,
        unique_fields=["enrollment", "item"],
        update_fields=["attended", "recorded_by", "recorded_at"],
    )
    return len(enrollments)
