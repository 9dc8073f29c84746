"""The figures HR and managers read: completion funnel, retention, KPI trends, the A/B
result, the leading indicator and the ROI estimate.

Each report returns `{"figures": ..., "rows": [...], "notes": [...]}`. For a manager
(`detail=True`) `rows` are the per-agent rows the figures are computed from, so an export
recomputes to the same values. Every report runs a fixed number of queries whatever the
number of agents or interactions.

Privacy (HR, `detail=False`): every figure is computed from a set of agents, its
*contributors*: the agents who have a value for that statistic (a CSAT figure's are the
agents with a CSAT response; a funnel count's are the agents enrolled; a median's are the
agents whose values it takes the middle of). A figure whose contributors number fewer than
MIN_GROUP is None, with a note, in the page, the JSON and the CSV alike, whether a filter
was applied or not. HR's rows are aggregate tables (never one row per agent), with the same
rule cell by cell, and no feedback text is read here.
"""

import datetime
import decimal
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Count,
    DateField,
    F,
    FloatField,
    Q,
    Sum,
)
from django.db.models.functions import Cast, TruncWeek
from django.utils import timezone

from accounts.models import User
from certification.models import CertificationDecision
from cohorts.models import (
    Attendance,
    Enrollment,
    Experiment,
    ExperimentAssignment,
    ModuleProgress,
    RubricScore,
    RubricScoreWeek,
    ScheduleItem,
)
from cohorts.scope import managed_cohorts
from cohorts.services.scores import SCORE_WEEK
from insights import figures
from insights.experiment_stats import (
    experiment_group_stats,
    experiment_window_find,
    experiment_window_sql,
)
from insights.models import BaselineAssessment, Interaction, InteractionWeek
from insights.retention import FOLLOWED, landmark_rows
from insights.weeks import week_start, whole_weeks
from programs.models import Module, RubricCriterion

MIN_GROUP = 5
SUPPRESSED = f"suppressed: fewer than {MIN_GROUP} agents"
RISK_POINTS_DAYS = [0, 90, 180, 365, 730]
LANDMARK_DAYS = 90  # retention is followed from this many days after the cohort's day 1
RUBRIC_POINTS = 5  # the rubric average is also shown on the domain's five-point scale


@dataclass(frozen=True)
class Scope:
    """Who is asking and what they filtered on. `cohorts` is None for "all cohorts"."""

    cohorts: frozenset[int] | None
    program: int | None = None
    team: int | None = None
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    detail: bool = False  # per-agent rows allowed (managers), never for HR

    def enrollments(self):
        enrollments = Enrollment.objects.all()
        if self.cohorts is not None:
            enrollments = enrollments.filter(cohort__in=self.cohorts)
        if self.program:
            enrollments = enrollments.filter(program=self.program)
        if self.team:
            enrollments = enrollments.filter(agent__team=self.team)
        return enrollments

    def agents(self):
        """Agents in scope: enrolled ones, or with only a team filter, the team."""
        if self.cohorts is None and not self.program:
            agents = User.objects.filter(role=User.Role.AGENT)
            return agents.filter(team=self.team) if self.team else agents
        return User.objects.filter(pk__in=self.enrollments().values("agent"))

    def hidden(self, contributors: int) -> bool:
        """Whether a figure from this many agents is withheld from the reader."""
        return not self.detail and contributors < MIN_GROUP


def _suppress(figure: dict, agents: int, notes: list, label: str) -> dict:
    if agents >= MIN_GROUP:
        return figure
    notes.append(f"{label}: {SUPPRESSED}")
    return {
        key: (value if key in ("label", "cohort", "group") else None)
        for key, value in figure.items()
    }


# --- Completion funnel ---------------------------------------------------------------------


def funnel(scope: Scope) -> dict:
    """Per-enrolment rows and the funnel computed from them (see `funnel_report`)."""
    # Plain tuples and subqueries rather than model objects and long id lists: the funnel
    # reads every enrolment in scope, and HR's scope is all of them.
    in_scope = scope.enrollments()
    enrollments = list(
        in_scope.values_list(
            "pk",
            "cohort_id",
            "cohort__name",
            "status",
            "enrolled_at",
            "agent_id",
            "agent__email",
            "missing_items",
        ).order_by("pk")
    )
    workshops = defaultdict(set)
    for cohort_id, item_id in ScheduleItem.objects.filter(
        cohort__in=in_scope.values("cohort"), kind="workshop", cancelled=False
    ).values_list("cohort_id", "pk"):
        workshops[cohort_id].add(item_id)
    attended = defaultdict(set)
    for enrollment_id, item_id in Attendance.objects.filter(
        enrollment__in=in_scope.values("pk"), attended=True
    ).values_list("enrollment_id", "item_id"):
        attended[enrollment_id].add(item_id)
    completed = defaultdict(set)
    for enrollment_id, module_id in ModuleProgress.objects.filter(
        enrollment__in=in_scope.values("pk"),
        prework_done_at__isnull=False,
        practice_attended_at__isnull=False,
    ).values_list("enrollment_id", "item__module_id"):
        completed[enrollment_id].add(module_id)
    certified = {}
    for enrollment_id, decided_at in CertificationDecision.objects.filter(
        enrollment__in=in_scope.values("pk"), revoked_at__isnull=True
    ).values_list("enrollment_id", "decided_at"):
        certified.setdefault(enrollment_id, decided_at)
    modules = _funnel_modules(in_scope)
    rows = []
    for pk, cohort_id, cohort_name, status, enrolled_at, agent_id, email, missing in enrollments:
        decided = certified.get(pk)
        rows.append(
            {
                "agent": email,
                "agent_id": agent_id,
                "cohort": cohort_name,
                "status": status,
                "workshops_attended": len(attended[pk] & workshops[cohort_id]),
                "workshops_total": len(workshops[cohort_id]),
                "modules_completed": " ".join(str(m) for m in sorted(completed[pk])),
                "certified": decided is not None,
                "days_to_certification": (decided - enrolled_at).days if decided else "",
                "missing_for_completion": "; ".join(missing or []),
            }
        )
    return {"figures": funnel_figures(rows, modules), "rows": rows, "notes": []}


