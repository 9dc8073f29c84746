"""Benchmark: the HR insight endpoints over 5,000 agents, 1,000,000 interactions and
500,000 rubric scores, each request (through DRF) against raw SQL computing the same
aggregates in the same run."""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from accounts.models import Team, User
from bench.__main__ import Result, median_time
from bench.cohorts import BEFORE_START, START, _program
from bench.interactions import CHANNELS, SOURCE, _empty_interactions
from cohorts import services
from cohorts.models import Cohort, Enrollment, Experiment
from cohorts.services.scores import rubric_score_weeks_rebuild
from insights.interaction_weeks import interaction_weeks_rebuild
from insights.reports import MIN_GROUP

AGENTS = 5_000
TEAM_SIZE = 50
COHORTS = 100  # of AGENTS // COHORTS agents each
COMPLETED_COHORTS = 40  # their enrolments are completed: the "trained" group of retention
INTERACTIONS = 1_000_000
SCORES = 500_000
WEEKS = 26
SEED = 20270104
CSAT = (1, 2, 3, 3, 4, 4, 4, 5, 5, 5)
NPS = (0, 2, 4, 5, 6, 7, 7, 8, 8, 9, 9, 9, 10, 10)

# --- Baseline SQL --------------------------------------------------------------------------
# Each baseline computes the aggregates its endpoint reports, no more: resolved and
# resolution_seconds join KPI_COLUMNS and EXPERIMENT_SQL when the reports use them.

# The aggregates the KPI report computes (insights.reports.INTERACTION_AGGREGATES): per
# metric its values, its successes or sum (and sum of squares for means), and the agents
# behind it; the names match the report's raw rows.
KPI_COLUMNS = """count(*) AS interactions, count(DISTINCT i.agent_id) AS agents,
    count(i.csat) AS csat_n, count(*) FILTER (WHERE i.csat >= 4) AS csat_satisfied,
    count(DISTINCT i.agent_id) FILTER (WHERE i.csat IS NOT NULL) AS csat_agents,
    sum(i.csat::float) AS csat_sum, sum(i.csat::float * i.csat) AS csat_sumsq,
    count(i.nps) AS nps_n, count(*) FILTER (WHERE i.nps >= 9) AS promoters,
    count(*) FILTER (WHERE i.nps <= 6) AS detractors,
    count(DISTINCT i.agent_id) FILTER (WHERE i.nps IS NOT NULL) AS nps_agents,
    count(i.understood) AS understood_n, sum(i.understood::float) AS understood_sum,
    sum(i.understood::float * i.understood) AS understood_sumsq,
    count(DISTINCT i.agent_id) FILTER (WHERE i.understood IS NOT NULL) AS understood_agents,
    count(i.handle_seconds) AS aht_n, sum(i.handle_seconds::float) AS aht_sum,
    sum(i.handle_seconds::float * i.handle_seconds) AS aht_sumsq,
    count(DISTINCT i.agent_id) FILTER (WHERE i.handle_seconds IS NOT NULL) AS aht_agents,
    count(i.escalated) AS escalation_n, count(*) FILTER (WHERE i.escalated) AS escalated,
    count(DISTINCT i.agent_id) FILTER (WHERE i.escalated IS NOT NULL) AS escalation_agents,
    count(i.resolved_first_contact) AS fcr_n,
    count(*) FILTER (WHERE i.resolved_first_contact) AS fcr,
    count(DISTINCT i.agent_id) FILTER (WHERE i.resolved_first_contact IS NOT NULL)
        AS fcr_agents,
    count(i.repeat_contact) AS repeat_n, count(*) FILTER (WHERE i.repeat_contact) AS repeats,
    count(DISTINCT i.agent_id) FILTER (WHERE i.repeat_contact IS NOT NULL) AS repeat_agents,
    count(i.resolution_seconds) AS resolution_n,
    sum(i.resolution_seconds::float) AS resolution_sum,
    sum(i.resolution_seconds::float * i.resolution_seconds) AS resolution_sumsq,
    count(DISTINCT i.agent_id) FILTER (WHERE i.resolution_seconds IS NOT NULL)
        AS resolution_agents,
    count(*) FILTER (WHERE i.escalated AND i.resolved IS NOT NULL) AS converted_n,
    count(*) FILTER (WHERE i.escalated AND i.resolved) AS converted,
    count(DISTINCT i.agent_id) FILTER (WHERE i.escalated AND i.resolved IS NOT NULL)
        AS converted_agents"""

