"""The leading indicator: does a week's rubric average move the next weeks' CSAT?"""

import datetime

from insights import figures
from insights.reports.common import Scope
from insights.reports.trends import weekly_kpis

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