def funnel_figures(rows: list[dict], modules) -> dict:
    """The funnel from its per-enrolment rows (also used to recompute a manager's export).

    Enrolled counts every enrolment, withdrawn ones included; withdrawals are their own
    step, and the later steps count whoever reached them. The certification rate is over
    everyone enrolled; `certification_rate_of_stayers` over those who did not withdraw.
    """
    enrolled = len(rows)
    withdrawn = sum(1 for r in rows if r["status"] == Enrollment.Status.WITHDRAWN)
    days = [r["days_to_certification"] for r in rows if r["days_to_certification"] != ""]
    certified = sum(1 for r in rows if r["certified"] in (True, "True"))
    done = defaultdict(int)
    for row in rows:
        for module_id in str(row["modules_completed"]).split():
            done[int(module_id)] += 1
    stayed = enrolled - withdrawn
    # Completion is the enrolment's outcome when its cohort closed (the program's completion
    # rule), not a guess from attendance; enrolments of cohorts still running count in none.
    completed = sum(1 for r in rows if r["status"] == Enrollment.Status.COMPLETED)
    not_completed = sum(1 for r in rows if r["status"] == Enrollment.Status.NOT_COMPLETED)
    closed = completed + not_completed
    return {
        "enrolled": enrolled,
        "withdrawn": withdrawn,
        "stayed": stayed,
        "attended_all_workshops": sum(
            1
            for r in rows
            if int(r["workshops_total"])
            and int(r["workshops_attended"]) == int(r["workshops_total"])
        ),
        "modules": [
            {"module": m.pk, "phase": m.phase.name, "topic": m.topic, "completed": done[m.pk]}
            for m in modules
        ],
        "certified": certified,
        "certification_rate": round(certified / enrolled, 4) if enrolled else None,
        "certification_rate_of_stayers": round(certified / stayed, 4) if stayed else None,
        "median_days_to_certification": figures.median([float(d) for d in days]),
        "certified_agents_behind_median": len(days),
        "completed": completed,
        "not_completed": not_completed,
        "completion_rate_of_closed": round(completed / closed, 4) if closed else None,
    }


def funnel_steps(report_figures: dict) -> list[tuple[str, int | None]]:
    """The funnel as (step, agents) lines: HR's rows export and the page's chart."""
    if report_figures.get("enrolled") is None:
        return []
    return [
        ("Enrolled", report_figures["enrolled"]),
        ("Withdrew", report_figures["withdrawn"]),
        ("Stayed enrolled", report_figures["stayed"]),
        ("Attended all workshops", report_figures["attended_all_workshops"]),
        *(
            (f"Module completed: {m['phase']}, {m['topic']}", m["completed"])
            for m in report_figures["modules"]
        ),
        ("Certified", report_figures["certified"]),
        ("Completed the program", report_figures["completed"]),
    ]


# The funnel's counts over the enrolments in scope (`e`: the report's own query), set-based:
# each enrolment's attended workshops of its own cohort against the cohort's workshops.
FUNNEL_COUNTS_SQL = """
WITH e AS ({enrollments}),
workshops AS (
    SELECT cohort_id, count(*) AS total FROM cohorts_scheduleitem
    WHERE kind = 'workshop' AND NOT cancelled AND cohort_id IN (SELECT cohort_id FROM e)
    GROUP BY cohort_id
),
attended AS (
    SELECT a.enrollment_id, count(DISTINCT a.item_id) AS n
    FROM cohorts_attendance a
    JOIN e ON e.id = a.enrollment_id
    JOIN cohorts_scheduleitem i ON i.id = a.item_id AND i.cohort_id = e.cohort_id
    WHERE a.attended AND i.kind = 'workshop' AND NOT i.cancelled
    GROUP BY a.enrollment_id
)
SELECT count(*), count(DISTINCT e.agent_id),
    count(*) FILTER (WHERE e.status = 'withdrawn'),
    count(*) FILTER (WHERE e.status = 'completed'),
    count(*) FILTER (WHERE e.status = 'not_completed'),
    count(*) FILTER (WHERE w.total > 0 AND a.n = w.total)
FROM e
LEFT JOIN workshops w ON w.cohort_id = e.cohort_id
LEFT JOIN attended a ON a.enrollment_id = e.id
"""


def funnel_totals(scope: Scope) -> tuple[dict, int]:
    """The funnel's figures (as `funnel_figures` makes them from the rows) and the number
    of agents enrolled, counted in SQL: no per-enrolment row is read. What it reads per
    enrolment is only each certified one's days to certification, for the median."""
    in_scope = scope.enrollments()
    connection = connections[in_scope.db]
    enrollments = in_scope.order_by().values("id", "cohort_id", "agent_id", "status")
    sql, params = enrollments.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(FUNNEL_COUNTS_SQL.format(enrollments=sql), params)
        names = ("enrolled", "agents", "withdrawn", "completed", "not_completed",
                 "attended_all_workshops")  # fmt: skip
        counts = dict(zip(names, cursor.fetchone(), strict=True))
    done = dict(
        ModuleProgress.objects.filter(
            enrollment__in=in_scope.values("pk"),
            prework_done_at__isnull=False,
            practice_attended_at__isnull=False,
        )
        .values("item__module_id")
        .annotate(n=Count("enrollment", distinct=True))
        .values_list("item__module_id", "n")
    )
    decided = {}
    for enrollment_id, decided_at, enrolled_at in CertificationDecision.objects.filter(
        enrollment__in=in_scope.values("pk"), revoked_at__isnull=True
    ).values_list("enrollment_id", "decided_at", "enrollment__enrolled_at"):
        decided.setdefault(enrollment_id, (decided_at - enrolled_at).days)
    modules = _funnel_modules(in_scope)
    enrolled, withdrawn = counts["enrolled"], counts["withdrawn"]
    certified, stayed = len(decided), enrolled - withdrawn
    completed, not_completed = counts["completed"], counts["not_completed"]
    closed = completed + not_completed
    result = {
        "enrolled": enrolled,
        "withdrawn": withdrawn,
        "stayed": stayed,
        "attended_all_workshops": counts["attended_all_workshops"],
        "modules": [
            {
                "module": m.pk,
                "phase": m.phase.name,
                "topic": m.topic,
                "completed": done.get(m.pk, 0),
            }
            for m in modules
        ],
        "certified": certified,
        "certification_rate": round(certified / enrolled, 4) if enrolled else None,
        "certification_rate_of_stayers": round(certified / stayed, 4) if stayed else None,
        "median_days_to_certification": figures.median([float(d) for d in decided.values()]),
        "certified_agents_behind_median": certified,
        "completed": completed,
        "not_completed": not_completed,
        "completion_rate_of_closed": round(completed / closed, 4) if closed else None,
    }
    return result, counts["agents"]


def _funnel_modules(in_scope) -> list[Module]:
    return list(
        Module.objects.filter(program__in=in_scope.values("program"))
        .select_related("phase")
        .order_by("program", "phase__order", "week")
    )


