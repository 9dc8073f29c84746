"""Growth: what a user's requests cost when everybody else's data grows tenfold.

`build(scale)` lays out one cohort of 500 x scale agents (started, pairs drawn, some
progress), a manager who facilitates it, coaches with a review queue of the same size at
every scale, 100,000 x scale interactions and 50,000 x scale rubric scores (so each agent
has as much history at every scale). The `growth` benchmark times each endpoint and page
at 1x and 10x and prints the ratio 10x / 1x with the query counts: an agent's plan and a
coach's queue should stay flat (their own data does not grow), the manager's paged
sections and lists nearly so. Data is built once per database: each benchmark runs in its
own copy of the migrated database (bench/__main__.py), so `my_plan`, `cohort_progress` and
`lists` each build what they read.
"""

import datetime
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import time_machine
from django.db import connection
from django.db.models import Q
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from bench.__main__ import Result
from bench.cohorts import _cohort, _program
from bench.insights import _record_progress
from cohorts.models import CoachingPair, Enrollment
from cohorts.services.scores import rubric_score_weeks_rebuild
from insights.interaction_weeks import interaction_weeks_rebuild
from reviews.models import ReviewPlan

AGENTS = 500  # at 1x
INTERACTIONS = 100_000  # at 1x: 200 an agent
SCORES = 50_000  # at 1x: 100 an agent
QUEUE = 25  # review assignments per coach, at every scale
# Day 48 of the cohort: coaching week 3 is under way, much is due.
NOW = datetime.datetime(2027, 2, 20, 15, tzinfo=datetime.UTC)
SPAN_SECONDS = 26 * 7 * 86_400


@dataclass
class Data:
    scale: int
    cohort: object
    manager: User
    agent: User  # the first agent by name, who has coaching partners
    coach: User


_built: dict[tuple[str, int], Data] = {}


def build(scale: int) -> Data:
    """The data of one scale, built once per database (a benchmark's copy is dropped after
    it, and with it what was built there)."""
    key = (connection.settings_dict["NAME"], scale)
    if key not in _built:
        _built[key] = _build(scale)
    return _built[key]


