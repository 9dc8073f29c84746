"""Who in a cohort is due which reminder (see accounts/reminders.py for the machinery).

`resolve` looks at one moment and answers in a fixed number of queries, however many
agents there are: pre-work due tomorrow, sessions tomorrow and in an hour, peer scores still
missing as the coaching week ends, and the facilitators' Monday digest.
"""

import datetime
from collections import defaultdict
from functools import partial
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accounts.links import public_url
from accounts.models import ReminderKind
from accounts.reminders import Due, DueObject, DueSet
from cohorts.models import (
    CoachingPairMember,
    Cohort,
    Enrollment,
    ModuleProgress,
    RubricScore,
    ScheduleItem,
)
from cohorts.selectors import (
    control_assignments_overlapping,
    enrollments_behind,
    progress_by_enrollment,
)

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def _local(moment: datetime.datetime, time_zone: str) -> str:
    return moment.astimezone(ZoneInfo(time_zone or "UTC")).strftime("%A %d %B, %H:%M (%Z)")


def _item_context(item: ScheduleItem, time_zone: str) -> dict:
    return {
        "title": item.title,
        "cohort": item.cohort.name,
        "starts": _local(item.starts_at, time_zone),
        "due": _local(item.due_at, time_zone),
        "location": item.location,
        "video_link": item.video_link,
        "url": public_url("web:plan"),
    }


def _items_within_a_day(now) -> list[ScheduleItem]:
    """Items starting, due or ending within a day, in running cohorts: one query, from
    which each kind of reminder picks its own."""
    window = Q()
    for field in ("starts_at", "due_at", "ends_at"):
        window |= Q(**{f"{field}__gt": now, f"{field}__lte": now + DAY})
    return list(
        ScheduleItem.objects.filter(
            window, cohort__status__in=Cohort.STARTED_STATUSES, cancelled=False
        ).select_related("cohort")
    )


def _upcoming(items, now, kinds, lead, field="starts_at") -> list[ScheduleItem]:
    """Those of `items` whose `field` time falls within `lead` from now."""
    return [i for i in items if i.kind in kinds and now < getattr(i, field) <= now + lead]


def _prework_due(now, items) -> list[DueSet]:
    """Agents of each module due tomorrow who have not done its pre-work, outside an
    experiment's control window."""
    modules = _upcoming(items, now, [ScheduleItem.Kind.MODULE], DAY, field="due_at")
    if not modules:
        return []
    done = ModuleProgress.objects.filter(
        enrollment=OuterRef("pk"), item=OuterRef("object_id"), prework_done_at__isnull=False
    )
    in_control = control_assignments_overlapping(
        agent=OuterRef("agent_id"), starts=OuterRef("item_starts"), ends=OuterRef("item_ends")
    )
    active = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
    recipients = (
        active.filter(cohort__schedule_items__in=modules)
        .annotate(
            recipient_id=F("agent_id"),
            recipient_tz=F("agent__time_zone"),
            object_id=F("cohort__schedule_items__id"),
            item_starts=F("cohort__schedule_items__starts_at"),
            item_ends=F("cohort__schedule_items__ends_at"),
        )
        .exclude(Exists(done))
        .exclude(Exists(in_control))
    )
    objects = [
        DueObject(
            object_id=item.pk,
            slot=item.due_at.isoformat(),
            send_at=item.due_at - DAY,
            expires_at=item.due_at,
            context=partial(_item_context, item),
        )
        for item in modules
    ]
    return [
        DueSet(
            kind=ReminderKind.PREWORK_DUE,
            object_type="scheduleitem",
            recipients=recipients,
            objects=objects,
        )
    ]


def _session_context(item: ScheduleItem):
    def context(zone: str) -> dict:
        context = _item_context(item, zone)
        if item.kind == ScheduleItem.Kind.WORKSHOP:
            context |= {"item": item.pk, "enrich": __name__ + ".session_ics"}
        return context

    return context


