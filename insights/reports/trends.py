"""KPI trends: the interaction and rubric metrics week by week (from the weekly rollups
and the partial weeks' rows), baseline against latest, attrition and rubric criteria."""

import datetime
import decimal
from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Count,
    DateField,
    Sum,
)
from django.db.models.functions import Cast, TruncWeek
from django.utils import timezone

from cohorts.models import (
    RubricScore,
    RubricScoreWeek,
)
from cohorts.services.scores import SCORE_WEEK
from insights import figures
from insights.models import BaselineAssessment, Interaction, InteractionWeek
from insights.reports.common import RUBRIC_POINTS, SUPPRESSED, Scope
from insights.reports.metrics import (
    INTERACTION_AGGREGATES,
    INTERACTION_METRICS,
    METRICS,
    RUBRIC_FIGURES,
)
from insights.weeks import week_start, whole_weeks
from programs.models import RubricCriterion

# --- KPI trends ----------------------------------------------------------------------------


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