def funnel_report(scope: Scope) -> dict:
    """The funnel. HR reads the totals of everything in scope (no per-cohort or per-agent
    rows, so a small cohort is never shown on its own), counted in SQL; its rows are the
    step table. The whole funnel needs 5 agents enrolled, the median days to
    certification 5 certified."""
    if scope.detail:
        report = funnel(scope)
        for row in report["rows"]:
            del row["agent_id"]
        return report
    result, agents = funnel_totals(scope)
    notes = []
    if scope.hidden(agents):
        notes.append(f"funnel: {SUPPRESSED}")
        return {"figures": {"enrolled": None, "suppressed": True}, "rows": [], "notes": notes}
    if scope.hidden(result["completed"] + result["not_completed"]):
        # A rate over the agents whose cohort ended: those are its contributors.
        if result["completion_rate_of_closed"] is not None:
            notes.append(f"completion rate of ended cohorts: {SUPPRESSED} whose cohort ended")
        result["completion_rate_of_closed"] = None
    if scope.hidden(result["certified_agents_behind_median"]):
        notes.append(f"median days to certification: {SUPPRESSED} certified")
        result["median_days_to_certification"] = None
    steps = [{"step": step, "agents": agents} for step, agents in funnel_steps(result)]
    return {"figures": result, "rows": steps, "notes": notes}


# --- Retention -----------------------------------------------------------------------------


def retention(scope: Scope, *, as_of: datetime.date | None = None, rows: bool = True) -> dict:
    """Kaplan-Meier retention by training, as a landmark analysis.

    Grouping agents by "ever trained" and following them from hire would favour training:
    an agent has to stay long enough to be trained (immortal-time bias). So each enrolled
    agent's clock starts at a landmark, LANDMARK_DAYS after day 1 of their first cohort in
    scope; only agents still employed at the landmark are followed, grouped by whether they
    were trained by then (an enrolment of theirs completed, by the program's completion
    rule, on or before the landmark), until they leave or `as_of`. Agents whose landmark is
    still ahead, or who
    left before it, are counted but not followed. Figures: the curves with counts at risk,
    and leavers per agent-year of follow-up (annualised attrition). A manager's per-agent
    rows are read only with `rows` (the figures are the same without them).
    """
    as_of = as_of or timezone.localdate()
    found = landmark_rows(
        enrollments=scope.enrollments(),
        as_of=as_of,
        landmark_days=LANDMARK_DAYS,
        per_agent=scope.detail and rows,  # only a reader of per-agent rows gets them
    )
    per_agent, rows = scope.detail and rows, []
    if per_agent:
        for who, status, landmark, days, gone in found:
            if status in FOLLOWED:
                rows.append(
                    {"agent": who, "group": status, "landmark": landmark, "days": days,
                     "left": gone}
                )  # fmt: skip
        found = _counted(found)
    # Per status, the (days, agents, leavers) lines in order of days: the groups' tables,
    # and the agents who are not followed.
    tables = defaultdict(list)
    for status, days, count, leavers in found:
        tables[status].append((days, count, leavers))
    agents = sum(count for _, _, count, _ in found)
    notes: list[str] = []
    groups = {}
    for group in FOLLOWED:
        hide_under = 0 if scope.detail else MIN_GROUP
        groups[group] = _group_retention(tables[group], hide_under=hide_under)
        if not scope.detail:
            groups[group] = _suppress(
                groups[group], groups[group]["agents"], notes, f"retention, {group}"
            )
    result = {
        "as_of": as_of.isoformat(),
        "method": (
            f"landmark analysis: agents still employed {LANDMARK_DAYS} days after day 1 of "
            f"their first cohort, grouped by whether they were trained by then, followed "
            f"from that day"
        ),
        "landmark_days": LANDMARK_DAYS,
        "followed": sum(count for group in FOLLOWED for _, count, _ in tables[group]),
        "landmark_not_reached": sum(count for _, count, _ in tables["not_reached"]),
        "left_before_landmark": sum(count for _, count, _ in tables["left_before"]),
        "groups": groups,
    }
    if not scope.detail:
        rows = [
            {
                "group": name,
                "agents": group["agents"],
                "leavers": group["leavers"],
                "follow_up_days": group["follow_up_days"],
            }
            for name, group in groups.items()
            if group["agents"] is not None
        ]
        if scope.hidden(agents):
            for key in ("followed", "landmark_not_reached", "left_before_landmark"):
                result[key] = None
    return {"figures": result, "rows": rows, "notes": notes}


def _counted(placed: list[tuple]) -> list[tuple]:
    """`landmark_rows`' counted lines from its per-agent ones."""
    counts = defaultdict(lambda: [0, 0])
    for _, status, _, days, gone in placed:
        line = counts[status, days]
        line[0] += 1
        line[1] += bool(gone)
    return [
        (status, days, count, leavers if days is not None else None)
        for (status, days), (count, leavers) in sorted(
            counts.items(), key=lambda item: (item[0][0], -1 if item[0][1] is None else item[0][1])
        )
    ]


def retention_figures(rows: list[dict], *, hide_under: int = 0) -> dict:
    """One group's curve, counts at risk and attrition from its per-agent rows. With
    `hide_under`, the curve stops where fewer agents than that are still at risk and such
    counts at risk are None (each would describe fewer people than the privacy rule)."""
    agents, leaving = Counter(), Counter()
    for row in rows:
        days = float(row["days"])
        agents[days] += 1
        leaving[days] += row["left"] in (True, "True")
    table = [(days, agents[days], leaving[days]) for days in sorted(agents)]
    return _group_retention(table, hide_under=hide_under)


def _group_retention(table: list[tuple[int, int, int]], *, hide_under: int) -> dict:
    """From (days followed, agents, leavers among them) lines in ascending order of days,
    one per number of days."""
    curve = figures.kaplan_meier_counted(table, at=RISK_POINTS_DAYS)
    keep = [i for i, n in enumerate(curve["at_risk"]) if n >= hide_under]
    at_risk_at = [n if n >= hide_under else None for n in curve.get("at_risk_at", [])]
    survival_at = [
        s if n is not None else None
        for s, n in zip(curve.get("survival_at", []), at_risk_at, strict=True)
    ]
    follow_up = math.fsum(float(days) * count for days, count, _ in table)
    leavers = sum(leavers for _, _, leavers in table)
    return {
        "agents": sum(count for _, count, _ in table),
        "leavers": leavers,
        "follow_up_days": follow_up,
        "annualised_attrition": figures.annualised_attrition(leavers, follow_up),
        "curve": {k: [curve[k][i] for i in keep] for k in ("times", "survival", "at_risk")},
        "at_risk": dict(zip(map(str, RISK_POINTS_DAYS), at_risk_at, strict=True)),
        "survival_at": dict(zip(map(str, RISK_POINTS_DAYS), survival_at, strict=True)),
    }


