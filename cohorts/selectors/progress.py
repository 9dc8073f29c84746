"""Progress: each agent's items and their state (`cohort_progress`, told in Python from
the cohort's facts, for an agent's plan) and the same counts told by the database for
lists of agents (`progress_of`, `progress_by_enrollment`), and who is behind.

Both are computed from a fixed set of queries whatever the cohort's size; the query
counts are pinned in tests."""

import datetime
import functools
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FilteredRelation,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from cohorts.models import (
    Attendance,
    CoachingPair,
    CoachingPairMember,
    Cohort,
    Enrollment,
    ModuleProgress,
    ScheduleItem,
)
from cohorts.schedule import CohortCalendar
from cohorts.selectors.scoping import control_assignments_overlapping, control_windows, in_control
from config.compiled import IDS, INTEGER, MOMENT, CompiledQuery, ids_in
from programs.models import Phase

# --- Progress ------------------------------------------------------------------------------


@dataclass
class ItemState:
    item: ScheduleItem
    done: bool
    due: bool

    @property
    def overdue(self) -> bool:
        return self.due and not self.done


@dataclass
class AgentProgress:
    enrollment: Enrollment
    current_phase: str
    items: list[ItemState] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(state.done for state in self.items)

    @property
    def due(self) -> int:
        return sum(state.due for state in self.items)

    @property
    def overdue_items(self) -> list[ScheduleItem]:
        return [state.item for state in self.items if state.overdue]

    @property
    def overdue(self) -> int:
        return len(self.overdue_items)

    @property
    def percent_complete(self) -> float:
        return round(100 * self.done / len(self.items), 1) if self.items else 0.0

    @property
    def behind(self) -> bool:
        return self.overdue > 0


def current_phase_name(*, cohort: Cohort, phases: list[Phase], now: datetime.datetime) -> str:
    day = CohortCalendar(cohort).program_day(now)
    if day < 1:
        return "Not started"
    for phase in phases:
        if phase.first_day <= day <= phase.last_day:
            return phase.name
    return "Finished" if phases else ""


class _CohortFacts:
    """Everything needed to tell each agent's progress, loaded in a fixed number of queries.

    `whole_cohort` reads the facts of every enrolment by cohort (no `IN` list that grows
    with it); otherwise only those of `enrollments` (a page, or one agent) are read, and
    only the coaching pairs they are in, so that the cost follows the rows shown.
    """

    def __init__(self, cohort: Cohort, enrollments: list[Enrollment], *, whole_cohort=False):
        if whole_cohort:
            mine = Q(enrollment__cohort_id=cohort.pk)
            pair_filter = Q(cohort=cohort)
        else:
            ids = [e.pk for e in enrollments]
            mine = Q(enrollment__in=ids)
            pairs = CoachingPairMember.objects.filter(cohort=cohort, enrollment__in=ids)
            pair_filter = Q(cohort=cohort, pair__in=pairs.values("pair"))
        self.cohort = cohort
        self.items = list(
            cohort.schedule_items.filter(cancelled=False)
            .select_related("module")
            .order_by("starts_at", "id")
        )
        self.phases = list(Phase.objects.filter(program_id=cohort.program_id).order_by("order"))
        self.attended = set(
            Attendance.objects.filter(mine, attended=True).values_list("enrollment_id", "item_id")
        )
        self.prework_done = set()
        self.completed = set()
        module_rows = ModuleProgress.objects.filter(mine).values_list(
            "enrollment_id", "item_id", "prework_done_at", "practice_attended_at"
        )
        for enrollment_id, item_id, prework_done_at, practice_attended_at in module_rows:
            if prework_done_at is not None:
                self.prework_done.add((enrollment_id, item_id))
                if practice_attended_at is not None:
                    self.completed.add((enrollment_id, item_id))
        self.control = control_windows(agent_ids=[e.agent_id for e in enrollments])
        self.coaching_held = set()
        # (enrollment id, week) -> the partners' enrollment ids; plain tuples, since a
        # cohort's whole pairing history may be read at once.
        self.partner_ids: dict[tuple[int, int], list[int]] = {}
        # Ordered by pair only: the default order joins each pair's cohort to sort by it.
        memberships = (
            CoachingPairMember.objects.filter(pair_filter)
            .order_by("pair_id", "id")
            .values_list("pair_id", "enrollment_id", "week", "pair__session")
        )
        by_pair = defaultdict(list)
        for pair_id, enrollment_id, week, session in memberships:
            by_pair[pair_id].append((enrollment_id, week, session))
        for members in by_pair.values():
            for enrollment_id, week, session in members:
                if session == CoachingPair.Session.HELD:
                    self.coaching_held.add((enrollment_id, week))
                self.partner_ids[(enrollment_id, week)] = [
                    other for other, _, _ in members if other != enrollment_id
                ]
        self._at: dict[datetime.datetime, tuple[str, list[tuple[ScheduleItem, bool]]]] = {}

    def is_done(self, enrollment_id: int, item: ScheduleItem) -> bool:
        if item.kind == ScheduleItem.Kind.WORKSHOP:
            return (enrollment_id, item.pk) in self.attended
        if item.kind == ScheduleItem.Kind.MODULE:
            return (enrollment_id, item.pk) in self.completed
        return (enrollment_id, item.coaching_week) in self.coaching_held

    def _state_at(self, now) -> tuple[str, list[tuple[ScheduleItem, bool]]]:
        """The phase and which items are due at `now`: the same for every agent, so
        computed once."""
        if now not in self._at:
            self._at[now] = (
                current_phase_name(cohort=self.cohort, phases=self.phases, now=now),
                [(item, item.due_at <= now) for item in self.items],
            )
        return self._at[now]

    def agent_progress(self, cohort, enrollment, now) -> AgentProgress:
        phase, items = self._state_at(now)
        result = AgentProgress(enrollment=enrollment, current_phase=phase)
        windows = self.control.get(enrollment.agent_id)
        for item, due in items:
            if item.kind == ScheduleItem.Kind.COACHING and not self.partner_ids.get(
                (enrollment.pk, item.coaching_week)
            ):
                continue  # no partner that week (e.g. withdrawn): nothing to do
            if (
                windows
                and item.kind != ScheduleItem.Kind.WORKSHOP
                and in_control(self.control, enrollment.agent_id, item.starts_at, item.ends_at)
            ):
                continue  # an experiment's control group skips modules and coaching
            result.items.append(ItemState(item, self.is_done(enrollment.pk, item), due))
        return result