KPI_WEEKLY_SQL = f"""
SELECT date_trunc('week', i.occurred_at), {KPI_COLUMNS}
FROM insights_interaction i JOIN accounts_user u ON u.id = i.agent_id
WHERE u.role = 'agent'
GROUP BY 1 ORDER BY 1
"""

KPI_WINDOW_SQL = f"""
SELECT {KPI_COLUMNS}
FROM insights_interaction i JOIN accounts_user u ON u.id = i.agent_id
WHERE u.role = 'agent' AND i.occurred_at >= %(start)s AND i.occurred_at < %(end)s
"""

RUBRIC_WEEKLY_SQL = """
SELECT date_trunc('week', s.scored_at), sum(s.percent), count(*), count(DISTINCT s.subject_id)
FROM cohorts_rubricscore s JOIN accounts_user u ON u.id = s.subject_id
WHERE u.role = 'agent' AND s.context <> 'calibration'
GROUP BY 1 ORDER BY 1
"""

FUNNEL_SQL = """
WITH workshops AS (
    SELECT cohort_id, count(*) AS total FROM cohorts_scheduleitem
    WHERE kind = 'workshop' AND NOT cancelled GROUP BY cohort_id
),
attended AS (
    SELECT a.enrollment_id, count(*) AS n
    FROM cohorts_attendance a
    JOIN cohorts_enrollment e ON e.id = a.enrollment_id
    JOIN cohorts_scheduleitem i ON i.id = a.item_id AND i.cohort_id = e.cohort_id
    WHERE a.attended AND i.kind = 'workshop' AND NOT i.cancelled
    GROUP BY 1
),
modules AS (
    SELECT p.enrollment_id, array_agg(DISTINCT i.module_id) AS done
    FROM cohorts_moduleprogress p JOIN cohorts_scheduleitem i ON i.id = p.item_id
    WHERE p.prework_done_at IS NOT NULL AND p.practice_attended_at IS NOT NULL
    GROUP BY 1
),
certified AS (
    SELECT enrollment_id, max(decided_at) AS decided_at
    FROM certification_certificationdecision WHERE revoked_at IS NULL GROUP BY 1
)
SELECT e.id, c.name, e.status, coalesce(a.n, 0), coalesce(w.total, 0), m.done,
    d.decided_at, d.decided_at - e.enrolled_at
FROM cohorts_enrollment e
JOIN cohorts_cohort c ON c.id = e.cohort_id
LEFT JOIN workshops w ON w.cohort_id = e.cohort_id
LEFT JOIN attended a ON a.enrollment_id = e.id
LEFT JOIN modules m ON m.enrollment_id = e.id
LEFT JOIN certified d ON d.enrollment_id = e.id
ORDER BY e.id
"""

# Landmark retention (insights.reports.retention): enrolled agents followed from 90 days
# after day 1 of their first cohort, if still employed then, trained if certified or
# completed by then.
RETENTION_SQL = """
WITH first_day AS (
    SELECT e.agent_id, min(c.start_date) + 90 AS landmark
    FROM cohorts_enrollment e JOIN cohorts_cohort c ON c.id = e.cohort_id
    GROUP BY 1
),
trained AS (
    SELECT agent_id, min(at) AS at FROM (
        SELECT agent_id, status_changed_at AS at FROM cohorts_enrollment
        WHERE status = 'completed'
        UNION ALL
        SELECT agent_id, decided_at FROM certification_certificationdecision
        WHERE revoked_at IS NULL
    ) t GROUP BY 1
),
marked AS (
    SELECT u.id, greatest(f.landmark, coalesce(u.hired_on, f.landmark)) AS landmark,
        u.left_on, t.at
    FROM first_day f JOIN accounts_user u ON u.id = f.agent_id
    LEFT JOIN trained t ON t.agent_id = u.id
)
SELECT id, coalesce(at::date <= landmark, false),
    least(coalesce(left_on, %(as_of)s), %(as_of)s) - landmark,
    coalesce(left_on <= %(as_of)s, false)
FROM marked
WHERE landmark <= %(as_of)s AND (left_on IS NULL OR left_on > landmark)
ORDER BY id
"""

