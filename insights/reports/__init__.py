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

The reports are a package by report: `completion` (the funnel), `retention_curves`,
`trends` (KPI trends), `ab_test`, `leading`; `metrics` (how each interaction figure is
computed) and `common` (the scope and the privacy rule) serve them all. Everything is
imported from here: `from insights import reports`.
"""

from insights.reports.ab_test import (
    EXPERIMENT_METRICS,
    GROUPS,
    experiment_group_summary,
    experiment_metrics,
    experiment_result,
    hr_experiment_result,
)
from insights.reports.common import (
    LANDMARK_DAYS,
    MIN_GROUP,
    RISK_POINTS_DAYS,
    RUBRIC_POINTS,
    SUPPRESSED,
    Scope,
    scope_for,
)
from insights.reports.completion import (
    FUNNEL_COUNTS_SQL,
    funnel,
    funnel_figures,
    funnel_report,
    funnel_steps,
    funnel_totals,
)
from insights.reports.leading import (
    leading_indicator,
)
from insights.reports.metrics import (
    INTERACTION_AGGREGATES,
    INTERACTION_METRICS,
    METRICS,
    RUBRIC_FIGURES,
    Metric,
)
from insights.reports.retention_curves import (
    retention,
    retention_figures,
)
from insights.reports.trends import (
    CRITERION_TOTALS_SQL,
    INTERACTION_WEEK,
    PERCENT_SUM,
    PLACES,
    RUBRIC_AGGREGATES,
    WEEKLY_SUMS,
    as_week,
    criterion_totals,
    kpi_trends,
    kpi_values,
    weekly_kpis,
)

__all__ = [
    "CRITERION_TOTALS_SQL",
    "EXPERIMENT_METRICS",
    "FUNNEL_COUNTS_SQL",
    "GROUPS",
    "INTERACTION_AGGREGATES",
    "INTERACTION_METRICS",
    "INTERACTION_WEEK",
    "LANDMARK_DAYS",
    "METRICS",
    "MIN_GROUP",
    "PERCENT_SUM",
    "PLACES",
    "RISK_POINTS_DAYS",
    "RUBRIC_AGGREGATES",
    "RUBRIC_FIGURES",
    "RUBRIC_POINTS",
    "SUPPRESSED",
    "WEEKLY_SUMS",
    "Metric",
    "Scope",
    "as_week",
    "criterion_totals",
    "experiment_group_summary",
    "experiment_metrics",
    "experiment_result",
    "funnel",
    "funnel_figures",
    "funnel_report",
    "funnel_steps",
    "funnel_totals",
    "hr_experiment_result",
    "kpi_trends",
    "kpi_values",
    "leading_indicator",
    "retention",
    "retention_figures",
    "scope_for",
    "weekly_kpis",
]