def progress_enrollments(*, cohort: Cohort) -> QuerySet[Enrollment]:
    """The cohort's enrolments in the order progress lists them, with what a row shows."""
    return cohort.enrollments.select_related("agent", "agent__team").order_by(
        "agent__display_name", "agent__email", "pk"
    )


def cohort_progress(
    *,
    cohort: Cohort,
    now: datetime.datetime | None = None,
    enrollments: list[Enrollment] | None = None,
) -> list[AgentProgress]:
    """One row per enrolled agent with each of their items' state (`AgentProgress.items`),
    told in Python from the cohort's facts: the per-item view that an agent's plan shows.
    Lists of agents count progress in the database instead (`progress_of`), by the same
    rules; tests hold the two to each other.

    Every enrolment of the cohort, or only `enrollments` (one page of
    `progress_enrollments`): the facts read are those of the rows asked for.
    """
    now = now or timezone.now()
    whole_cohort = enrollments is None
    if whole_cohort:
        enrollments = list(progress_enrollments(cohort=cohort))
    facts = _CohortFacts(cohort, enrollments, whole_cohort=whole_cohort)
    return [facts.agent_progress(cohort, enrollment, now) for enrollment in enrollments]


# --- Progress, told by the database ---------------------------------------------------------

# The agent's own items, joined to each enrolment by `_with_own_items` (see `_applies`).
_ITEM = "progress_item"