# The A/B result at the agent level: each agent's figures over the window, then per group
# the number of agents with data and the mean and variance of their figures.
EXPERIMENT_SQL = """
WITH per_agent AS (
    SELECT a."group",
        100.0 * count(*) FILTER (WHERE i.csat >= 4) / nullif(count(i.csat), 0) AS satisfied,
        avg(i.csat) AS csat,
        100.0 * (count(*) FILTER (WHERE i.nps >= 9) - count(*) FILTER (WHERE i.nps <= 6))
            / nullif(count(i.nps), 0) AS nps,
        avg(i.handle_seconds) AS aht,
        100.0 * count(*) FILTER (WHERE i.escalated) / nullif(count(i.escalated), 0) AS esc,
        100.0 * count(*) FILTER (WHERE i.resolved_first_contact)
            / nullif(count(i.resolved_first_contact), 0) AS fcr,
        count(*) AS interactions
    FROM cohorts_experimentassignment a
    JOIN insights_interaction i ON i.agent_id = a.agent_id
    WHERE a.experiment_id = %(experiment)s
      AND i.occurred_at >= %(start)s AND i.occurred_at < %(end)s
    GROUP BY a."group", a.agent_id
)
SELECT "group", count(satisfied), avg(satisfied), var_samp(satisfied),
    count(csat), avg(csat), var_samp(csat), count(nps), avg(nps), var_samp(nps),
    count(aht), avg(aht), var_samp(aht), count(esc), avg(esc), var_samp(esc),
    count(fcr), avg(fcr), var_samp(fcr), sum(interactions)
FROM per_agent GROUP BY 1 ORDER BY 1
"""