# --- KPI trends ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """One interaction figure. `kind` says how it is computed from the interactions with a
    value in `field` (and matching `among`):

    - "mean": the mean of the field, divided by `divisor` (seconds to hours);
    - "rate": the percentage of True values;
    - "satisfied": the percentage of values of 4 or more (CSAT as helpdesks report it);
    - "nps": the percentage of 9-10 minus the percentage of 0-6.
    """

    key: str
    label: str
    field: str
    kind: str
    among: Q | None = None
    divisor: float = 1

    def condition(self) -> Q:
        present = Q(**{f"{self.field}__isnull": False})
        return present & self.among if self.among is not None else present

    def successes(self) -> Q | None:
        return {
            "rate": Q(**{self.field: True}),
            "satisfied": Q(**{f"{self.field}__gte": 4}),
            "nps": Q(**{f"{self.field}__gte": 9}),
        }.get(self.kind)

    def aggregates(self, *, agent: str = "agent") -> dict:
        """`<key>_n` values, `<key>_sum` (sum of values, or of successes), `<key>_sumsq`
        (sum of squares, for means), `<key>_detractors` (NPS) and `<key>_agents` (its
        contributors)."""
        condition = self.condition()
        out = {
            f"{self.key}_n": Count("pk", filter=condition),
            f"{self.key}_agents": Count(agent, filter=condition, distinct=True),
        }
        if self.kind == "mean":
            value = Cast(F(self.field), FloatField())
            out[f"{self.key}_sum"] = Sum(value, filter=condition)
            out[f"{self.key}_sumsq"] = Sum(value * value, filter=condition)
        else:
            out[f"{self.key}_sum"] = Count("pk", filter=condition & self.successes())
        if self.kind == "nps":
            out[f"{self.key}_detractors"] = Count(
                "pk", filter=condition & Q(**{f"{self.field}__lte": 6})
            )
        return out

    def value(self, row: dict, *, digits: int | None = 4) -> float | None:
        """The figure from a row of this metric's aggregates (also from an export's row),
        rounded to `digits` (None: unrounded, for statistics computed on it)."""
        n = int(row.get(f"{self.key}_n") or 0)
        if not n or row.get(f"{self.key}_sum") in (None, ""):
            return None
        total = float(row[f"{self.key}_sum"])
        if self.kind == "nps":
            total -= float(row[f"{self.key}_detractors"])
        value = total / n / self.divisor if self.kind == "mean" else 100 * total / n
        return value if digits is None else round(value, digits)


INTERACTION_METRICS = [
    Metric("csat_satisfied_percent", "CSAT (% satisfied: 4 or 5 of 5)", "csat", "satisfied"),
    Metric("csat_mean", "CSAT mean (1 to 5)", "csat", "mean"),
    Metric("nps", "NPS", "nps", "nps"),
    Metric("understood_mean", "“Did the agent understand?” (1 to 10)", "understood", "mean"),
    Metric("aht_seconds", "Average handle time (seconds)", "handle_seconds", "mean"),
    Metric("escalation_percent", "Escalation rate (%)", "escalated", "rate"),
    Metric("fcr_percent", "First-contact resolution (%)", "resolved_first_contact", "rate"),
    Metric("repeat_contact_percent", "Repeat contacts (%)", "repeat_contact", "rate"),
    Metric(
        "resolution_hours",
        "Time to resolution (hours, mean)",
        "resolution_seconds",
        "mean",
        divisor=3600,
    ),
    Metric(
        "escalations_resolved_percent",
        "Escalations turned into resolutions (%)",
        "resolved",
        "rate",
        among=Q(escalated=True),
    ),
]
METRICS = {metric.key: metric for metric in INTERACTION_METRICS}
INTERACTION_AGGREGATES = {
    "interactions": Count("pk"),
    "agents": Count("agent", distinct=True),
    **{name: agg for metric in INTERACTION_METRICS for name, agg in metric.aggregates().items()},
}
RUBRIC_FIGURES = ("rubric_percent", "rubric_of_5")
# What the per-(agent, week) rollup (InteractionWeek) holds: every aggregate but the
# distinct-agent counts, which are counted over its rows.
WEEKLY_SUMS = {
    name: aggregate
    for name, aggregate in INTERACTION_AGGREGATES.items()
    if name != "agents" and not name.endswith("_agents")
}
# The week of an interaction: the date of its Monday in the current time zone.
INTERACTION_WEEK = Cast(TruncWeek("occurred_at"), DateField())


def _cells(raw: dict, scope: Scope, *, label: str, notes: list) -> tuple[dict, dict]:
    """(figures, raw row) of one week or window, each metric withheld from HR when it has
    fewer than MIN_GROUP contributors: its figure becomes None and its sums and counts are
    blanked in the row, with one note naming what was withheld."""
    values, withheld = {}, []
    raw = dict(raw)
    for metric in INTERACTION_METRICS:
        values[metric.key] = metric.value(raw)
        contributors = int(raw.get(f"{metric.key}_agents") or 0)
        if values[metric.key] is not None and scope.hidden(contributors):
            values[metric.key] = None
            withheld.append(metric.label)
            for name in metric.aggregates():
                raw[name] = None
    rubric = _rubric_values(raw)
    if scope.hidden(int(raw.get("rubric_agents") or 0)) and rubric["rubric_percent"] is not None:
        rubric = dict.fromkeys(RUBRIC_FIGURES)
        withheld.append("rubric average")
        raw.update(rubric_sum=None, rubric_n=None, rubric_agents=None)
    values.update(rubric)
    if scope.hidden(int(raw.get("agents") or 0)):
        raw.update(interactions=None, agents=None)
    if withheld:
        notes.append((label, withheld))
    return values, raw


def _withheld_notes(found: list[tuple[str, list[str]]]) -> list[str]:
    """One note per withheld figure, naming the weeks or windows it was withheld in."""
    where = defaultdict(list)
    for label, figures_ in found:
        for figure in figures_:
            where[figure].append(label)
    return [
        f"{figure}: {SUPPRESSED}, withheld for {', '.join(labels)}"
        if len(labels) <= 3
        else f"{figure}: {SUPPRESSED}, withheld for {len(labels)} weeks ({labels[0]} to "
        f"{labels[-1].removeprefix('week of ')})"
        for figure, labels in where.items()
    ]


def _rubric_values(raw: dict) -> dict:
    n = int(raw.get("rubric_n") or 0)
    if not n or raw.get("rubric_sum") in (None, ""):
        return dict.fromkeys(RUBRIC_FIGURES)
    percent = float(raw["rubric_sum"]) / n
    return {
        "rubric_percent": round(percent, 2),
        "rubric_of_5": round(percent * RUBRIC_POINTS / 100, 2),
    }


def kpi_values(row: dict) -> dict:
    """Every figure from a row of sums and counts (an export's rows recompute through this)."""
    return {metric.key: metric.value(row) for metric in INTERACTION_METRICS} | _rubric_values(row)


def _interactions(scope: Scope, start=None, end=None):
    interactions = Interaction.objects.filter(agent__in=scope.agents())
    if start:
        interactions = interactions.filter(occurred_at__gte=start)
    if end:
        interactions = interactions.filter(occurred_at__lt=end)
    return interactions


def _week_parts(rollup, raw, start, end, *, key: str, sums: dict, by_week: bool) -> list:
    """Per person (`key`) and week, or per person, the `sums` of the rows in scope from
    `start` to `end`: the weeks wholly inside from `rollup` (a rollup's rows in scope), the
    rest (the partial weeks at either end) from `raw(start, end)` (the source rows, with
    their `week`)."""
    first, last = whole_weeks(start, end)
    keys = [key, "week"] if by_week else [key]
    if first and last and first >= last:  # no whole week inside: all from the source rows
        return [raw(start, end).values(*keys).annotate(**sums)]
    if last and week_start(last) < end:
        # A range that ends now ends in the current week, and nothing is stored after now:
        # when the rest of that week holds no rows in scope, the week's rollup rows are
        # exactly its rows in range (one indexed look instead of reading up to a week).
        following = week_start(last + datetime.timedelta(days=7))
        if not raw(end, following).exists():
            last, end = last + datetime.timedelta(days=7), following
    if first:
        rollup = rollup.filter(week__gte=first)
    if last:
        rollup = rollup.filter(week__lt=last)
    if by_week:
        parts = [rollup.order_by().values(*keys, *sums)]
    else:
        parts = [rollup.order_by().values(*keys).annotate(**{n: Sum(n) for n in sums})]
    edges = ((start, first and week_start(first)), (last and week_start(last), end))
    for edge_start, edge_end in edges:
        if edge_start and edge_end and edge_start < edge_end:
            parts.append(raw(edge_start, edge_end).values(*keys).annotate(**sums))
    return parts


def _added_up(parts: list, *, key: str, sums: dict, counts: dict, by_week: bool) -> list[dict]:
    """The `sums` of `parts` (`_week_parts`) added up per week (with "week", in order) or in
    all (one row), in one query; each of `counts` ({name: column}) the number of people
    with that column above 0 (None: every person). By week, a person has one row in one
    part (the parts hold different weeks); over a range, a row in each part: added up per
    person first. So each distinct count is a count of rows."""
    connection = connections[parts[0].db]
    quote = connection.ops.quote_name
    keys = [key, "week"] if by_week else [key]
    names = ", ".join(quote(name) for name in [*keys, *sums])
    union, params = [], []
    for part in parts:
        try:
            sql, part_params = part.query.get_compiler(connection=connection).as_sql()
        except EmptyResultSet:  # a scope that can match nobody
            continue
        union.append(f"SELECT {names} FROM ({sql}) p")
        params.extend(part_params)
    rows_of = " UNION ALL ".join(union)
    if not by_week:
        added = ", ".join(f"sum({quote(name)}) AS {quote(name)}" for name in sums)
        rows_of = f"SELECT {key}, {added} FROM ({rows_of}) r GROUP BY {key}"
    columns = [f"sum(u.{quote(name)})" for name in sums]
    columns += [
        "count(*)" if column is None else f"count(CASE WHEN u.{quote(column)} > 0 THEN 1 END)"
        for column in counts.values()
    ]
    week = ["u.week"] if by_week else []
    query = f"SELECT {', '.join([*week, *columns])} FROM ({rows_of}) u"
    if by_week:
        query += " GROUP BY u.week ORDER BY u.week"
    found = []
    if union:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            found = cursor.fetchall()
    elif not by_week:
        found = [(*(None for _ in sums), *(0 for _ in counts))]
    rows = []
    for values in found:
        values = list(values)
        row = {"week": as_week(values.pop(0)).isoformat()} if by_week else {}
        for name, aggregate in sums.items():
            row[name] = _converted(values.pop(0), aggregate)
        row |= dict(zip(counts, values, strict=True))
        rows.append(row)
    return rows


def _converted(value, aggregate):
    """A sum as the ORM's aggregate gives it: a count is an int (0 over no rows), a sum of
    floats a float, of decimals a Decimal of their places (SQLite's sums are floats)."""
    if isinstance(aggregate, Count):
        return int(value or 0)
    if value is None:
        return None
    if aggregate.output_field.get_internal_type() == "DecimalField":
        if isinstance(value, float):
            value = decimal.Context(prec=15).create_decimal_from_float(value)
        return decimal.Decimal(value).quantize(PLACES)
    return float(value)


def _interaction_totals(scope: Scope, start=None, end=None, *, by_week: bool) -> list[dict]:
    """INTERACTION_AGGREGATES of the interactions in scope from `start` to `end`, per week
    or in all, from the weekly rollup and the partial weeks' interactions: the sums added
    up, each distinct-agent count the agents with values for the metric."""

    def raw(a, b):
        return _interactions(scope, a, b).order_by().annotate(week=INTERACTION_WEEK)

    rollup = InteractionWeek.objects.filter(agent__in=scope.agents())
    parts = _week_parts(rollup, raw, start, end, key="agent_id", sums=WEEKLY_SUMS, by_week=by_week)
    counts = {"agents": None} | {
        name: name.removesuffix("_agents") + "_n"
        for name in INTERACTION_AGGREGATES
        if name.endswith("_agents")
    }
    return _added_up(parts, key="agent_id", sums=WEEKLY_SUMS, counts=counts, by_week=by_week)


def _rubric_totals(scope: Scope, start=None, end=None, *, by_week: bool) -> list[dict]:
    """RUBRIC_AGGREGATES of the scores in scope (calibration aside) from `start` to `end`,
    per week or in all, from the weekly rollup of scores and the partial weeks' scores."""

    def raw(a, b):
        return _scores(scope, a, b).order_by().annotate(week=SCORE_WEEK)

    rollup = RubricScoreWeek.objects.filter(subject__in=scope.agents())
    sums = {"rubric_sum": Sum("percent", output_field=PERCENT_SUM), "rubric_n": Count("pk")}
    parts = _week_parts(rollup, raw, start, end, key="subject_id", sums=sums, by_week=by_week)
    counts = {"rubric_agents": None}
    return _added_up(parts, key="subject_id", sums=sums, counts=counts, by_week=by_week)


def as_week(value) -> datetime.date:
    """A week (its Monday) as the database returns it: a date, or SQLite's text."""
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def _scores(scope: Scope, start=None, end=None):
    scores = RubricScore.objects.filter(subject__in=scope.agents()).exclude(
        context=RubricScore.Context.CALIBRATION
    )
    start, end = start or scope.start, end or scope.end
    if start:
        scores = scores.filter(scored_at__gte=start)
    if end:
        scores = scores.filter(scored_at__lt=end)
    return scores


# A sum of rubric percentages, as Sum("percent") gives it.
PERCENT_SUM = RubricScore._meta.get_field("percent").clone()
PLACES = decimal.Decimal(1).scaleb(-PERCENT_SUM.decimal_places)

RUBRIC_AGGREGATES = {
    "rubric_sum": Sum("percent"),
    "rubric_n": Count("pk"),
    "rubric_agents": Count("subject", distinct=True),
}


def _rubric_weekly(scope: Scope) -> dict:
    weekly = _rubric_totals(scope, scope.start, scope.end, by_week=True)
    return {row["week"]: row for row in weekly}


def kpi_trends(scope: Scope, *, weekly: dict | None = None) -> dict:
    """Weekly KPIs, and the baseline window against the latest 30 days. `weekly` is
    `weekly_kpis(scope)` when the caller already has it (the page shares it with the
    leading indicator: one read of the weekly figures instead of two)."""
    weekly = weekly or weekly_kpis(scope)
    notes = list(weekly["notes"])
    comparison = _baseline_vs_latest(scope, notes)
    figures_ = {**weekly["figures"], "comparison": comparison}
    return {"figures": figures_, "rows": weekly["rows"], "notes": notes}


def weekly_kpis(scope: Scope) -> dict:
    """Every KPI week by week, each cell withheld from HR under MIN_GROUP contributors. The
    interaction figures are added up from the weekly rollup (`_interaction_totals`), the
    rubric average from the scores."""
    weekly = _interaction_totals(scope, scope.start, scope.end, by_week=True)
    rubric = _rubric_weekly(scope)
    by_week = {row["week"]: row for row in weekly}
    rows, withheld, series = [], [], []
    for week in sorted(by_week.keys() | rubric.keys()):
        raw = {key: by_week.get(week, {}).get(key) for key in INTERACTION_AGGREGATES}
        raw |= {key: rubric.get(week, {}).get(key) for key in RUBRIC_AGGREGATES}
        raw["week"] = week
        values, raw = _cells(raw, scope, label=f"week of {week}", notes=withheld)
        rows.append(raw)
        series.append({"week": week, "interactions": raw["interactions"], **values})
    return {"figures": {"weeks": series}, "rows": rows, "notes": _withheld_notes(withheld)}


def _baseline_vs_latest(scope: Scope, notes: list) -> dict:
    """The baseline window (the latest baseline assessment in scope) against the last 30
    days before the end of the range: every KPI, the rubric average and each criterion's,
    and the annualised attrition, with the change between them."""
    end = scope.end or timezone.now()
    baselines = BaselineAssessment.objects.order_by("-created_at")
    if scope.cohorts is not None:
        baselines = baselines.filter(cohort__in=scope.cohorts)
    elif scope.team:
        baselines = baselines.filter(team=scope.team)
    baseline = baselines.first()
    windows = {"latest_30_days": (end - datetime.timedelta(days=30), end)}
    if baseline:
        windows = {"baseline": (baseline.window_start, baseline.window_end)} | windows
    result = {}
    for name, (start, stop) in windows.items():
        (totals,) = _interaction_totals(scope, start, stop, by_week=False)
        totals |= _rubric_totals(scope, start, stop, by_week=False)[0]
        label = name.replace("_", " ")
        withheld = []
        values, totals = _cells(totals, scope, label=label, notes=withheld)
        notes.extend(_withheld_notes(withheld))
        result[name] = {
            "from": start.isoformat(),
            "to": stop.isoformat(),
            "agents": totals["agents"],
            **values,
            **_attrition(scope, start, stop, notes=notes, label=label),
            "criteria": _criteria(scope, start, stop, notes=notes, label=label),
        }
    if "baseline" in result:
        result["change"] = _changes(result["baseline"], result["latest_30_days"])
    return result


def _changes(before: dict, after: dict) -> dict:
    """Latest minus baseline for every figure both windows have, and the relative change
    (as a percentage of the baseline) where the baseline is not zero."""
    changes = {}
    for key in [*METRICS, *RUBRIC_FIGURES, "attrition_annualised_percent"]:
        a, b = before.get(key), after.get(key)
        if a is None or b is None:
            changes[key] = None
            continue
        changes[key] = {
            "difference": round(b - a, 4),
            "relative_percent": round(100 * (b - a) / a, 4) if a else None,
        }
    return changes


def _attrition(scope: Scope, start, stop, *, notes: list, label: str) -> dict:
    """Leavers per 100 agent-years employed within the window (the window's annualised
    attrition, in percent); its contributors are the agents employed during the window."""
    first, last = timezone.localdate(start), timezone.localdate(stop)
    employed = (
        scope.agents().filter(hired_on__isnull=False, hired_on__lt=last).exclude(left_on__lt=first)
    )
    exposure, leavers, agents = 0, 0, 0
    for hired, left in employed.values_list("hired_on", "left_on"):
        begin, finish = max(hired, first), min(left or last, last)
        if finish <= begin:
            continue
        agents += 1
        exposure += (finish - begin).days
        leavers += bool(left and first <= left < last)
    rate = figures.annualised_attrition(leavers, exposure)
    figure = {
        "attrition_agents": agents,
        "attrition_leavers": leavers,
        "attrition_exposure_days": exposure,
        "attrition_annualised_percent": None if rate is None else round(100 * rate, 4),
    }
    if scope.hidden(agents):
        notes.append(f"{label}: attrition {SUPPRESSED}")
        figure = dict.fromkeys(figure)
    return figure


# Per criterion key in the scores' `values` (numbers only: neither booleans nor text): the
# sum, the number of scores and of agents scored. The scores are the report's own query.
CRITERION_TOTALS_SQL = {
    "postgresql": """
        SELECT v.key, sum(v.value::numeric)::float, count(*), count(DISTINCT s.subject_id)
        FROM ({scores}) s, jsonb_each(s."values") v
        WHERE jsonb_typeof(s."values") = 'object' AND jsonb_typeof(v.value) = 'number'
        GROUP BY v.key""",
    "sqlite": """
        SELECT v.key, sum(v.value), count(*), count(DISTINCT s.subject_id)
        FROM ({scores}) s, json_each(s."values") v
        WHERE json_type(s."values") = 'object' AND v.type IN ('integer', 'real')
        GROUP BY v.key""",
}


def criterion_totals(scores) -> dict[str, tuple[float, int, int]]:
    """{criterion key: (sum, scores, agents)} of a queryset of rubric scores, in SQL: the
    values are never loaded into Python."""
    scores = scores.order_by().values("subject_id", "values")
    connection = connections[scores.db]
    try:
        sql, params = scores.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # a filter that can match nothing (an empty list of ids)
        return {}
    with connection.cursor() as cursor:
        cursor.execute(CRITERION_TOTALS_SQL[connection.vendor].format(scores=sql), params)
        return {key: (float(total), n, agents) for key, total, n, agents in cursor.fetchall()}


def _criteria(scope: Scope, start, stop, *, notes: list, label: str) -> list[dict]:
    """The mean score of each rubric criterion (by key, on its own scale) in the window,
    from the scores' values; a criterion scored for fewer than MIN_GROUP agents is None."""
    totals = criterion_totals(_scores(scope, start, stop))
    names = dict(
        RubricCriterion.objects.filter(key__in=totals)
        .order_by("key", "rubric__version")
        .values_list("key", "name")
    )
    out, withheld = [], []
    for key in sorted(totals):
        total, n, agents = totals[key]
        mean = round(total / n, 4)
        if scope.hidden(agents):
            mean, n = None, None
            withheld.append(key)
        out.append({"key": key, "name": names.get(key, key), "mean": mean, "scores": n})
    if withheld:
        notes.append(f"{label}: rubric criteria {', '.join(withheld)} {SUPPRESSED}")
    return out


# --- A/B test ------------------------------------------------------------------------------

EXPERIMENT_METRICS = [
    "csat_satisfied_percent",
    "csat_mean",
    "nps",
    "aht_seconds",
    "escalation_percent",
    "fcr_percent",
]
GROUPS = ExperimentAssignment.Group.values


def experiment_result(
    experiment: Experiment, *, start=None, days: int = 30, detail: bool = False
) -> dict:
    """Treatment against control over a 30-day window (default: the experiment's start).

    Agents are what is randomised, and one agent's interactions are alike, so the primary
    analysis is at the agent level: each agent's figure over the window (their CSAT %
    satisfied, escalation rate, mean handle time...), compared between the groups with
    Welch's t-test; n is the number of agents with data. The interaction-level comparison
    (each interaction an independent observation, which overstates certainty) is kept as a
    labelled secondary figure. For HR a metric is withheld when either group has fewer than
    MIN_GROUP agents with data for it; HR's rows are per group and metric (agents, mean and
    variance of the agents' figures), never per agent, and are computed in SQL: no agent's
    figure leaves the database.
    """
    start = start or experiment.window_start
    end = start + datetime.timedelta(days=days)
    window = {"from": start.isoformat(), "to": end.isoformat()}
    if detail:
        interactions = Interaction.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        rows = _experiment_agent_rows(experiment, interactions)
        assigned = dict(
            experiment.assignments.values("group").annotate(n=Count("pk")).values_list("group", "n")
        )
        assigned = {group: assigned.get(group, 0) for group in GROUPS}
        result = {"window": window, "agents_assigned": assigned, "unit": "agent",
                  "metrics": experiment_metrics(rows)}  # fmt: skip
        return {"figures": result, "rows": rows, "notes": []}
    assigned, stats = experiment_group_stats(
        experiment_id=experiment.pk,
        start=start,
        end=end,
        metrics=[METRICS[key] for key in EXPERIMENT_METRICS],
        groups=GROUPS,
    )
    return _hr_experiment_result(window, assigned, stats)


def hr_experiment_result(experiments, *, pk, start=None, days: int = 30) -> dict | None:
    """`experiment_result` for HR (no per-agent rows) of the experiment `pk` among
    `experiments` (the reader's, as `cohorts.selectors.experiment_visible_to` gives them),
    found by its window's query, then counted (two queries). None when it is not among
    them."""
    window = experiment_window_sql(experiments, pk=pk, start=start, days=days, using=experiments.db)
    found = window and experiment_window_find(window, using=experiments.db)
    if not found:
        return None
    experiment, start, end = found
    assigned, stats = experiment_group_stats(
        experiment_id=experiment,
        start=start,
        end=end,
        metrics=[METRICS[key] for key in EXPERIMENT_METRICS],
        groups=GROUPS,
        using=experiments.db,
    )
    window = {"from": start.isoformat(), "to": end.isoformat()}
    return _hr_experiment_result(window, assigned, stats)


def _hr_experiment_result(window: dict, assigned: dict, stats: dict) -> dict:
    notes = []
    result = {"window": window, "agents_assigned": assigned, "unit": "agent",
              "metrics": _experiment_comparisons(stats)}  # fmt: skip
    summary = _group_summary_rows(stats)
    hidden = []
    for key, comparison in result["metrics"].items():
        if min(comparison["treatment_n"], comparison["control_n"]) < MIN_GROUP:
            result["metrics"][key] = None
            hidden.append(key)
            summary = [line for line in summary if line["metric"] != key]
    if hidden:
        labels = ", ".join(METRICS[key].label for key in hidden)
        notes.append(f"A/B result, {labels}: {SUPPRESSED} with data in a group")
    if min(assigned.values(), default=0) < MIN_GROUP:
        result["agents_assigned"] = None
    return {"figures": result, "rows": summary, "notes": notes}


def _experiment_agent_rows(experiment: Experiment, interactions) -> list[dict]:
    """A manager's rows: each agent's sums and figure per metric over the window."""
    groups = dict(experiment.assignments.values_list("agent_id", "group"))
    metrics = [METRICS[key] for key in EXPERIMENT_METRICS]
    per_agent = interactions.filter(agent__in=experiment.assignments.values("agent"))
    per_agent = per_agent.values("agent").annotate(
        **{name: agg for metric in metrics for name, agg in metric.aggregates().items()}
    )
    rows = []
    for aggregate in per_agent.order_by("agent"):
        row = {"agent": aggregate["agent"], "group": groups[aggregate["agent"]]}
        for metric in metrics:
            row[f"{metric.key}_n"] = aggregate[f"{metric.key}_n"]
            row[f"{metric.key}_sum"] = aggregate[f"{metric.key}_sum"]
            row[f"{metric.key}_sumsq"] = aggregate.get(f"{metric.key}_sumsq")
            row[f"{metric.key}_detractors"] = aggregate.get(f"{metric.key}_detractors")
            row[metric.key] = metric.value(aggregate, digits=None)
        rows.append(row)
    return rows


def _stats_from_rows(rows: list[dict]) -> dict:
    """`experiment_group_stats` from a manager's per-agent rows (or their export)."""
    stats = {}
    for group in GROUPS:
        mine = [r for r in rows if r["group"] == group]
        for key in EXPERIMENT_METRICS:
            values = [float(r[key]) for r in mine if r[key] not in (None, "")]
            mean = math.fsum(values) / len(values) if values else None
            variance = (
                math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)
                if len(values) > 1
                else None
            )

            def total(suffix, mine=mine, key=key):
                return math.fsum(float(r[f"{key}{suffix}"] or 0) for r in mine)

            stats[group, key] = {
                "agents": len(values),
                "mean": mean,
                "variance": variance,
                **{part: total(f"_{part}") for part in ("n", "sum", "sumsq", "detractors")},
            }
    return stats