class _JSONList(Aggregate):
    """The group's values as a JSON list, in no particular order: `jsonb_agg` on
    PostgreSQL, `json_group_array` on SQLite (both answer the same text)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _item(field: str) -> str:
    return f"{_ITEM}__{field}"


def _applies(*, cohort: Cohort) -> Q:
    """Whether the joined item is one of the enrolment's (`AgentProgress.items`): every
    workshop; modules and coaching weeks outside an experiment's control window, and a
    coaching week only with a partner that week (e.g. not once withdrawn)."""
    enrollment, week, kind = OuterRef("pk"), OuterRef(_item("coaching_week")), ScheduleItem.Kind
    in_control = Exists(
        control_assignments_overlapping(
            agent=OuterRef("agent_id"),
            starts=OuterRef(_item("starts_at")),
            ends=OuterRef(_item("ends_at")),
        )
    )
    # Correlated by equality only, so that PostgreSQL hashes it once rather than asking
    # it again for every agent and week.
    has_partner = Exists(
        CoachingPairMember.objects.filter(cohort=cohort, enrollment=enrollment, week=week).filter(
            Exists(
                CoachingPairMember.objects.filter(cohort=cohort, pair=OuterRef("pair")).exclude(
                    enrollment=OuterRef("enrollment")
                )
            )
        )
    )
    # A relation's condition names the items by their path; what it asks of other tables
    # refers to them by the relation's name.
    return Q(cohort__schedule_items__cancelled=False) & (
        Q(cohort__schedule_items__kind=kind.WORKSHOP)
        | (
            (
                Q(cohort__schedule_items__kind=kind.MODULE)
                | (Q(cohort__schedule_items__kind=kind.COACHING) & has_partner)
            )
            & ~in_control
        )
    )


def _done(*, cohort: Cohort) -> Q:
    """Whether the enrolment did the joined item (`_CohortFacts.is_done`): attended the
    workshop, did the module's pre-work and live practice, held the week's session."""
    kind = ScheduleItem.Kind
    held = Exists(
        CoachingPairMember.objects.filter(
            cohort=cohort,
            enrollment=OuterRef("pk"),
            week=OuterRef(_item("coaching_week")),
            pair__cohort=cohort,  # so that PostgreSQL reads only this cohort's pairs
            pair__session=CoachingPair.Session.HELD,
        )
    )
    return (
        Q(**{_item("kind"): kind.WORKSHOP}, attended_item__isnull=False)
        | Q(**{_item("kind"): kind.MODULE}, completed_item__isnull=False)
        | (Q(**{_item("kind"): kind.COACHING}) & held)
    )


def _with_own_items(enrollments: QuerySet[Enrollment], *, cohort: Cohort) -> QuerySet[Enrollment]:
    """Each enrolment joined to its own items (`_applies`), and to its attendance and
    module progress on each of them: the rows `_done` reads."""
    item = F(_ITEM)
    return enrollments.annotate(
        **{_ITEM: FilteredRelation("cohort__schedule_items", condition=_applies(cohort=cohort))},
        attended_item=FilteredRelation(
            "attendance", condition=Q(attendance__item=item, attendance__attended=True)
        ),
        completed_item=FilteredRelation(
            "module_progress",
            condition=Q(
                module_progress__item=item,
                module_progress__prework_done_at__isnull=False,
                module_progress__practice_attended_at__isnull=False,
            ),
        ),
    )


def progress_of(
    enrollments: QuerySet[Enrollment], *, cohort: Cohort, now: datetime.datetime
) -> QuerySet[Enrollment]:
    """`enrollments` (of `cohort`) with their progress at `now`, counted by the database
    in the query that reads them: `done`, `due`, `overdue` and `total` items, and
    `overdue_item_ids` (a list in no order).

    The same rules as `AgentProgress`, in one grouped query whatever the number of
    agents (`_with_own_items`)."""
    done, due = _done(cohort=cohort), Q(**{_item("due_at__lte"): now})
    return _with_own_items(enrollments, cohort=cohort).annotate(
        total=Count(_ITEM),
        done=Count(_ITEM, filter=done),
        due=Count(_ITEM, filter=due),
        overdue=Count(_ITEM, filter=due & ~done),
        overdue_item_ids=_JSONList(_ITEM, filter=due & ~done),
    )


def due_progress_by_kind(
    *, cohort: Cohort, now: datetime.datetime, enrollment_ids
) -> dict[int, dict[str, tuple[int, int]]]:
    """Enrolment id -> {item kind: (done, due)} over the items due at `now`: what the
    completion rule reads (cohorts.completion), counted like `progress_of` in one query."""
    done, due = _done(cohort=cohort), Q(**{_item("due_at__lte"): now})
    counts = {}
    for kind in ScheduleItem.Kind.values:
        of_kind = due & Q(**{_item("kind"): kind})
        counts[f"{kind}_done"] = Count(_ITEM, filter=of_kind & done)
        counts[f"{kind}_due"] = Count(_ITEM, filter=of_kind)
    enrollments = Enrollment.objects.filter(cohort=cohort, pk__in=enrollment_ids).order_by()
    rows = _with_own_items(enrollments, cohort=cohort).annotate(**counts).values("pk", *counts)
    return {
        row["pk"]: {k: (row[f"{k}_done"], row[f"{k}_due"]) for k in ScheduleItem.Kind.values}
        for row in rows
    }


@dataclass(frozen=True)
class Progress:
    """One agent's progress as the database counts it (`progress_of`)."""

    current_phase: str
    done: int
    due: int
    overdue: int
    total: int
    overdue_items: list[str]  # titles, in plan order

    @property
    def percent_complete(self) -> float:
        return round(100 * self.done / self.total, 1) if self.total else 0.0

    @property
    def behind(self) -> bool:
        return self.overdue > 0