def _sessions(now, items, kind, lead) -> list[DueSet]:
    """Who attends each session starting within `lead`: the room for a workshop, the pairs
    for a coaching week, as sets written in SQL (a room can be thousands of people)."""
    items = _upcoming(items, now, [ScheduleItem.Kind.WORKSHOP, ScheduleItem.Kind.COACHING], lead)
    # Workshops and coaching weeks reach their people differently: one set for each.
    objects = {item.kind: [] for item in items}
    for item in items:
        objects[item.kind].append(
            DueObject(
                object_id=item.pk,
                slot=item.starts_at.isoformat(),
                send_at=item.starts_at - lead,
                expires_at=item.starts_at,
                context=_session_context(item),
            )
        )
    sources = {
        ScheduleItem.Kind.WORKSHOP: lambda ids: Enrollment.objects.filter(
            status=Enrollment.Status.ACTIVE, cohort__schedule_items__in=ids
        ).annotate(
            recipient_id=F("agent_id"),
            recipient_tz=F("agent__time_zone"),
            object_id=F("cohort__schedule_items__id"),
        ),
        ScheduleItem.Kind.COACHING: lambda ids: CoachingPairMember.objects.filter(
            pair__item__in=ids, enrollment__status=Enrollment.Status.ACTIVE
        ).annotate(
            recipient_id=F("enrollment__agent_id"),
            recipient_tz=F("enrollment__agent__time_zone"),
            object_id=F("pair__item_id"),
        ),
    }
    return [
        DueSet(
            kind=kind,
            object_type="scheduleitem",
            recipients=sources[item_kind]([obj.object_id for obj in group]),
            objects=group,
        )
        for item_kind, group in objects.items()
    ]


def _peer_scores_missing(now, items) -> list[Due]:
    weeks = _upcoming(items, now, [ScheduleItem.Kind.COACHING], DAY, field="ends_at")
    if not weeks:
        return []
    members = list(
        CoachingPairMember.objects.filter(
            pair__item__in=weeks, enrollment__status=Enrollment.Status.ACTIVE
        ).select_related("enrollment__agent", "pair")
    )
    scored = set(
        RubricScore.objects.filter(coaching_pair__item__in=weeks).values_list(
            "coaching_pair_id", "scorer_id", "subject_id"
        )
    )
    by_pair = defaultdict(list)
    for member in members:
        by_pair[member.pair_id].append(member.enrollment.agent)
    week_by_id = {week.pk: week for week in weeks}
    due = []
    for member in members:
        agent = member.enrollment.agent
        partners = [p for p in by_pair[member.pair_id] if p.pk != agent.pk]
        missing = [p for p in partners if (member.pair_id, agent.pk, p.pk) not in scored]
        if not missing:
            continue
        week = week_by_id[member.pair.item_id]
        context = _item_context(week, agent.time_zone)
        context["partners"] = [p.display_name or p.email for p in missing]
        due.append(
            Due(
                recipient_id=agent.pk,
                recipient_tz=agent.time_zone,
                kind=ReminderKind.PEER_SCORE_MISSING,
                object_type="coachingpair",
                object_id=member.pair_id,
                slot="end-of-week",
                send_at=week.ends_at - DAY,
                expires_at=week.ends_at,
                context=context,
            )
        )
    return due


def session_ics(context: dict) -> dict:
    """At delivery: the workshop as a calendar file to attach to its reminder."""
    from accounts.calendar import single_event_ics

    item = ScheduleItem.objects.select_related("cohort").filter(pk=context["item"]).first()
    return {"ics": single_event_ics(item)} if item else {}


def _monday_morning(now, time_zone) -> datetime.datetime:
    zone = ZoneInfo(time_zone or "UTC")
    local_day = now.astimezone(zone).date()
    monday = local_day - datetime.timedelta(days=local_day.weekday())
    return datetime.datetime.combine(monday, datetime.time(8), tzinfo=zone).astimezone(datetime.UTC)


# UTC offsets in use on Earth, from Baker Island to Kiribati.
EARLIEST_OFFSET, LATEST_OFFSET = datetime.timedelta(hours=-12), datetime.timedelta(hours=14)