def experiment_metrics(rows: list[dict]) -> dict:
    """Per metric: the agent-level Welch comparison, with the interaction-level comparison
    under `interaction_level`. `rows` are the per-agent rows of `experiment_result` (or a
    manager's export of them)."""
    return _experiment_comparisons(_stats_from_rows(rows))


def _experiment_comparisons(stats: dict) -> dict:
    out = {}
    for key in EXPERIMENT_METRICS:
        treatment, control = stats["treatment", key], stats["control", key]
        comparison = figures.welch_from_summary(
            *(treatment["agents"], treatment["mean"], treatment["variance"]),
            *(control["agents"], control["mean"], control["variance"]),
            unit="agents",
        )
        comparison["interaction_level"] = _interaction_level(METRICS[key], stats)
        out[key] = comparison
    return out


def _interaction_level(metric: Metric, stats: dict) -> dict:
    """The secondary view: every interaction an independent observation (Welch's t-test
    from sums and sums of squares for means and NPS, the two-proportion z-test for rates)."""
    totals = {
        group: tuple(
            float(stats[group, metric.key][part] or 0)
            for part in ("n", "sum", "sumsq", "detractors")
        )
        for group in GROUPS
    }
    if metric.kind in ("rate", "satisfied"):
        (n1, x1, _, _), (n2, x2, _, _) = totals["treatment"], totals["control"]
        result = figures.proportion_comparison(int(x1), int(n1), int(x2), int(n2))
        for name in ("treatment_rate", "control_rate", "difference", "ci_low", "ci_high",
                     "standard_error", "minimum_detectable_effect"):  # fmt: skip
            if result[name] is not None:
                result[name] = result[name] * 100  # as percentages, like the primary figure
        return result
    summaries = []
    for group in GROUPS:
        n, total_, squares, detractors = totals[group]
        if metric.kind == "nps":  # each response is +100, 0 or -100
            total_, squares = 100 * (total_ - detractors), 10000 * (total_ + detractors)
        total_, squares = total_ / metric.divisor, squares / metric.divisor**2
        mean = total_ / n if n else None
        variance = (squares - n * mean * mean) / (n - 1) if n > 1 else None
        summaries.append((int(n), mean, variance))
    return figures.welch_from_summary(*summaries[0], *summaries[1], unit="interactions")