def _fetch(sql: str, params: dict | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        return cursor.execute(sql, params).fetchall()


# --- Data ----------------------------------------------------------------------------------


@dataclass
class Data:
    now: datetime.datetime
    agents: list[int]
    hr: User
    experiment: Experiment


def _build() -> Data:
    """Agents, cohorts (started, with some attendance and modules), interactions, scores
    and an experiment. Interactions left by the import benchmark are removed first."""
    _empty_interactions()
    now = timezone.now()
    rng = random.Random(SEED)
    program = _program(coaching_weeks=5)
    manager = User.objects.create_user("manager@insights.bench.example", role="manager")
    hr = User.objects.create_user("hr@insights.bench.example", role="hr")
    agents = _agents(rng, now.date())
    cohorts = _cohorts(program, agents)
    _copy_interactions(rng, agents, now)
    # COPY bypasses the writers that keep the weekly rollups current: built as after any
    # load in SQL (the command rebuild_interaction_weeks).
    interaction_weeks_rebuild()
    _copy_scores(rng, agents, program.rubric_id, manager.pk, now)
    rubric_score_weeks_rebuild()
    experiment = services.experiment_create(
        name="Bench experiment",
        cohort=cohorts[-1],
        window_start=now - datetime.timedelta(days=30),
        window_end=now,
        seed=SEED,
        created_by=manager,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM (ANALYZE) insights_interaction, insights_interactionweek, "
            "cohorts_rubricscore, cohorts_rubricscoreweek, accounts_user, cohorts_enrollment, "
            "cohorts_attendance, cohorts_moduleprogress"
        )
    return Data(now, agents, hr, experiment)


def _agents(rng: random.Random, today: datetime.date) -> list[int]:
    """AGENTS agents in teams of TEAM_SIZE, hired over three years, 15% of them gone."""
    teams = Team.objects.bulk_create(
        Team(name=f"Insights team {n}") for n in range(AGENTS // TEAM_SIZE)
    )
    users = []
    for n in range(AGENTS):
        hired = today - datetime.timedelta(days=rng.randrange(3 * 365))
        left = None
        if rng.random() < 0.15:
            left = hired + datetime.timedelta(days=rng.randint(1, max((today - hired).days, 1)))
        users.append(
            User(
                email=f"agent-{n}@insights.bench.example",
                display_name=f"Agent {n}",
                role=User.Role.AGENT,
                team=teams[n % len(teams)],
                hired_on=hired,
                left_on=left,
            )
        )
    return [user.pk for user in User.objects.bulk_create(users)]


def _cohorts(program, agents: list[int]) -> list[Cohort]:
    """COHORTS started cohorts splitting the agents; the first COMPLETED_COHORTS completed."""
    cohorts = Cohort.objects.bulk_create(
        Cohort(program=program, name=f"Insights {n}", start_date=START, time_zone="UTC")
        for n in range(COHORTS)
    )
    size = len(agents) // COHORTS
    Enrollment.objects.bulk_create(
        Enrollment(cohort=cohorts[n // size], program=program, agent_id=agent)
        for n, agent in enumerate(agents)
    )
    for cohort in cohorts:
        services.cohort_start(cohort=cohort, now=BEFORE_START)
    ids = [cohort.pk for cohort in cohorts]
    _record_progress(ids)
    Enrollment.objects.filter(cohort__in=ids[:COMPLETED_COHORTS]).update(
        status=Enrollment.Status.COMPLETED
    )
    # Retention follows agents from 90 days after day 1: move day 1 into the past (a week
    # apart, the latest 97 days ago) and the completions to day 80, so that every landmark
    # has passed and the completed cohorts were trained by theirs. The schedule stays.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cohorts_cohort SET start_date = current_date - (97 + 7 * (id - %s))::int "
            "WHERE id = ANY(%s)",
            [min(ids), ids],
        )
        cursor.execute(
            "UPDATE cohorts_enrollment e SET status_changed_at = c.start_date + 80 "
            "FROM cohorts_cohort c WHERE c.id = e.cohort_id AND e.status = 'completed' "
            "AND c.id = ANY(%s)",
            [ids],
        )
    return cohorts


def _record_progress(cohort_ids: list[int]) -> None:
    """Attendance at most workshops and most modules completed, written in SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cohorts_attendance (enrollment_id, item_id, attended, recorded_at) "
            "SELECT e.id, i.id, (e.id + i.id) %% 4 <> 0, now() FROM cohorts_enrollment e "
            "JOIN cohorts_scheduleitem i ON i.cohort_id = e.cohort_id AND i.kind = 'workshop' "
            "WHERE e.cohort_id = ANY(%s)",
            [cohort_ids],
        )
        cursor.execute(
            "INSERT INTO cohorts_moduleprogress (enrollment_id, item_id, prework_done_at, "
            "practice_attended_at) "
            "SELECT e.id, i.id, now(), CASE WHEN (e.id + i.id) %% 3 <> 0 THEN now() END "
            "FROM cohorts_enrollment e "
            "JOIN cohorts_scheduleitem i ON i.cohort_id = e.cohort_id AND i.kind = 'module' "
            "WHERE e.cohort_id = ANY(%s) AND (7 * e.id + i.id) %% 5 <> 0",
            [cohort_ids],
        )


def _copy_interactions(rng: random.Random, agents: list[int], now: datetime.datetime) -> None:
    """INTERACTIONS interactions over the last WEEKS weeks; CSAT and NPS only where the
    customer answered the survey, the other metrics always (a resolution time where the
    contact was resolved)."""
    span = WEEKS * 7 * 86_400
    second = datetime.timedelta(seconds=1)
    columns = (
        "source, external_id, channel, agent_id, occurred_at, csat, nps, understood, "
        "handle_seconds, escalated, resolved_first_contact, repeat_contact, resolved, "
        "resolution_seconds, imported_at"
    )
    choice, rand, randrange = rng.choice, rng.random, rng.randrange
    # The resolution is drawn from a generator of its own, so that every other value (and
    # the scores drawn from `rng` afterwards) stays what it was before these columns.
    resolution = _resolution_drawer(random.Random(SEED + 1))
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY insights_interaction ({columns}) FROM STDIN") as copy,
    ):
        for n in range(INTERACTIONS):
            surveyed = rand() < 0.4
            row = (
                SOURCE,
                f"insights-{n}",
                choice(CHANNELS),
                choice(agents),
                now - randrange(span) * second,
                choice(CSAT) if surveyed else None,
                choice(NPS) if surveyed and rand() < 0.6 else None,
                randrange(1, 11) if surveyed else None,
                60 + randrange(1500),
                rand() < 0.08,
                rand() < 0.72,
                rand() < 0.1,
            )
            copy.write_row((*row, *resolution(row[8], row[9], row[10]), now))


def _resolution_drawer(rng: random.Random) -> Callable[[int, bool, bool], tuple]:
    """(resolved, resolution_seconds) of a contact from its handle time, escalation and
    first-contact resolution: a first-contact resolution within half an hour of handling;
    85% of escalations and 90% of the other contacts after a few hours; the rest open."""
    rand, randrange = rng.random, rng.randrange

    def resolution(handle_seconds: int, escalated: bool, first_contact: bool) -> tuple:
        if first_contact:
            return True, handle_seconds + randrange(1800)
        if escalated:
            return (True, randrange(2 * 3600, 9 * 3600)) if rand() < 0.85 else (False, None)
        return (True, randrange(3600, 6 * 3600)) if rand() < 0.9 else (False, None)

    return resolution


def _copy_scores(rng, agents: list[int], rubric: int, scorer: int, now) -> None:
    """SCORES QA scores of the agents by one manager over the same weeks."""
    span = WEEKS * 7 * 86_400
    second = datetime.timedelta(seconds=1)
    columns = (
        "rubric_id, scorer_id, subject_id, context, observed, values, percent, "
        "interaction_ref, feedback, comments, strength, next_step, scored_at, created_at"
    )
    choice, randrange = rng.choice, rng.randrange
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY cohorts_rubricscore ({columns}) FROM STDIN") as copy,
    ):
        for _ in range(SCORES):
            percent = randrange(4000, 10001)
            copy.write_row(
                (
                    rubric,
                    scorer,
                    choice(agents),
                    "qa",
                    "interaction",
                    "{}",
                    f"{percent // 100}.{percent % 100:02d}",
                    "",
                    "",
                    "{}",  # no comments, strength or next step: bare QA scores
                    "",
                    "",
                    now - randrange(span) * second,
                    now,
                )
            )


# --- Endpoints -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One URL, its raw-SQL baseline, and a check of the report against the baseline's
    result that returns the number of rows the endpoint reads or reports."""

    name: str
    url: str
    baseline: Callable[[], object]
    check: Callable[[dict, object], int]


def _kpi_baseline(now: datetime.datetime) -> tuple:
    window = {"start": now - datetime.timedelta(days=30), "end": now}
    return _fetch(KPI_WEEKLY_SQL), _fetch(RUBRIC_WEEKLY_SQL), _fetch(KPI_WINDOW_SQL, window)


def _check_kpis(report: dict, raw: tuple) -> int:
    weekly, rubric, window = raw
    by_week = {row[0].date().isoformat(): row for row in weekly}
    scored_weeks = {row[0].date().isoformat() for row in rubric}
    weeks = report["figures"]["weeks"]
    for week in weeks:
        row = by_week.get(week["week"])
        if row is None:  # a week with rubric scores and no interactions
            assert week["interactions"] is None, week
        elif week["interactions"] is None:  # withheld from HR: too few agents that week
            assert row[2] < MIN_GROUP, (week, row[:3])
        else:
            assert week["interactions"] == row[1], (week, row[:3])
    assert sum(row[1] for row in weekly) == INTERACTIONS, len(weekly)
    assert {week["week"] for week in weeks} == by_week.keys() | scored_weeks
    latest = report["figures"]["comparison"]["latest_30_days"]
    assert latest["agents"] == window[0][1], (latest, window)
    scored_by_week = {row[0].date().isoformat(): row for row in rubric}
    scored = 0
    for row in report["rows"]:
        if row["rubric_n"] is not None:
            scored += row["rubric_n"]
        elif row["week"] in scored_by_week:  # withheld from HR: too few agents scored
            assert scored_by_week[row["week"]][3] < MIN_GROUP, row["week"]
            scored += scored_by_week[row["week"]][2]
    assert scored == sum(row[2] for row in rubric) == SCORES, scored
    return INTERACTIONS


def _leading_baseline() -> tuple:
    return _fetch(KPI_WEEKLY_SQL), _fetch(RUBRIC_WEEKLY_SQL)


def _check_leading(report: dict, raw: tuple) -> int:
    weekly, rubric = raw
    # columns: week, interactions, agents, csat_n, csat_satisfied, ...
    csat = {row[0].date().isoformat(): round(100 * row[4] / row[3], 4) for row in weekly}
    scores = {row[0].date().isoformat(): round(float(row[1]) / row[2], 2) for row in rubric}
    agents = {row[0].date().isoformat(): row[2] for row in weekly}
    for row in report["rows"]:
        week = row["week"]
        if row["csat_satisfied_percent"] is None and week in csat:
            assert agents[week] < MIN_GROUP, (row, agents[week])  # withheld from HR
        else:
            assert row["csat_satisfied_percent"] == csat.get(week), (row, csat.get(week))
        scored_agents = {r[0].date().isoformat(): r[3] for r in rubric}
        if row["rubric_percent"] is None and week in scores:
            assert scored_agents[week] < MIN_GROUP, (row, scored_agents[week])  # withheld
        else:
            assert row["rubric_percent"] == scores.get(week), (row, scores.get(week))
    assert len(report["rows"]) == len(csat.keys() | scores.keys()), len(report["rows"])
    return sum(row[1] for row in weekly)


def _check_funnel(report: dict, raw: list) -> int:
    figures = report["figures"]
    complete = sum(1 for row in raw if row[4] and row[3] == row[4])
    assert figures["enrolled"] == len(raw), (figures["enrolled"], len(raw))
    assert figures["attended_all_workshops"] == complete, (figures, complete)
    done = sum(len(row[5] or ()) for row in raw)
    assert sum(m["completed"] for m in figures["modules"]) == done, (figures["modules"], done)
    return len(raw)


def _check_retention(report: dict, raw: list) -> int:
    groups = report["figures"]["groups"]
    for name, trained in (("trained", True), ("untrained", False)):
        mine = [row for row in raw if row[1] == trained]
        assert groups[name]["agents"] == len(mine), (name, groups[name]["agents"], len(mine))
        assert groups[name]["leavers"] == sum(row[3] for row in mine), name
        assert groups[name]["follow_up_days"] == sum(row[2] for row in mine), name
    assert sum(row["agents"] for row in report["rows"]) == len(raw), report["rows"]
    return len(raw)


def _check_experiment(report: dict, raw: list) -> int:
    stats = {(row["group"], row["metric"]): row for row in report["rows"]}
    metrics = ["csat_satisfied_percent", "csat_mean", "nps", "aht_seconds",
               "escalation_percent", "fcr_percent"]  # fmt: skip
    for group, *columns, _ in raw:
        for index, metric in enumerate(metrics):
            agents, mean, variance = columns[3 * index : 3 * index + 3]
            row = stats[group, metric]
            assert row["agents"] == agents, (group, metric, row, agents)
            assert abs(row["mean"] - float(mean)) < 1e-6, (group, metric, row, mean)
            assert abs(row["variance"] - float(variance)) < 1e-6 * max(1, float(variance))
    return sum(row[-1] for row in raw)


def _endpoints(data: Data) -> list[Endpoint]:
    experiment = data.experiment
    as_of = timezone.localdate()
    window = {
        "experiment": experiment.pk,
        "start": experiment.window_start,
        "end": experiment.window_start + datetime.timedelta(days=30),
    }
    return [
        Endpoint("kpis", "/api/insights/kpis/", lambda: _kpi_baseline(data.now), _check_kpis),
        Endpoint(
            "leading-indicator",
            "/api/insights/leading-indicator/",
            _leading_baseline,
            _check_leading,
        ),
        Endpoint("funnel", "/api/insights/funnel/", lambda: _fetch(FUNNEL_SQL), _check_funnel),
        Endpoint(
            "retention",
            "/api/insights/retention/",
            lambda: _fetch(RETENTION_SQL, {"as_of": as_of}),
            _check_retention,
        ),
        Endpoint(
            "experiment",
            f"/api/experiments/{experiment.pk}/result/",
            lambda: _fetch(EXPERIMENT_SQL, window),
            _check_experiment,
        ),
    ]


# Untimed runs of each side of an endpoint after its first. A request of a few
# milliseconds kept getting faster over its first ten or so runs in a fresh process (the
# A/B result: 12.7, 5.5, 4.4, 4.2, 3.9, 3.7, 3.8, 3.6, 3.5 ms, then 3.2-3.6), as CPython
# specialises each function's bytecode once it has run a few times and psycopg prepares
# the statements it has been asked to; the bare SQL settled after three or four runs (6.0,
# 3.7, 3.0, then 2.5-2.9 ms). A gunicorn worker answers thousands of requests: the
# steady state is what a reader waits for. Both sides get the same runs.
WARM_UP = 10


def _measure(client, endpoint: Endpoint, repeat: int) -> Result:
    """Time the request and the baseline, after one untimed run of each; check the last
    response against the last baseline result."""
    last = {}

    def request():
        last["response"] = client.get(endpoint.url)
        last["report"] = last["response"].json()

    def raw():
        last["raw"] = endpoint.baseline()

    # Whichever side ran first read the rows from disk and loaded PostgreSQL's caches for
    # the other, and the request paid the process's first calls (scipy's among them): with
    # --repeat 1 the request paid that alone (the A/B result's first request took 60 ms,
    # its next ones 15, on a loaded machine). Both sides then run WARM_UP times more,
    # untimed, as a server's worker has before most of its requests: see WARM_UP.
    for _ in range(1 + WARM_UP):
        request()
        raw()
    attune = median_time(request, repeat=repeat)
    baseline = median_time(raw, repeat=repeat)
    status = last["response"].status_code
    assert status == 200, (endpoint.url, status, last["report"])
    # The timed requests answer figures only; the check also reads the raw rows.
    separator = "&" if "?" in endpoint.url else "?"
    checked = client.get(f"{endpoint.url}{separator}include=rows").json()
    rows = endpoint.check(checked, last["raw"])
    result = Result(f"insights/{endpoint.name}", attune, baseline, rows)
    print(result.line(), flush=True)
    return result


def _page_baseline(data: Data) -> tuple:
    """The SQL of the page's figures over the source tables: the weekly and latest-30-days
    KPIs over the interactions (the leading indicator is made of the same weekly figures),
    the funnel, retention and the A/B result. The page reads the weekly KPIs from the
    weekly rollup (insights.InteractionWeek) instead, so it can be faster than this."""
    experiment = data.experiment
    window = {
        "experiment": experiment.pk,
        "start": experiment.window_start,
        "end": experiment.window_start + datetime.timedelta(days=30),
    }
    return (
        _kpi_baseline(data.now),
        _fetch(FUNNEL_SQL),
        _fetch(RETENTION_SQL, {"as_of": timezone.localdate()}),
        _fetch(EXPERIMENT_SQL, window),
    )


def _measure_page(data: Data, repeat: int) -> Result:
    """The HR insights page (/insights/ with the experiment chosen) through Django's test
    client, signed in as HR, against the raw SQL of its figures; checks that the page shows
    the enrolled count and the A/B result (the KPI endpoint's check compares the weekly and
    30-day figures, read from the same rollup, with the raw SQL)."""
    from django.test import Client

    from insights.charts import format_number

    client = Client()
    client.force_login(data.hr)
    url = f"/insights/?experiment={data.experiment.pk}"
    last = {}

    def request():
        last["response"] = client.get(url)

    def raw():
        last["raw"] = _page_baseline(data)

    attune = median_time(request, repeat=repeat)
    baseline = median_time(raw, repeat=repeat)
    response = last["response"]
    assert response.status_code == 200, (url, response.status_code)
    page = response.content.decode()
    enrolled = len(last["raw"][1])
    assert f">{format_number(enrolled)}<" in page, "the funnel's enrolled count is missing"
    assert "Difference in CSAT" in page, "the A/B result is missing"
    result = Result("insights/page", attune, baseline, INTERACTIONS)
    print(
        f"insights/page: {1000 * attune:.0f} ms (the raw SQL of its figures "
        f"{1000 * baseline:.0f} ms)",
        flush=True,
    )
    print(result.line(), flush=True)
    return result


def insights(*, repeat: int) -> Result:
    """GET each HR insight endpoint without filters (all agents), and the HR page, against
    raw SQL giving the aggregates it needs; the result sums the times over the parts."""
    from rest_framework.test import APIClient

    data = _build()
    client = APIClient()
    client.force_authenticate(data.hr)
    client.get("/api/insights/retention/")  # untimed: loads the URLconf, views and DRF once
    results = [_measure(client, endpoint, repeat) for endpoint in _endpoints(data)]
    results.append(_measure_page(data, repeat))
    return Result(
        "insights",
        sum(r.attune for r in results),
        sum(r.baseline for r in results),
        INTERACTIONS,
    )