def _build(scale: int) -> Data:
    began = time.perf_counter()
    tag = f"growth{scale}"
    program = _program(coaching_weeks=4, tag=tag)
    cohort = _cohort(program, agents=AGENTS * scale, tag=tag)
    manager = User.objects.create_user(f"manager@{tag}.example", role="manager")
    cohort.facilitators.add(manager)
    _record_progress([cohort.pk])
    CoachingPair.objects.filter(cohort=cohort, week__in=(1, 2)).update(session="held")
    agents = list(
        cohort.enrollments.order_by("agent__display_name", "agent__email").values_list(
            "agent_id", flat=True
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO insights_interaction (source, external_id, channel, agent_id, "
            "occurred_at, csat, handle_seconds, escalated, imported_at) "
            "SELECT %(source)s, n::text, (ARRAY['call','chat','email','other'])[1 + n %% 4], "
            "(%(agents)s::bigint[])[1 + n %% %(many)s], "
            "%(now)s - (n::bigint * 7919 %% %(span)s) * interval '1 second', 1 + n %% 5, "
            "60 + n %% 1500, n %% 12 = 0, now() FROM generate_series(0, %(count)s - 1) n",
            {
                "source": tag,
                "agents": agents,
                "many": len(agents),
                "now": NOW,
                "span": SPAN_SECONDS,
                "count": INTERACTIONS * scale,
            },
        )
        cursor.execute(
            "INSERT INTO cohorts_rubricscore (rubric_id, scorer_id, subject_id, context, "
            "observed, values, percent, cohort_id, interaction_ref, feedback, comments, "
            "strength, next_step, scored_at, created_at) "
            "SELECT %(rubric)s, %(scorer)s, (%(agents)s::bigint[])[1 + n %% %(many)s], 'qa', "
            "'interaction', '{}', 40 + n %% 60, %(cohort)s, '', '', '{}', '', '', "
            "%(now)s - (n::bigint * 7919 %% %(span)s) * interval '1 second', now() "
            "FROM generate_series(0, %(count)s - 1) n",
            {
                "rubric": program.rubric_id,
                "scorer": manager.pk,
                "agents": agents,
                "many": len(agents),
                "cohort": cohort.pk,
                "now": NOW,
                "span": SPAN_SECONDS,
                "count": SCORES * scale,
            },
        )
    # The inserts bypass the writers that keep the weekly rollups current.
    interaction_weeks_rebuild()
    rubric_score_weeks_rebuild()
    coach = _review_queues(cohort, manager, agents, tag)
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM (ANALYZE) insights_interaction, cohorts_rubricscore, accounts_user, "
            "cohorts_enrollment, cohorts_attendance, cohorts_moduleprogress, "
            "cohorts_coachingpairmember, cohorts_coachingpair, reviews_reviewassignment"
        )
    print(f"growth: built {scale}x in {time.perf_counter() - began:.1f} s", flush=True)
    return Data(scale, cohort, manager, User.objects.get(pk=agents[0]), coach)


def _review_queues(cohort, manager, agents: list[int], tag: str) -> User:
    """One open review a week for every agent, QUEUE agents to a coach; the first coach."""
    coaches = User.objects.bulk_create(
        User(email=f"coach-{n}@{tag}.example", role=User.Role.COACH)
        for n in range(len(agents) // QUEUE)
    )
    plan = ReviewPlan.objects.create(cohort=cohort, per_agent_per_week=1, created_by=manager)
    plan.coaches.set(coaches)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reviews_reviewassignment (plan_id, agent_id, week, slot, "
            "interaction_id, reviewer_id, due_at, status, skip_reason, routing_reason, "
            "draft_values, draft_comments, draft_strength, draft_next_step, created_at) "
            # The n-th agent's first interaction is the one numbered n - 1 (see _build).
            "SELECT %(plan)s, a.agent, %(week)s, 1, i.id, "
            "(%(coaches)s::bigint[])[1 + (a.n - 1) / %(queue)s], %(due)s, 'assigned', '', "
            "'random sample', '{}', '{}', '', '', now() "
            "FROM unnest(%(agents)s::bigint[]) WITH ORDINALITY "
            "AS a(agent, n) JOIN insights_interaction i "
            "ON i.source = %(source)s AND i.external_id = (a.n - 1)::text",
            {
                "plan": plan.pk,
                "week": datetime.date(2027, 2, 15),
                "source": tag,
                "coaches": [coach.pk for coach in coaches],
                "queue": QUEUE,
                "due": NOW + datetime.timedelta(days=2),
                "agents": agents,
            },
        )
    return coaches[0]


# --- Timing ------------------------------------------------------------------------------


def timed(request: Callable[[], object], *, repeat: int) -> tuple[float, int]:
    """Median time of `repeat` runs (after one untimed) and the query count of one."""
    request()
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    # Counted as they run: the query log is emptied when a request starts.
    with connection.execute_wrapper(count):
        request()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        request()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(statements)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _get(client, url: str) -> Callable[[], object]:
    def request():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content

    return request


def requests(data: Data) -> dict[str, Callable[[], object]]:
    """Each endpoint and page, as the user it belongs to asks for it."""
    agent, coach, manager = _api(data.agent), _browser(data.coach), _api(data.manager)
    cohort = data.cohort.pk
    return {
        "my-plan API (agent)": _get(agent, "/api/my-plan/"),
        "plan page (agent)": _get(_browser(data.agent), "/plan/"),
        "review queue (coach)": _get(coach, "/reviews/"),
        "cohort page (manager)": _get(_browser(data.manager), f"/cohorts/{cohort}/"),
        "cohort progress API (manager)": _get(manager, f"/api/cohorts/{cohort}/progress/"),
        "interactions list API (manager)": _get(manager, "/api/interactions/"),
        "rubric scores list API (manager)": _get(manager, "/api/rubric-scores/"),
    }


def growth(*, repeat: int) -> Result:
    """Each endpoint and page at 1x and at 10x: time ratio 10x / 1x and query counts."""
    small, large = build(1), build(10)
    total_small = total_large = 0.0
    with time_machine.travel(NOW, tick=False):
        at_1x = requests(small)
        at_10x = requests(large)
        for name in at_1x:
            t1, q1 = timed(at_1x[name], repeat=repeat)
            t10, q10 = timed(at_10x[name], repeat=repeat)
            total_small, total_large = total_small + t1, total_large + t10
            print(
                f"growth/{name}: ratio {t10 / t1:.2f} (10x {t10:.4f} s, 1x {t1:.4f} s, "
                f"queries {q10} at 10x, {q1} at 1x)",
                flush=True,
            )
    return Result("growth", total_large, total_small, len(at_1x))


# --- my-plan -------------------------------------------------------------------------------


def _my_plan_values(user: User) -> str:
    """The rows the plan shows, read with `.values()` and written as JSON: the baseline."""
    from cohorts.models import (
        Attendance,
        CoachingPairMember,
        ModuleProgress,
        RubricScore,
        ScheduleItem,
    )

    plans = []
    enrollments = Enrollment.objects.filter(agent=user, status=Enrollment.Status.ACTIVE).values(
        "id", "cohort_id", "cohort__name", "cohort__program__name", "cohort__time_zone"
    )
    for enrollment in enrollments:
        items = list(
            ScheduleItem.objects.filter(cohort_id=enrollment["cohort_id"], cancelled=False)
            .order_by("starts_at", "id")
            .values("id", "kind", "title", "starts_at", "ends_at", "due_at", "coaching_week")
        )
        attended = list(
            Attendance.objects.filter(enrollment_id=enrollment["id"], attended=True).values_list(
                "item_id", flat=True
            )
        )
        progress = list(
            ModuleProgress.objects.filter(enrollment_id=enrollment["id"]).values(
                "item_id", "prework_done_at", "practice_attended_at"
            )
        )
        pairs = CoachingPairMember.objects.filter(enrollment_id=enrollment["id"]).values("pair")
        members = list(
            CoachingPairMember.objects.filter(pair__in=pairs).values(
                "pair_id", "enrollment_id", "week", "pair__session"
            )
        )
        partners = list(
            Enrollment.objects.filter(
                pk__in=[m["enrollment_id"] for m in members if m["week"] == 3]
            ).values("agent_id", "agent__display_name", "agent__email")
        )
        plans.append(
            {
                **enrollment,
                "items": items,
                "attended": attended,
                "progress": progress,
                "members": members,
                "partners": partners,
            }
        )
    scores = list(
        RubricScore.objects.filter(subject=user, superseded_by__isnull=True)
        .order_by("-scored_at")
        .values("id", "rubric__name", "scorer__display_name", "values", "percent", "scored_at")[:20]
    )
    return json.dumps({"plans": plans, "scores": scores}, default=str)


def my_plan(*, repeat: int) -> Result:
    """GET /api/my-plan/ for one agent of a 5,000-agent cohort (10x data), against the same
    rows read with `.values()` and written as JSON; also prints its time at 1x."""
    small, large = build(1), build(10)
    with time_machine.travel(NOW, tick=False):
        t1, q1 = timed(requests(small)["my-plan API (agent)"], repeat=repeat)
        t10, q10 = timed(requests(large)["my-plan API (agent)"], repeat=repeat)
        plan = json.loads(requests(large)["my-plan API (agent)"]())["plans"][0]
        assert plan["coaching_partners"], "the agent has a partner in week 3"
        baseline, _ = timed(lambda: _my_plan_values(large.agent), repeat=repeat)
    print(
        f"my_plan/growth: ratio {t10 / t1:.2f} (10x {t10:.4f} s, 1x {t1:.4f} s, "
        f"queries {q10} at 10x, {q1} at 1x)",
        flush=True,
    )
    return Result("my_plan", t10, baseline, 1)


# --- lists ---------------------------------------------------------------------------------

# The first page of each list as the manager sees it, newest first, with what a row shows.
# The manager's scope as cohorts/scope.py states it (agents enrolled in a cohort they
# facilitate or members of a team they manage), found from the manager as the request
# finds it, as the scores page finds its cohorts.
INTERACTIONS_PAGE_SQL = """
SELECT i.*, u.email FROM insights_interaction i JOIN accounts_user u ON u.id = i.agent_id
WHERE i.agent_id IN (
    SELECT a.id FROM accounts_user a WHERE a.role = 'agent' AND (
        a.id IN (SELECT e.agent_id FROM cohorts_enrollment e WHERE e.cohort_id IN (
            SELECT cohort_id FROM cohorts_cohort_facilitators WHERE user_id = %(manager)s))
        OR a.team_id IN (SELECT team_id FROM accounts_team_managers WHERE user_id = %(manager)s)
    )
)
ORDER BY i.occurred_at DESC, i.id LIMIT 50
"""
SCORES_PAGE_SQL = """
SELECT s.*, r.name, u.display_name FROM cohorts_rubricscore s
JOIN programs_rubric r ON r.id = s.rubric_id JOIN accounts_user u ON u.id = s.scorer_id
WHERE s.cohort_id IN (SELECT cohort_id FROM cohorts_cohort_facilitators
                      WHERE user_id = %(manager)s)
ORDER BY s.scored_at DESC, s.id DESC LIMIT 50
"""


# The same pages read with `.values()`: the columns each row shows, the bare SQL's scope.
INTERACTION_COLUMNS = (
    "id", "source", "external_id", "channel", "agent_id", "agent__email", "occurred_at",
    "csat", "nps", "understood", "handle_seconds", "escalated", "resolved_first_contact",
    "repeat_contact", "notes", "resolved", "resolution_seconds",
)  # fmt: skip
SCORE_COLUMNS = (
    "id", "rubric_id", "rubric__version", "scorer_id", "scorer__display_name", "subject_id",
    "context", "observed", "values", "percent", "cohort_id", "coaching_pair_id",
    "interaction_ref", "feedback", "comments", "strength", "next_step", "acknowledged_at",
    "scored_at",
)  # fmt: skip


def _interactions_page_values(manager_id: int) -> str:
    from accounts.models import Team
    from cohorts.models import Cohort
    from insights.models import Interaction

    cohorts = Cohort.facilitators.through.objects.filter(user_id=manager_id).values("cohort_id")
    teams = Team.managers.through.objects.filter(user_id=manager_id).values("team_id")
    enrolled = Enrollment.objects.filter(cohort_id__in=cohorts).values("agent_id")
    agents = User.objects.filter(
        Q(pk__in=enrolled) | Q(team_id__in=teams), role=User.Role.AGENT
    ).values("pk")
    rows = (
        Interaction.objects.filter(agent_id__in=agents)
        .order_by("-occurred_at", "id")
        .values(*INTERACTION_COLUMNS)[:50]
    )
    return json.dumps(list(rows), default=str)


def _scores_page_values(manager_id: int) -> str:
    from cohorts.models import Cohort, RubricScore

    cohorts = Cohort.facilitators.through.objects.filter(user_id=manager_id).values("cohort_id")
    rows = (
        RubricScore.objects.filter(cohort_id__in=cohorts)
        .order_by("-scored_at", "-id")
        .values(*SCORE_COLUMNS)[:50]
    )
    return json.dumps(list(rows), default=str)


def _page(sql: str, params: dict) -> Callable[[], str]:
    def read():
        with connection.cursor() as cursor:
            return json.dumps(cursor.execute(sql, params).fetchall(), default=str)

    return read


def lists(*, repeat: int) -> Result:
    """The first page of GET /api/interactions/ and /api/rubric-scores/ for a manager whose
    cohort has 1,000,000 interactions and 500,000 scores (10x), each against the same page
    read with `.values()` and written as JSON (the ratio), and against the bare SQL of the
    page written as JSON (printed beside it).

    The `.values()` page is the standard #17 sets for my-plan: the bare SQL has no Python
    at all (no model, no query built), so no Django request could come within 2x of it.
    Both baselines find the manager's scope from the manager, as the request must: the
    agents enrolled in the cohorts they facilitate or in the teams they manage, for
    interactions; the cohorts they facilitate, for scores. (Until 2026-12-06 the
    interactions baselines were given the cohort's id and read its enrolments alone, less
    work than the rule the request applies.) Neither counts the rows; nor does the request
    since these lists page by cursor (one query a page)."""
    data = build(10)
    params = {"manager": data.manager.pk}
    pages = requests(data)
    pairs = {
        "interactions": (
            pages["interactions list API (manager)"],
            lambda: _interactions_page_values(data.manager.pk),
            INTERACTIONS_PAGE_SQL,
        ),
        "rubric-scores": (
            pages["rubric scores list API (manager)"],
            lambda: _scores_page_values(data.manager.pk),
            SCORES_PAGE_SQL,
        ),
    }
    attune = baseline = 0.0
    with time_machine.travel(NOW, tick=False):
        for name, (request, values, sql) in pairs.items():
            body = json.loads(request())
            assert len(body["results"]) == 50, body
            assert body["next"], "more rows than a page"
            shown = [row["id"] for row in json.loads(values())]
            assert shown == [row["id"] for row in body["results"]], "the same page"
            took, queries = timed(request, repeat=repeat)
            read, _ = timed(values, repeat=repeat)
            raw, _ = timed(_page(sql, params), repeat=repeat)
            attune, baseline = attune + took, baseline + read
            print(
                f"lists/{name}: ratio {took / read:.2f} against .values() "
                f"({took / raw:.2f} against bare SQL; attune {took:.4f} s, "
                f".values() {read:.4f} s, bare SQL {raw:.4f} s, {queries} queries)",
                flush=True,
            )
    return Result("lists", attune, baseline, 100)
