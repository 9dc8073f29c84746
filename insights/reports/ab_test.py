"""The A/B result: agent-level Welch comparisons per metric, with the interaction-level
view beside them; HR's counted in the database (insights/experiment_stats.py)."""

import datetime
import math

from django.db.models import (
    Count,
)

from cohorts.models import (
    Experiment,
    ExperimentAssignment,
)
from insights import figures
from insights.experiment_stats import (
    experiment_group_stats,
    experiment_window_find,
    experiment_window_sql,
)
from insights.models import Interaction
from insights.reports.common import MIN_GROUP, SUPPRESSED
from insights.reports.metrics import METRICS, Metric

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
