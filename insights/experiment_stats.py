"""HR's A/B result counted in the database: per group, the agents assigned and, per metric,
the agents with data, the mean of their figures, the sum of squared deviations from that
mean, the figures' spread and the interaction-level sums. One query, no agent's figure
leaves the database.

The SQL is written once per set of metrics rather than compiled by the ORM on every
request: building the ORM expressions (six metrics, a dozen filtered aggregates each) cost
more than running the query. It is plain SQL that PostgreSQL and SQLite (3.30 or later,
for FILTER) both run, and each figure is the one `Metric.value` computes from an agent's
sums, in the same floating-point operations (tests/insights/test_experiment_stats.py).
"""

from __future__ import annotations

import datetime
import functools
from typing import TYPE_CHECKING

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.duration import duration_microseconds

if TYPE_CHECKING:
    from insights.reports import Metric

PARTS = ("n", "sum", "sumsq", "detractors")  # the interaction-level sums, as Metric.aggregates
# Per metric, the columns the query answers in this order.
COLUMNS = ("agents", "mean", "squares", "spread", *PARTS)


def _present(metric: Metric) -> str:
    if metric.among is not None:  # a condition beyond "has a value" is not written here
        raise ValueError(f"{metric.key}: metrics with `among` are not supported")
    return f"i.{metric.field} IS NOT NULL"


def _success(metric: Metric) -> str:
    return {
        "rate": f"i.{metric.field}",
        "satisfied": f"i.{metric.field} >= 4",
        "nps": f"i.{metric.field} >= 9",
    }[metric.kind]


def _per_agent_columns(metric: Metric) -> list[str]:
    """The agent's figure (`Metric.value` of the agent's sums, unrounded) and sums."""
    present, key = _present(metric), metric.key
    n = f"count(*) FILTER (WHERE {present})"
    columns = [f"{n} AS {key}_n"]
    if metric.kind == "mean":
        total = f"sum(CAST(i.{metric.field} AS double precision)) FILTER (WHERE {present})"
        figure = f"{total} / nullif({n}, 0)"
        if metric.divisor != 1:
            figure = f"{figure} / {float(metric.divisor)!r}"
        squares = (
            f"sum(CAST(i.{metric.field} AS double precision) "
            f"* CAST(i.{metric.field} AS double precision)) FILTER (WHERE {present})"
        )
        columns += [f"{total} AS {key}_sum", f"{squares} AS {key}_sumsq"]
    else:
        successes = f"count(*) FILTER (WHERE {present} AND {_success(metric)})"
        columns.append(f"{successes} AS {key}_sum")
        if metric.kind == "nps":
            detractors = f"count(*) FILTER (WHERE {present} AND i.{metric.field} <= 6)"
            columns.append(f"{detractors} AS {key}_detractors")
            successes = f"({successes} - {detractors})"
        figure = f"CAST({successes} AS double precision) * 100.0 / nullif({n}, 0)"
    return [f"{figure} AS {key}_figure", *columns]


def _has(metric: Metric, part: str) -> bool:
    """Whether the per-agent query has this interaction-level sum for the metric."""
    return {"sumsq": metric.kind == "mean", "detractors": metric.kind == "nps"}.get(part, True)


def _group_columns(metric: Metric) -> list[str]:
    figure, key = f"a.{metric.key}_figure", metric.key
    return [
        f"count({figure})",
        f"avg({figure})",
        f"sum(({figure} - m.{key}_figure) * ({figure} - m.{key}_figure))",
        f"max({figure}) - min({figure})",
        *(f"sum(a.{key}_{part})" if _has(metric, part) else "NULL" for part in PARTS),
    ]


WINDOW = "{window}"  # where the caller's window query goes (SQL may hold no braces)


@functools.cache
def group_stats_sql(metrics: tuple[Metric, ...]) -> str:
    """The query, with WINDOW in place of a query answering at most one row: (experiment,
    start, end). Without that row it answers no rows; with it, one row per group (a single
    row of NULL group when nobody is assigned), each led by the window's start.

    Two passes, as the per-agent path computes the variance: the groups' means first (m),
    then the squared deviations from them (a sum of squares less n times the squared mean
    would lose the variance of figures that barely differ to cancellation). Agents without
    interactions in the window count as assigned and have no figure."""
    per_agent = ", ".join(column for metric in metrics for column in _per_agent_columns(metric))
    means = ", ".join(f"avg(a.{m.key}_figure) AS {m.key}_figure" for m in metrics)
    columns = ", ".join(column for metric in metrics for column in _group_columns(metric))
    return f"""
        WITH w (experiment, start_at, end_at) AS ({WINDOW}),
        g AS (
            SELECT agent_id, "group" FROM cohorts_experimentassignment
            WHERE experiment_id = (SELECT experiment FROM w)
        ),
        a AS (
            SELECT i.agent_id AS agent, {per_agent}
            FROM insights_interaction i
            WHERE i.agent_id IN (SELECT agent_id FROM g)
              AND i.occurred_at >= (SELECT start_at FROM w)
              AND i.occurred_at < (SELECT end_at FROM w)
            GROUP BY i.agent_id
        ),
        m AS (SELECT g."group", {means} FROM g JOIN a ON a.agent = g.agent_id GROUP BY g."group")
        SELECT w.start_at, g."group", count(g.agent_id), {columns}
        FROM w LEFT JOIN g ON 1 = 1
        LEFT JOIN a ON a.agent = g.agent_id LEFT JOIN m ON m."group" = g."group"
        GROUP BY w.start_at, g."group"
    """