def _monday_morning_somewhere(now) -> bool:
    """Whether it is between Monday 08:00 and Tuesday 08:00 in some time zone."""
    step = datetime.timedelta(minutes=15)
    offset = EARLIEST_OFFSET
    while offset <= LATEST_OFFSET:
        local = (now + offset).replace(tzinfo=None)
        monday = datetime.datetime.combine(
            local.date() - datetime.timedelta(days=local.weekday()), datetime.time(8)
        )
        if monday <= local < monday + DAY:
            return True
        offset += step
    return False


def _weekly_digest(now) -> list[Due]:
    if not _monday_morning_somewhere(now):
        return []  # nobody's digest can be due: spare the queries
    cohorts = Cohort.objects.filter(status__in=Cohort.STARTED_STATUSES).prefetch_related(
        "facilitators"
    )
    by_facilitator = defaultdict(list)
    people = {}
    for cohort in cohorts:
        for person in cohort.facilitators.all():
            by_facilitator[person.pk].append(cohort.pk)
            people[person.pk] = person
    due = []
    for person_id, cohort_ids in by_facilitator.items():
        person = people[person_id]
        monday = _monday_morning(now, person.time_zone)
        if not monday <= now < monday + DAY:
            continue
        year, week, _ = monday.astimezone(ZoneInfo(person.time_zone or "UTC")).isocalendar()
        due.append(
            Due(
                recipient_id=person_id,
                recipient_tz=person.time_zone,
                kind=ReminderKind.WEEKLY_DIGEST,
                object_type="user",
                object_id=person_id,
                slot=f"{year}-W{week:02d}",
                send_at=monday,
                expires_at=monday + DAY,
                context={"cohort_ids": sorted(cohort_ids), "enrich": __name__ + ".digest"},
            )
        )
    return due


def digest(context: dict) -> dict:
    """At delivery: who is behind in each of the facilitator's cohorts, and why."""
    cohorts, now = [], timezone.now()
    for cohort in Cohort.objects.filter(pk__in=context.get("cohort_ids", [])):
        behind = list(
            enrollments_behind(cohort=cohort, now=now).values_list(
                "pk", "agent__display_name", "agent__email"
            )
        )
        progress = progress_by_enrollment(
            cohort=cohort, now=now, enrollment_ids=[pk for pk, _, _ in behind]
        )
        cohorts.append(
            {
                "name": cohort.name,
                "behind": [
                    {"name": name or email, "overdue": progress[pk].overdue_items}
                    for pk, name, email in behind
                ],
            }
        )
    # Imported here: wellbeing builds on cohorts.
    from wellbeing.advisories import rotation_advisories_for_digest

    advisories = rotation_advisories_for_digest(
        cohort_ids=context.get("cohort_ids", []), now=timezone.now()
    )
    return {"cohorts": cohorts, "rotation_advisories": advisories}


def resolve(*, now: datetime.datetime, kinds: set[str]) -> list[Due | DueSet]:
    """Every cohort reminder due at `now`, limited to `kinds`."""
    due: list[Due | DueSet] = []
    item_kinds = {
        ReminderKind.PREWORK_DUE,
        ReminderKind.SESSION_DAY_BEFORE,
        ReminderKind.SESSION_HOUR_BEFORE,
        ReminderKind.PEER_SCORE_MISSING,
    }
    items = _items_within_a_day(now) if kinds & item_kinds else []
    if ReminderKind.PREWORK_DUE in kinds:
        due += _prework_due(now, items)
    if ReminderKind.SESSION_DAY_BEFORE in kinds:
        due += _sessions(now, items, ReminderKind.SESSION_DAY_BEFORE, DAY)
    if ReminderKind.SESSION_HOUR_BEFORE in kinds:
        due += _sessions(now, items, ReminderKind.SESSION_HOUR_BEFORE, HOUR)
    if ReminderKind.PEER_SCORE_MISSING in kinds:
        due += _peer_scores_missing(now, items)
    if ReminderKind.WEEKLY_DIGEST in kinds:
        due += _weekly_digest(now)
    return due
