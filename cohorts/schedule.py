"""Laying a program out on a cohort's real dates.

Program day 1 is the cohort's start date. Every time is computed as a local wall-clock time
in the cohort's time zone and stored in UTC, so a 10:00 workshop is at 10:00 local on both
sides of a DST change. Module windows and coaching weeks run from local midnight on their
first day to local midnight after their last day.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort, ScheduleItem
from programs.models import Phase

WEEK = 7


@dataclass(frozen=True)
class PlannedItem:
    kind: str
    source: int  # workshop id, module id or coaching week number
    phase_id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    due_at: datetime.datetime

    @property
    def key(self) -> tuple[str, int]:
        return self.kind, self.source


def _item_key(item: ScheduleItem) -> tuple[str, int | None]:
    source = {
        ScheduleItem.Kind.WORKSHOP: item.workshop_id,
        ScheduleItem.Kind.MODULE: item.module_id,
        ScheduleItem.Kind.COACHING: item.coaching_week,
    }[item.kind]
    return item.kind, source


class CohortCalendar:
    """Converts program days of one cohort into aware UTC datetimes."""

    def __init__(self, cohort: Cohort):
        self.start_date = cohort.start_date
        self.zone = ZoneInfo(cohort.time_zone)
        self.session_time = cohort.session_time
        if isinstance(self.session_time, str):
            self.session_time = datetime.time.fromisoformat(self.session_time)

    def date_of(self, day: int) -> datetime.date:
        return self.start_date + datetime.timedelta(days=day - 1)

    def at(self, day: int, time: datetime.time) -> datetime.datetime:
        local = datetime.datetime.combine(self.date_of(day), time, tzinfo=self.zone)
        return local.astimezone(datetime.UTC)

    def session(self, day: int) -> datetime.datetime:
        return self.at(day, self.session_time)

    def day_start(self, day: int) -> datetime.datetime:
        return self.at(day, datetime.time.min)

    def program_day(self, moment: datetime.datetime) -> int:
        """The program day `moment` falls on, locally (0 or less before the start)."""
        return (moment.astimezone(self.zone).date() - self.start_date).days + 1


def _week_days(phase: Phase, week: int) -> tuple[int, int]:
    first = phase.first_day + WEEK * (week - 1)
    return first, min(first + WEEK - 1, phase.last_day)


def schedule_plan(*, cohort: Cohort) -> list[PlannedItem]:
    """Every dated item the cohort's program asks for, computed fresh from the program."""
    calendar = CohortCalendar(cohort)
    phases = (
        Phase.objects.filter(program_id=cohort.program_id)
        .order_by("order")
        .prefetch_related("workshops", "modules")
    )
    planned: list[PlannedItem] = []
    coaching_week = 0
    for phase in phases:
        for workshop in phase.workshops.all():
            day = phase.first_day + workshop.day - 1
            starts = calendar.session(day)
            ends = starts + datetime.timedelta(minutes=workshop.minutes)
            planned.append(
                PlannedItem("workshop", workshop.pk, phase.pk, workshop.title, starts, ends, ends)
            )
        for module in phase.modules.all():
            first, last = _week_days(phase, module.week)
            ends = calendar.day_start(last + 1)
            planned.append(
                PlannedItem(
                    "module",
                    module.pk,
                    phase.pk,
                    module.topic,
                    calendar.day_start(first),
                    ends,
                    ends,
                )
            )
        if phase.peer_coaching:
            for week in range(1, phase.weeks + 1):
                coaching_week += 1
                first, last = _week_days(phase, week)
                ends = calendar.day_start(last + 1)
                planned.append(
                    PlannedItem(
                        "coaching",
                        coaching_week,
                        phase.pk,
                        f"Peer coaching, week {coaching_week}",
                        calendar.session(first),
                        ends,
                        ends,
                    )
                )
    return planned


def _new_item(cohort: Cohort, plan: PlannedItem) -> ScheduleItem:
    item = ScheduleItem(
        cohort=cohort,
        kind=plan.kind,
        phase_id=plan.phase_id,
        title=plan.title,
        starts_at=plan.starts_at,
        ends_at=plan.ends_at,
        due_at=plan.due_at,
        location=cohort.location if plan.kind != "module" else "",
        video_link=cohort.video_link if plan.kind != "module" else "",
    )
    if plan.kind == "workshop":
        item.workshop_id = plan.source
    elif plan.kind == "module":
        item.module_id = plan.source
    else:
        item.coaching_week = plan.source
    return item


def _refresh(item: ScheduleItem, plan: PlannedItem) -> bool:
    """Bring a future item in line with the plan; True when anything changed."""
    changes = {"title": plan.title, "phase_id": plan.phase_id, "cancelled": False}
    if not item.moved:
        changes |= {"starts_at": plan.starts_at, "ends_at": plan.ends_at, "due_at": plan.due_at}
    changed = {field for field, value in changes.items() if getattr(item, field) != value}
    for field in changed:
        setattr(item, field, changes[field])
    if changed & {"starts_at", "ends_at", "cancelled"}:
        item.sequence += 1
    return bool(changed)


@transaction.atomic
def schedule_sync(*, cohort: Cohort, now: datetime.datetime | None = None) -> dict[str, int]:
    """Make the cohort's future schedule match its program and start date.

    Items that already started are history and stay as they are. Future items are updated
    in place (an item moved by hand keeps its time), new ones are created, and future items
    the program no longer has are cancelled rather than deleted, so attendance and progress
    recorded against any item are never lost. Safe to run any number of times.
    """
    now = now or timezone.now()
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    existing, orphans = {}, []
    for item in cohort.schedule_items.all():
        key = _item_key(item)
        # An item whose workshop or module was deleted has lost its source.
        if key[1] is None:
            orphans.append(item)
        else:
            existing[key] = item
    created, updated = [], []
    planned = schedule_plan(cohort=cohort)
    for plan in planned:
        item = existing.pop(plan.key, None)
        if item is None:
            created.append(_new_item(cohort, plan))
        elif item.starts_at > now and _refresh(item, plan):
            updated.append(item)
    cancelled = []
    for item in [*existing.values(), *orphans]:
        if item.starts_at > now and not item.cancelled:
            item.cancelled = True
            item.sequence += 1
            cancelled.append(item)
    ScheduleItem.objects.bulk_create(created)
    ScheduleItem.objects.bulk_update(
        updated + cancelled,
        ["title", "phase", "starts_at", "ends_at", "due_at", "cancelled", "sequence"],
    )
    # The wall-clock moment, not `now` (which only decides what is future): reconciliation
    # compares it with the program's content_changed_at. An UPDATE, not a save(), as the
    # schedule is derived data the audit trail leaves out.
    Cohort.objects.filter(pk=cohort.pk).update(schedule_laid_at=timezone.now())
    return {"created": len(created), "updated": len(updated), "cancelled": len(cancelled)}
