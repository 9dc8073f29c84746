"""HR's A/B result counted in the database: per group, the agents assigned and, per metric,
the agents with data, the mean of their figures, the sum of squared deviations from that
mean, the figures' spread and the interaction-level sums. One query (HR's finds the
experiment's window first, among the reader's: two), no agent's figure leaves the database.

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

from config.prepared import prepared_cursor
from insights.weeks import week_start, whole_weeks

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


def _source_sums(metric: Metric) -> list[str]:
    """An agent's sums of the metric over their interactions (`i`) in a range, as the
    rollup holds them (`Metric.aggregates`)."""
    present, key = _present(metric), metric.key
    columns = [f"count(*) FILTER (WHERE {present}) AS {key}_n"]
    if metric.kind == "mean":
        value = f"CAST(i.{metric.field} AS double precision)"
        columns += [
            f"sum({value}) FILTER (WHERE {present}) AS {key}_sum",
            f"sum({value} * {value}) FILTER (WHERE {present}) AS {key}_sumsq",
        ]
    else:
        columns.append(f"count(*) FILTER (WHERE {present} AND {_success(metric)}) AS {key}_sum")
    if metric.kind == "nps":
        columns.append(
            f"count(*) FILTER (WHERE {present} AND i.{metric.field} <= 6) AS {key}_detractors"
        )
    return columns


def _parts(metric: Metric) -> list[str]:
    """The names of the metric's sums: those of `_source_sums`, and the rollup's columns."""
    return [f"{metric.key}_{part}" for part in PARTS if _has(metric, part)]


def _figure(metric: Metric) -> str:
    """The agent's figure from their summed parts (`s`), in the floating-point operations
    of `Metric.value` (unrounded)."""
    key = metric.key
    if metric.kind == "mean":
        figure = f"s.{key}_sum / nullif(s.{key}_n, 0)"
        if metric.divisor != 1:
            figure = f"{figure} / {float(metric.divisor)!r}"
        return f"{figure} AS {key}_figure"
    successes = f"s.{key}_sum"
    if metric.kind == "nps":
        successes = f"(s.{key}_sum - s.{key}_detractors)"
    return f"CAST({successes} AS double precision) * 100.0 / nullif(s.{key}_n, 0) AS {key}_figure"


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


@functools.cache
def group_stats_sql(metrics: tuple[Metric, ...], *, whole_weeks: bool) -> str:
    """The query of `experiment_group_stats`, with named parameters: `experiment`, the
    window's `start` and `end`; with `whole_weeks`, also the Mondays `first` and `last`
    of `weeks.whole_weeks`, the moments `head_end` and `tail_start` they begin, and
    `following`, when the week after `last` begins. It answers one row per group (none
    when nobody is assigned).

    Each agent's sums over the window come from the weekly rollup (InteractionWeek) for
    the weeks wholly inside it and from the interactions of the partial weeks at either
    end: a rollup row replaces a week of the agent's interactions. A window that ends now
    ends in the current week, which holds nothing after now: when no assigned agent has an
    interaction from `end` to `following`, the last week's rollup rows are exactly its
    interactions in the window and are read instead of them. The sums are whole numbers,
    so they add up exactly in any order, and each figure is computed from them as
    `Metric.value` computes it (tests/insights/test_experiment_stats.py).

    Two passes, as the per-agent path computes the variance: the groups' means first (m),
    then the squared deviations from them (a sum of squares less n times the squared mean
    would lose the variance of figures that barely differ to cancellation). Agents without
    interactions in the window count as assigned and have no figure."""
    source = ", ".join(column for metric in metrics for column in _source_sums(metric))
    parts = [part for metric in metrics for part in _parts(metric)]
    from_rollup = ", ".join(f"sum(w.{part})" for part in parts)
    counts = {part for part in parts if not part.endswith(("_sum", "_sumsq"))}
    counts |= {f"{m.key}_sum" for m in metrics if m.kind != "mean"}
    added = ", ".join(
        f"CAST(sum(p.{part}) AS bigint) AS {part}" if part in counts else f"sum(p.{part}) AS {part}"
        for part in parts
    )
    figures = ", ".join(_figure(metric) for metric in metrics)
    in_experiment = "agent_id IN (SELECT agent_id FROM g)"

    def source_rows(low: str, high: str, when: str = "") -> str:
        return f"""
            SELECT i.agent_id AS agent, {source} FROM insights_interaction i
            WHERE i.{in_experiment} AND i.occurred_at >= {low} AND i.occurred_at < {high}
            {when}
            GROUP BY i.agent_id"""

    if whole_weeks:
        later = f"""
            SELECT 1 FROM insights_interaction x WHERE x.{in_experiment}
            AND x.occurred_at >= %(end)s AND x.occurred_at < %(following)s"""
        rows = " UNION ALL ".join([
            source_rows("%(start)s", "%(head_end)s"),
            source_rows("%(tail_start)s", "%(end)s", f"AND EXISTS ({later})"),
            f"""
            SELECT w.agent_id AS agent, {from_rollup} FROM insights_interactionweek w
            WHERE w.{in_experiment} AND w.week >= %(first)s
              AND (w.week < %(last)s OR (w.week = %(last)s AND NOT EXISTS ({later})))
            GROUP BY w.agent_id""",
        ])  # fmt: skip
    else:  # no week wholly inside: every row from the interactions
        rows = source_rows("%(start)s", "%(end)s")
    means = ", ".join(f"avg(a.{m.key}_figure) AS {m.key}_figure" for m in metrics)
    columns = ", ".join(column for metric in metrics for column in _group_columns(metric))
    return f"""
        WITH g AS (
            SELECT agent_id, "group" FROM cohorts_experimentassignment
            WHERE experiment_id = %(experiment)s
        ),
        s AS (SELECT p.agent, {added} FROM ({rows}) p GROUP BY p.agent),
        a AS (SELECT s.*, {figures} FROM s),
        m AS (SELECT g."group", {means} FROM g JOIN a ON a.agent = g.agent_id GROUP BY g."group")
        SELECT g."group", count(g.agent_id), {columns}
        FROM g LEFT JOIN a ON a.agent = g.agent_id LEFT JOIN m ON m."group" = g."group"
        GROUP BY g."group"
    """


def _window_params(start: datetime.datetime, end: datetime.datetime, using: str) -> dict:
    ops = connections[using].ops
    moment, day = ops.adapt_datetimefield_value, ops.adapt_datefield_value
    params = {"start": moment(start), "end": moment(end)}
    first, last = whole_weeks(start, end)
    if first < last:
        params |= {
            "first": day(first),
            "last": day(last),
            "head_end": moment(week_start(first)),
            "tail_start": moment(week_start(last)),
            "following": moment(week_start(last + datetime.timedelta(days=7))),
        }
    return params


def experiment_group_stats(
    *, experiment_id: int, start, end, metrics: list[Metric], groups: list[str], using="default"
) -> tuple[dict[str, int], dict]:
    """(agents assigned per group, {(group, metric key): {agents, mean, variance, n, sum,
    sumsq, detractors}}): per group, the count, mean and sample variance of the agents'
    figures over [start, end) and the interaction-level sums. One query."""
    params = {"experiment": experiment_id, **_window_params(start, end, using)}
    sql = group_stats_sql(tuple(metrics), whole_weeks="first" in params)
    with prepared_cursor(using) as cursor:
        cursor.execute(sql, params)
        found = {row[0]: row[1:] for row in cursor.fetchall()}
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
    return assigned, stats


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


def experiment_window_find(
    window: tuple[str, list], *, using="default"
) -> tuple[int, datetime.datetime, datetime.datetime] | None:
    """(experiment id, start, end) answered by a window query (`experiment_window_sql`),
    or None when it answers no row."""
    sql, params = window
    with prepared_cursor(using) as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is None:
        return None
    experiment, start, end = found
    return experiment, _aware(start), _aware(end)


def _aware(value) -> datetime.datetime:
    """A datetime the query answered, as the ORM reads it: SQLite answers UTC as text."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value