def experiment_group_stats(
    *, experiment_id: int, start, end, metrics: list[Metric], groups: list[str], using="default"
) -> tuple[dict[str, int], dict]:
    """(agents assigned per group, {(group, metric key): {agents, mean, variance, n, sum,
    sumsq, detractors}}): per group, the count, mean and sample variance of the agents'
    figures over [start, end) and the interaction-level sums."""
    ops = connections[using].ops
    window = (
        "SELECT %s, %s, %s",
        [experiment_id, ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)],
    )
    _, assigned, stats = experiment_window_stats(
        window=window, metrics=metrics, groups=groups, using=using
    )
    return assigned, stats


def experiment_window_stats(
    *, window: tuple[str, list], metrics: list[Metric], groups: list[str], using="default"
) -> tuple[datetime.datetime, dict[str, int], dict] | None:
    """`experiment_group_stats` for the window a query finds, in the same query: `window`
    is the (SQL, parameters) of a query answering at most one row, (experiment id, start,
    end), such as the reader's experiments filtered on one id. None when it answers none;
    else (the window's start, assigned, stats)."""
    connection = connections[using]
    sql, params = window
    with connection.cursor() as cursor:
        cursor.execute(group_stats_sql(tuple(metrics)).replace(WINDOW, sql), params)
        found = cursor.fetchall()
    if not found:
        return None
    start = _aware(found[0][0])
    found = {row[1]: row[2:] for row in found if row[1] is not None}
    assigned = {group: found[group][0] if group in found else 0 for group in groups}
    stats = {}
    for group in groups:
        values = iter(found[group][1:] if group in found else ())
        for metric in metrics:
            agents, mean, squares, spread, n, total, sumsq, detractors = (
                next(values, None) for _ in COLUMNS
            )
            agents = agents or 0
            variance = None
            if agents > 1:  # every figure the same is exactly no spread, whatever the rounding
                variance = 0.0 if spread == 0 else squares / (agents - 1)
            stats[group, metric.key] = {
                "agents": agents,
                "mean": mean,
                "variance": variance,
                "n": n,
                "sum": total,
                "sumsq": sumsq,
                "detractors": detractors,
            }
    return start, assigned, stats


# A datetime plus a duration, as Django writes `F(datetime) + timedelta` on each database
# (SQLite's function is the one Django registers on every connection).
PLUS_DURATION = {
    "postgresql": "({start} + %s)",
    "sqlite": "django_format_dtdelta(' + ', {start}, %s)",
}


def experiment_window_sql(
    experiments, *, pk: int, start, days: int, using="default"
) -> tuple[str, list] | None:
    """The window query of `experiment_window_stats` for the experiment `pk` among
    `experiments` (a queryset: the reader's), over `days` from `start` or, without one,
    from the experiment's window start. None when the scope can match nothing.

    Written by hand rather than compiled by the ORM, which took longer than the query: the
    reader's scope is compiled only when it is not every experiment (HR's)."""
    connection = connections[using]
    low, high = connection.ops.integer_field_range(experiments.model._meta.pk.get_internal_type())
    if not low <= pk <= high:  # no such id, and the database would refuse to compare it
        return None
    delta = datetime.timedelta(days=days)
    if start is None:
        columns = f"window_start, {PLUS_DURATION[connection.vendor].format(start='window_start')}"
        native = connection.features.has_native_duration_field  # else in microseconds
        params = [delta if native else duration_microseconds(delta)]
    else:
        adapt = connection.ops.adapt_datetimefield_value
        columns, params = "%s, %s", [adapt(start), adapt(start + delta)]
    sql = f"SELECT id, {columns} FROM cohorts_experiment WHERE id = %s"
    params.append(pk)
    if experiments.query.has_filters():
        try:
            scope, scope_params = (
                experiments.order_by().values("pk").query.get_compiler(using=using).as_sql()
            )
        except EmptyResultSet:
            return None
        sql += f" AND id IN ({scope})"
        params += scope_params
    return sql, params


def _aware(value) -> datetime.datetime:
    """A datetime the query answered, as the ORM reads it: SQLite answers UTC as text."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value
