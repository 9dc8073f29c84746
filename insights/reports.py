"""The figures HR and managers read: completion funnel, retention, KPI trends, the A/B
result, the leading indicator and the ROI estimate.

Each report returns `{"figures": ..., "rows": [...], "notes": [...]}`: `rows` are the raw
rows the figures are computed from, so an export recomputes to the same values. Every
report runs a fixed number of queries whatever the number of agents or interactions.

Privacy: for HR (`detail=False`) no group of fewer than MIN_GROUP agents is shown (its
figures are replaced by None with a note), rows never name an agent or an interaction, and
no feedback text is ever read here.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
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
    ScheduleItem,
)
from cohorts.scope import managed_cohorts
from insights import figures
from insights.models import BaselineAssessment, Interaction
from programs.models import Module

MIN_GROUP = 5
SUPPRESSED = f"suppressed: fewer than {MIN_GROUP} agents"
RISK_POINTS_DAYS = [0, 90, 180, 365, 730]


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
    # Plain tuples and subqueries rather than model objects and long id lists: the funnel
    # reads every enrolment in scope, and HR's scope is all of them.
    in_scope = scope.enrollments()
    enrollments = list(
        in_scope.values_list(
            "pk", "cohort_id", "cohort__name", "status", "enrolled_at", "agent__email"
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
    modules = list(
        Module.objects.filter(program__in=in_scope.values("program"))
        .select_related("phase")
        .order_by("program", "phase__order", "week")
    )
    rows = []
    for index, (pk, cohort_id, cohort_name, status, enrolled_at, email) in enumerate(
        enrollments, start=1
    ):
        decided = certified.get(pk)
        rows.append(
            {
                "agent": email if scope.detail else f"agent {index}",
                "cohort": cohort_name,
                "status": status,
                "workshops_attended": len(attended[pk] & workshops[cohort_id]),
                "workshops_total": len(workshops[cohort_id]),
                "modules_completed": " ".join(str(m) for m in sorted(completed[pk])),
                "certified": decided is not None,
                "days_to_certification": (decided - enrolled_at).days if decided else "",
            }
        )
    return {"figures": funnel_figures(rows, modules), "rows": rows, "notes": []}


def funnel_figures(rows: list[dict], modules) -> dict:
    """The funnel from its rows (also used to recompute an export)."""
    enrolled = len(rows)
    days = [r["days_to_certification"] for r in rows if r["days_to_certification"] != ""]
    certified = sum(1 for r in rows if r["certified"] in (True, "True"))
    done = defaultdict(int)
    for row in rows:
        for module_id in str(row["modules_completed"]).split():
            done[int(module_id)] += 1
    return {
        "enrolled": enrolled,
        "attended_all_workshops": sum(
            1
            for r in rows
            if int(r["workshops_total"]) and r["workshops_attended"] == r["workshops_total"]
        ),
        "modules": [
            {"module": m.pk, "phase": m.phase.name, "topic": m.topic, "completed": done[m.pk]}
            for m in modules
        ],
        "certified": certified,
        "certification_rate": round(certified / enrolled, 4) if enrolled else None,
        "median_days_to_certification": figures.median([float(d) for d in days]),
    }


def funnel_report(scope: Scope) -> dict:
    report = funnel(scope)
    if not scope.detail and report["figures"]["enrolled"] < MIN_GROUP:
        report["notes"].append(f"funnel: {SUPPRESSED}")
        report["figures"] = {"enrolled": None, "suppressed": True}
        report["rows"] = []
    return report


# --- Retention -----------------------------------------------------------------------------


def retention(scope: Scope, *, as_of: datetime.date | None = None) -> dict:
    """Kaplan-Meier retention from hire date, trained (certified or completed a program)
    against untrained agents, with counts at risk and annualised attrition."""
    as_of = as_of or timezone.localdate()
    trained_ids = set(
        Enrollment.objects.filter(status=Enrollment.Status.COMPLETED).values_list(
            "agent", flat=True
        )
    ) | set(
        CertificationDecision.objects.filter(revoked_at__isnull=True).values_list(
            "agent", flat=True
        )
    )
    people = scope.agents().filter(hired_on__isnull=False, hired_on__lte=as_of)
    rows = []
    for index, (pk, email, hired, left) in enumerate(
        people.values_list("pk", "email", "hired_on", "left_on").order_by("pk"), start=1
    ):
        end = left if left and left <= as_of else as_of
        rows.append(
            {
                "agent": email if scope.detail else f"agent {index}",
                "group": "trained" if pk in trained_ids else "untrained",
                "days": (end - hired).days,
                "left": bool(left and left <= as_of),
            }
        )
    notes: list[str] = []
    groups = {}
    for group in ("trained", "untrained"):
        mine = [r for r in rows if r["group"] == group]
        figure = retention_figures(mine)
        groups[group] = figure if scope.detail else _suppress(figure, len(mine), notes, group)
    if not scope.detail:
        rows = [r for r in rows if groups[r["group"]]["agents"] is not None]
    return {"figures": {"as_of": as_of.isoformat(), "groups": groups}, "rows": rows, "notes": notes}


def retention_figures(rows: list[dict]) -> dict:
    durations = [float(r["days"]) for r in rows]
    events = [r["left"] in (True, "True") for r in rows]
    curve = figures.kaplan_meier(durations, events, at=RISK_POINTS_DAYS)
    return {
        "agents": len(rows),
        "leavers": sum(events),
        "annualised_attrition": figures.annualised_attrition(sum(events), sum(durations)),
        "curve": {k: curve[k] for k in ("times", "survival", "at_risk")},
        "at_risk": dict(zip(map(str, RISK_POINTS_DAYS), curve.get("at_risk_at", []), strict=False)),
        "survival_at": dict(
            zip(map(str, RISK_POINTS_DAYS), curve.get("survival_at", []), strict=False)
        ),
    }


# --- KPI trends ----------------------------------------------------------------------------

KPI_AGGREGATES = {
    "interactions": Count("pk"),
    "csat_sum": Sum("csat"),
    "csat_n": Count("csat"),
    "nps_n": Count("nps"),
    "promoters": Count("pk", filter=Q(nps__gte=9)),
    "detractors": Count("pk", filter=Q(nps__lte=6)),
    "aht_sum": Sum("handle_seconds"),
    "aht_n": Count("handle_seconds"),
    "escalated_count": Count("pk", filter=Q(escalated=True)),
    "escalation_n": Count("escalated"),
    "fcr_count": Count("pk", filter=Q(resolved_first_contact=True)),
    "fcr_n": Count("resolved_first_contact"),
    "agents": Count("agent", distinct=True),
}


def kpi_values(row: dict) -> dict:
    """Means and rates from sums and counts (the export's rows recompute through this)."""

    def ratio(a, b):
        return round(float(a) / float(b), 4) if b and a is not None else None

    nps_n = int(row["nps_n"] or 0)
    return {
        "csat": ratio(row["csat_sum"], row["csat_n"]),
        "nps": round(100 * (int(row["promoters"]) - int(row["detractors"])) / nps_n, 2)
        if nps_n
        else None,
        "aht_seconds": ratio(row["aht_sum"], row["aht_n"]),
        "escalation_rate": ratio(row["escalated_count"], row["escalation_n"]),
        "fcr_rate": ratio(row["fcr_count"], row["fcr_n"]),
    }


def _interactions(scope: Scope):
    interactions = Interaction.objects.filter(agent__in=scope.agents())
    if scope.start:
        interactions = interactions.filter(occurred_at__gte=scope.start)
    if scope.end:
        interactions = interactions.filter(occurred_at__lt=scope.end)
    return interactions


def _rubric_weekly(scope: Scope) -> dict:
    scores = RubricScore.objects.filter(subject__in=scope.agents()).exclude(
        context=RubricScore.Context.CALIBRATION
    )
    if scope.start:
        scores = scores.filter(scored_at__gte=scope.start)
    if scope.end:
        scores = scores.filter(scored_at__lt=scope.end)
    weekly = (
        scores.annotate(week=TruncWeek("scored_at"))
        .values("week")
        .annotate(rubric_sum=Sum("percent"), rubric_n=Count("pk"))
    )
    return {row["week"].date().isoformat(): row for row in weekly}


def kpi_trends(scope: Scope) -> dict:
    """Weekly KPIs, and the baseline window against the latest 30 days."""
    report = _weekly_kpis(scope)
    report["figures"]["comparison"] = _baseline_vs_latest(scope)
    return report


def _weekly_kpis(scope: Scope) -> dict:
    weekly = (
        _interactions(scope)
        .annotate(week=TruncWeek("occurred_at"))
        .values("week")
        .annotate(**KPI_AGGREGATES)
        .order_by("week")
    )
    rubric = _rubric_weekly(scope)
    rows, notes, series = [], [], []
    for row in weekly:
        week = row["week"].date().isoformat()
        raw = {key: row[key] for key in KPI_AGGREGATES} | {"week": week}
        raw["rubric_sum"] = rubric.get(week, {}).get("rubric_sum")
        raw["rubric_n"] = rubric.get(week, {}).get("rubric_n", 0)
        values = kpi_values(raw) | {"rubric_average": _rubric_average(raw)}
        if not scope.detail and raw["agents"] < MIN_GROUP:
            notes.append(f"week of {week}: {SUPPRESSED}")
            continue
        rows.append(raw)
        series.append({"week": week, "interactions": raw["interactions"], **values})
    return {"figures": {"weeks": series}, "rows": rows, "notes": notes}


def _rubric_average(raw) -> float | None:
    n = int(raw.get("rubric_n") or 0)
    return round(float(raw["rubric_sum"]) / n, 2) if n else None


def _baseline_vs_latest(scope: Scope) -> dict:
    """The baseline window (the latest baseline assessment in scope) against the last 30
    days before the end of the range."""
    end = scope.end or timezone.now()
    baselines = BaselineAssessment.objects.order_by("-created_at")
    if scope.cohorts is not None:
        baselines = baselines.filter(cohort__in=scope.cohorts)
    baseline = baselines.first()
    windows = {"latest_30_days": (end - datetime.timedelta(days=30), end)}
    if baseline:
        windows["baseline"] = (baseline.window_start, baseline.window_end)
    result = {}
    for name, (start, stop) in windows.items():
        totals = Interaction.objects.filter(
            agent__in=scope.agents(), occurred_at__gte=start, occurred_at__lt=stop
        ).aggregate(**KPI_AGGREGATES)
        agents = totals["agents"]
        figure = {
            "from": start.isoformat(),
            "to": stop.isoformat(),
            "agents": agents,
            **kpi_values(totals),
        }
        result[name] = (
            figure
            if scope.detail or agents >= MIN_GROUP
            else {"from": figure["from"], "to": figure["to"], "suppressed": SUPPRESSED}
        )
    return result


# --- A/B test ------------------------------------------------------------------------------

MEAN_METRICS = {"csat": "csat", "nps": "nps", "aht_seconds": "handle_seconds"}
RATE_METRICS = {"escalation_rate": "escalated", "fcr_rate": "resolved_first_contact"}


def experiment_result(
    experiment: Experiment, *, start=None, days: int = 30, detail: bool = False
) -> dict:
    """Treatment against control over a 30-day window (default: the experiment's start).

    Means are compared with Welch's t-test, rates with a two-proportion z-test, one
    interaction being one observation (agents with many contacts weigh more: said in the
    README). Each result says whether there is enough data to tell.
    """
    start = start or experiment.window_start
    end = start + datetime.timedelta(days=days)
    groups = dict(experiment.assignments.values_list("agent_id", "group"))
    interactions = Interaction.objects.filter(
        agent__in=groups, occurred_at__gte=start, occurred_at__lt=end
    ).values_list("agent_id", *MEAN_METRICS.values(), *RATE_METRICS.values())
    rows = []
    for agent_id, *values in interactions:
        row = {"group": groups[agent_id]}
        if detail:
            row["agent"] = agent_id
        row.update(zip([*MEAN_METRICS, *RATE_METRICS], values, strict=True))
        rows.append(row)
    agents = {
        group: sum(1 for g in groups.values() if g == group)
        for group in ExperimentAssignment.Group.values
    }
    notes = []
    result = {"window": {"from": start.isoformat(), "to": end.isoformat()}, "agents": agents}
    if not detail and min(agents.values(), default=0) < MIN_GROUP:
        notes.append(f"experiment: {SUPPRESSED} in a group")
        return {"figures": result | {"metrics": None}, "rows": [], "notes": notes}
    result["metrics"] = experiment_metrics(rows)
    if not detail:
        rows = experiment_sufficient_statistics(rows)
    return {"figures": result, "rows": rows, "notes": notes}


def _values(rows, group, metric):
    return [float(r[metric]) for r in rows if r["group"] == group and r[metric] not in (None, "")]


def experiment_metrics(rows: list[dict]) -> dict:
    metrics = {}
    for metric in MEAN_METRICS:
        metrics[metric] = figures.welch_comparison(
            _values(rows, "treatment", metric), _values(rows, "control", metric)
        )
    for metric in RATE_METRICS:
        treated = _values(rows, "treatment", metric)
        control = _values(rows, "control", metric)
        metrics[metric] = figures.proportion_comparison(
            int(sum(treated)), len(treated), int(sum(control)), len(control)
        )
    return metrics


def experiment_sufficient_statistics(rows: list[dict]) -> list[dict]:
    """What HR may export: per group and metric, n, mean and variance (no interaction)."""
    import statistics

    out = []
    for group in ExperimentAssignment.Group.values:
        for metric in [*MEAN_METRICS, *RATE_METRICS]:
            values = _values(rows, group, metric)
            out.append(
                {
                    "group": group,
                    "metric": metric,
                    "n": len(values),
                    "mean": statistics.fmean(values) if values else "",
                    "variance": statistics.variance(values) if len(values) > 1 else "",
                    "successes": int(sum(values)) if metric in RATE_METRICS else "",
                }
            )
    return out


# --- Leading indicator ---------------------------------------------------------------------


def leading_indicator(scope: Scope) -> dict:
    """Does the weekly rubric average lead weekly CSAT? Correlations at lags 0-6 weeks."""
    trends = _weekly_kpis(scope)
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
                "rubric_average": week.get("rubric_average"),
                "csat": week.get("csat"),
            }
        )
        day += datetime.timedelta(days=7)
    correlations = figures.lagged_correlations(
        [r["rubric_average"] for r in rows], [r["csat"] for r in rows], max_lag=6
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
