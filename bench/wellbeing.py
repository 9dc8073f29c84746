"""Benchmark: HR's exposure and recovery by team and week (GET /api/wellbeing/exposure/
teams/) over 5,000 agents in three time zones and 1,000,000 interactions (the insights
benchmark's data, with intensities), against one SQL query computing the same cells."""

import random

from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from bench.__main__ import Result, median_time
from bench.insights import SEED, _agents, _copy_interactions
from bench.interactions import _empty_interactions
from wellbeing import exposure

ZONES = ("Europe/London", "America/New_York", "Asia/Kolkata")

# The cells of exposure.team_exposure_by_week over the source tables: each agent's
# contacts grouped by their own calendar day, then by team and ISO week; recovery gaps
# from the end of each high-intensity contact to the agent's next contact.
EXPOSURE_SQL = """
WITH people AS (
    SELECT u.id, t.name AS team, u.time_zone AS tz
    FROM accounts_user u JOIN accounts_team t ON t.id = u.team_id
    WHERE u.role = 'agent'
),
days AS (
    SELECT p.team, i.agent_id, (i.occurred_at AT TIME ZONE p.tz)::date AS day,
           count(*) FILTER (WHERE i.intensity = 'high') AS high
    FROM insights_interaction i JOIN people p ON p.id = i.agent_id
    WHERE i.occurred_at >= %(start)s AND i.occurred_at < %(end)s
    GROUP BY 1, 2, 3
),
weeks AS (
    SELECT team, to_char(day, 'IYYY-"W"IW') AS week, count(DISTINCT agent_id) AS agents,
           sum(high) AS high
    FROM days GROUP BY 1, 2
),
contacts AS (
    SELECT i.agent_id, i.occurred_at,
           lag(i.intensity) OVER w AS previous_intensity,
           lag(i.occurred_at) OVER w AS previous_at,
           lag(i.occurred_at) OVER w
               + make_interval(secs => coalesce(lag(i.handle_seconds) OVER w, 0)) AS ended_at
    FROM insights_interaction i
    WHERE i.agent_id IN (SELECT id FROM people)
      AND i.occurred_at >= %(start)s AND i.occurred_at < %(end)s + interval '1 day'
    WINDOW w AS (PARTITION BY i.agent_id ORDER BY i.occurred_at, i.id)
),
gaps AS (
    SELECT p.team, c.agent_id,
           to_char((c.ended_at AT TIME ZONE p.tz)::date, 'IYYY-"W"IW') AS week,
           greatest(c.occurred_at - c.ended_at, interval '0') < interval '10 minutes' AS short
    FROM contacts c JOIN people p ON p.id = c.agent_id
    WHERE c.previous_intensity = 'high' AND c.previous_at < %(end)s
),
gap_weeks AS (
    SELECT team, week, count(DISTINCT agent_id) AS gap_agents, count(*) AS gaps,
           count(*) FILTER (WHERE short) AS short
    FROM gaps GROUP BY 1, 2
)
SELECT team, week, coalesce(w.agents, 0), coalesce(w.high, 0), coalesce(g.gap_agents, 0),
       coalesce(g.gaps, 0), coalesce(g.short, 0)
FROM weeks w FULL JOIN gap_weeks g USING (team, week)
ORDER BY team, week
"""


def _build() -> User:
    """The insights benchmark's agents and interactions; agents spread over three time
    zones; a contact is high-intensity when escalated, medium when the customer was
    unhappy, low otherwise (the import's rules in spirit, set here in one UPDATE)."""
    _empty_interactions()
    now = timezone.now()
    rng = random.Random(SEED)
    agents = _agents(rng, now.date())
    _copy_interactions(rng, agents, now)
    with connection.cursor() as cursor:
        for n, zone in enumerate(ZONES):
            cursor.execute(
                "UPDATE accounts_user SET time_zone = %s WHERE role = 'agent' AND id %% 3 = %s",
                [zone, n],
            )
        cursor.execute(
            "UPDATE insights_interaction SET intensity = CASE WHEN escalated THEN 'high' "
            "WHEN csat <= 2 THEN 'medium' ELSE 'low' END"
        )
        cursor.execute("VACUUM (ANALYZE) insights_interaction, accounts_user")
    return User.objects.create_user("hr@exposure.bench.example", role="hr")


def wellbeing_exposure(*, repeat: int) -> Result:
    """The HR request against EXPOSURE_SQL over the same four weeks; the response's cells
    (those shown) are checked against the SQL's."""
    hr = _build()
    client = APIClient()
    client.force_authenticate(hr)
    now = timezone.now()
    start, end = exposure.period(now=now)
    last = {}

    def request():
        last["response"] = client.get("/api/wellbeing/exposure/teams/")

    def raw():
        with connection.cursor() as cursor:
            last["raw"] = cursor.execute(EXPOSURE_SQL, {"start": start, "end": end}).fetchall()

    attune = median_time(request, repeat=repeat)
    baseline = median_time(raw, repeat=repeat)
    response = last["response"]
    assert response.status_code == 200, response.status_code
    rows = response.json()["rows"]
    # The request's four weeks end a moment later than the SQL's: compare the weeks both
    # read in full (all but the first and the last).
    weeks = sorted({row["week"] for row in rows})[1:-1]
    shown = {
        (row["team"], row["week"]): (row["agents"], row["high_intensity_contacts"])
        for row in rows
        if row["week"] in weeks
    }
    expected = {
        (team, week): (agents, high)
        for team, week, agents, high, *_ in last["raw"]
        if week in weeks
    }
    assert shown == expected, "the request's cells differ from the SQL's"
    gaps = {
        (row["team"], row["week"]): row["recovery_gaps"]
        for row in rows
        if row["week"] in weeks and row["recovery_gaps"] is not None
    }
    raw_gaps = {(team, week): n for team, week, _a, _h, _g, n, _s in last["raw"]}
    assert gaps == {cell: raw_gaps[cell] for cell in gaps}, "the recovery gaps differ"
    return Result("wellbeing_exposure", attune, baseline, len(rows))
