"""Retention after training: Kaplan-Meier curves from the landmark, trained or not."""

import datetime
import math
from collections import Counter, defaultdict

from django.utils import timezone

from insights import figures
from insights.reports.common import LANDMARK_DAYS, MIN_GROUP, RISK_POINTS_DAYS, Scope, _suppress
from insights.retention import FOLLOWED, landmark_rows

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