def _progress_counts(*, cohort: int, now: datetime.datetime, ids) -> QuerySet[Enrollment]:
    # Unordered: the rows are grouped by enrolment alone, and looked up by id.
    enrollments = Enrollment.objects.filter(cohort=cohort, pk__in=ids_in(ids)).order_by()
    return progress_of(enrollments, cohort=Cohort(pk=cohort), now=now)


# Built and compiled once per database (config/compiled.py): 7 ms of Python a request.
_PROGRESS_COUNTS = CompiledQuery(
    _progress_counts,
    ("pk", "done", "due", "overdue", "total", "overdue_item_ids"),
    cohort=INTEGER,
    now=MOMENT,
    ids=IDS,
)


def progress_by_enrollment(
    *, cohort: Cohort, now: datetime.datetime, enrollment_ids
) -> dict[int, Progress]:
    """Enrolment id -> `Progress`, for some enrolments of `cohort` (a page): three
    queries whatever their number (the counts, the phases, the items' titles)."""
    counts = _PROGRESS_COUNTS.rows(cohort=cohort.pk, now=now, ids=list(enrollment_ids))
    phases = list(Phase.objects.filter(program_id=cohort.program_id).order_by("order"))
    phase = current_phase_name(cohort=cohort, phases=phases, now=now)
    titles = dict(cohort.schedule_items.order_by("starts_at", "id").values_list("pk", "title"))
    progress = {}
    for pk, done, due, overdue, total, overdue_ids in counts:
        overdue_ids = set(json.loads(overdue_ids) if isinstance(overdue_ids, str) else ())
        overdue_items = [title for item, title in titles.items() if item in overdue_ids]
        progress[pk] = Progress(phase, done, due, overdue, total, overdue_items)
    return progress


def enrollments_behind(*, cohort: Cohort, now: datetime.datetime) -> QuerySet[Enrollment]:
    """The cohort's enrolments (any status) with an item due and not done at `now`, in
    progress order: the rule of `AgentProgress.behind`, told by the database."""
    behind = progress_of(cohort.enrollments.all(), cohort=cohort, now=now).filter(overdue__gt=0)
    return progress_enrollments(cohort=cohort).filter(pk__in=behind.values("pk"))


def behind_enrollments(*, cohort: Cohort, now: datetime.datetime) -> QuerySet[Enrollment]:
    """The active ones among `enrollments_behind`: who a facilitator should chase."""
    return enrollments_behind(cohort=cohort, now=now).filter(status=Enrollment.Status.ACTIVE)


def behind_ids(*, cohort: Cohort, now: datetime.datetime, active_only: bool) -> list[int]:
    """The ids of `enrollments_behind` (`behind_enrollments` when `active_only`), in their
    order, read in one query.

    Telling who is behind counts the whole cohort's progress. A paginator given the
    queryset would do that twice, once to count and once for the page; given these ids it
    counts and slices in Python, and `in_progress_order` reads the page's rows."""
    query = _ACTIVE_BEHIND_IDS if active_only else _BEHIND_IDS
    return [pk for (pk,) in query.rows(cohort=cohort.pk, now=now)]


def _behind(*, cohort: int, now: datetime.datetime, active_only: bool) -> QuerySet[Enrollment]:
    find = behind_enrollments if active_only else enrollments_behind
    return find(cohort=Cohort(pk=cohort), now=now)


# Compiled once per database, as `_PROGRESS_COUNTS` is.
_BEHIND_IDS, _ACTIVE_BEHIND_IDS = (
    CompiledQuery(
        functools.partial(_behind, active_only=active_only), ("pk",), cohort=INTEGER, now=MOMENT
    )
    for active_only in (False, True)
)


def in_progress_order(ids: Sequence[int], *, cohort: Cohort) -> list[Enrollment]:
    """The enrolments `ids` of `cohort` with what a progress row shows, in the order of
    `ids` (a page of `behind_ids`)."""
    found = progress_enrollments(cohort=cohort).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