def experiment_group_summary(rows: list[dict]) -> list[dict]:
    """What HR may export: per group and metric, the number of agents with data and the
    mean and variance of their figures (from which the tests recompute the Welch test)."""
    return _group_summary_rows(_stats_from_rows(rows))


def _group_summary_rows(stats: dict) -> list[dict]:
    return [
        {
            "group": group,
            "metric": key,
            "agents": stats[group, key]["agents"],
            "mean": "" if stats[group, key]["mean"] is None else stats[group, key]["mean"],
            "variance": (
                "" if stats[group, key]["variance"] is None else stats[group, key]["variance"]
            ),
        }
        for group in GROUPS
        for key in EXPERIMENT_METRICS
    ]


# --- Leading indicator ---------------------------------------------------------------------


def leading_indicator(scope: Scope, *, weekly: dict | None = None) -> dict:
    """Does the weekly rubric average lead weekly CSAT (% satisfied)? The Pearson
    correlation at lags of 0-6 weeks, rubric first, over the weeks both figures are shown
    (so for HR, weeks with fewer than MIN_GROUP agents behind either are gaps). `weekly`
    as in `kpi_trends`."""
    trends = weekly or weekly_kpis(scope)
    weeks = trends["figures"]["weeks"]
    if not weeks:
        return {
            "figures": figures.lagged_correlations([], []),
            "rows": [],
            "notes": trends["notes"],
        }
    first = datetime.date.fromisoformat(weeks[0]["week"])
    last = datetime.date.fromisoformat(weeks[-1]["week"])
    by_week = {w["week"]: w for w in weeks}
    rows = []
    day = first
    while day <= last:  # every week, so lags count calendar weeks even across gaps
        week = by_week.get(day.isoformat(), {})
        rows.append(
            {
                "week": day.isoformat(),
                "rubric_percent": week.get("rubric_percent"),
                "csat_satisfied_percent": week.get("csat_satisfied_percent"),
            }
        )
        day += datetime.timedelta(days=7)
    correlations = figures.lagged_correlations(
        [r["rubric_percent"] for r in rows], [r["csat_satisfied_percent"] for r in rows], max_lag=6
    )
    return {"figures": correlations, "rows": rows, "notes": trends["notes"]}


# --- Scoping helper ------------------------------------------------------------------------


def scope_for(user, *, program=None, cohort=None, team=None, start=None, end=None) -> Scope:
    """HR reads every cohort in aggregate; a manager reads the cohorts they facilitate,
    with per-agent detail."""
    if user.is_superuser or user.is_hr:
        cohorts = None if cohort is None else frozenset([cohort])
        return Scope(cohorts, program, team, start, end, detail=user.is_superuser)
    facilitated = set(managed_cohorts(user=user).values_list("pk", flat=True))
    chosen = facilitated if cohort is None else facilitated & {cohort}
    return Scope(frozenset(chosen), program, team, start, end, detail=True)
