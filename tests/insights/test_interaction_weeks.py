"""The weekly rollup of interactions (insights.InteractionWeek): the KPI figures read from
it equal the ones computed from the interactions themselves, after every kind of write."""

import datetime
import io
import random

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.db.models.functions import TruncWeek
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cohorts.models import RubricScore, RubricScoreWeek
from cohorts.services.scores import rubric_score_create
from insights import reports
from insights.interaction_import import interaction_import
from insights.interaction_weeks import (
    interaction_weeks_add_sql,
    interaction_weeks_mismatched,
    interaction_weeks_rebuild,
    interaction_weeks_refresh,
)
from insights.models import Interaction, InteractionWeek
from insights.reconcile import interaction_weeks_out_of_date
from insights.reports import trends
from programs.services import rubric_publish
from tests.factories import (
    AgentFactory,
    HRFactory,
    InteractionFactory,
    ManagerFactory,
    RubricCriterionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
MONDAY = datetime.datetime(2026, 9, 7, tzinfo=UTC)  # six weeks of interactions from here
HEADER = (
    "external_id,channel,agent_email,occurred_at,csat,nps,understood,handle_seconds,"
    "escalated,resolved_first_contact,repeat_contact,resolved,resolution_seconds"
)


def _cell(rng: random.Random, low: int, high: int, answered: float = 0.5) -> str:
    return str(rng.randint(low, high)) if rng.random() < answered else ""


def _yes_no(rng: random.Random) -> str:
    return rng.choice(["yes", "no", ""])


def export(emails: list[str], *, rows: int = 120, seed: int = 1, weeks: int = 6) -> bytes:
    """A helpdesk export of `rows` interactions spread over `weeks` weeks from MONDAY, every
    metric sometimes missing."""
    rng = random.Random(seed)
    lines = [HEADER]
    for n in range(rows):
        when = MONDAY + datetime.timedelta(seconds=rng.randrange(weeks * 7 * 86_400))
        lines.append(
            ",".join(
                [
                    f"T{n}",
                    rng.choice(["call", "chat", "email"]),
                    rng.choice(emails),
                    when.isoformat(),
                    _cell(rng, 1, 5),
                    _cell(rng, 0, 10, 0.3),
                    _cell(rng, 1, 10, 0.3),
                    _cell(rng, 60, 1500, 0.9),
                    _yes_no(rng),
                    _yes_no(rng),
                    _yes_no(rng),
                    _yes_no(rng),
                    _cell(rng, 60, 30_000, 0.7),
                ]
            )
        )
    return "".join(f"{line}\r\n" for line in lines).encode()


@pytest.fixture
def agents(db):
    return [AgentFactory(email=f"agent{n}@example.com") for n in range(7)]


@pytest.fixture
def scope(db):
    return reports.scope_for(HRFactory())


def imported(agents, *, source: str = "helpdesk", **kwargs) -> None:
    report = interaction_import(
        data=export([agent.email for agent in agents], **kwargs), source=source
    )
    assert not report.rejected, report.rejected[:3]


def raw_totals(start=None, end=None, *, by_week: bool) -> list[dict]:
    """The KPI aggregates computed from the interactions, as the reports did before the
    rollup: per week (TruncWeek) or over the range."""
    interactions = Interaction.objects.filter(agent__role="agent")
    if start:
        interactions = interactions.filter(occurred_at__gte=start)
    if end:
        interactions = interactions.filter(occurred_at__lt=end)
    if not by_week:
        return [interactions.aggregate(**reports.INTERACTION_AGGREGATES)]
    weekly = (
        interactions.annotate(week=TruncWeek("occurred_at"))
        .values("week")
        .annotate(**reports.INTERACTION_AGGREGATES)
        .order_by("week")
    )
    return [{**row, "week": row["week"].date().isoformat()} for row in weekly]


def assert_rollup_agrees(scope, start=None, end=None) -> None:
    for by_week in (True, False):
        expected = raw_totals(start, end, by_week=by_week)
        got = trends._interaction_totals(scope, start, end, by_week=by_week)
        assert got == expected
        for got_row, expected_row in zip(got, expected, strict=True):  # ints stay ints
            assert {k: type(v) for k, v in got_row.items()} == {
                k: type(v) for k, v in expected_row.items()
            }


def raw_rubric_totals(start=None, end=None, *, by_week: bool) -> list[dict]:
    """The rubric aggregates computed from the scores, as the reports did before the
    rollup of scores."""
    scores = RubricScore.objects.filter(subject__role="agent").exclude(context="calibration")
    if start:
        scores = scores.filter(scored_at__gte=start)
    if end:
        scores = scores.filter(scored_at__lt=end)
    if not by_week:
        return [scores.aggregate(**reports.RUBRIC_AGGREGATES)]
    weekly = (
        scores.annotate(week=TruncWeek("scored_at"))
        .values("week")
        .annotate(**reports.RUBRIC_AGGREGATES)
        .order_by("week")
    )
    return [{**row, "week": row["week"].date().isoformat()} for row in weekly]


@pytest.fixture
def scored(agents):
    """Scores through the service, every agent a few a week for six weeks, calibration
    scores among them (left out of the figures)."""
    rubric = rubric_publish(rubric=RubricCriterionFactory(key="tone", scale_max=5).rubric)
    scorer, rng = ManagerFactory(), random.Random(3)
    for n in range(60):
        rubric_score_create(
            rubric=rubric, scorer=scorer, subject=rng.choice(agents),
            context="calibration" if n % 7 == 0 else "qa", values={"tone": rng.randint(1, 5)},
            scored_at=MONDAY + datetime.timedelta(seconds=rng.randrange(42 * 86_400)),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (None, None),
        (MONDAY + datetime.timedelta(days=3, hours=5), MONDAY + datetime.timedelta(days=30)),
        (MONDAY + datetime.timedelta(days=7), MONDAY + datetime.timedelta(days=21)),
        (MONDAY + datetime.timedelta(days=8), MONDAY + datetime.timedelta(days=10)),
    ],
)
def test_rubric_figures_from_the_rollup_of_scores_equal_the_raw_ones(scored, scope, start, end):
    assert RubricScoreWeek.objects.exists()
    for by_week in (True, False):
        got = trends._rubric_totals(scope, start, end, by_week=by_week)
        assert got == raw_rubric_totals(start, end, by_week=by_week)


def test_the_rebuild_recomputes_the_rollup_of_scores_too(scored, scope):
    expected = list(RubricScoreWeek.objects.order_by("subject", "week").values())
    RubricScoreWeek.objects.all().delete()

    call_command("rebuild_interaction_weeks", stdout=io.StringIO())

    assert list(RubricScoreWeek.objects.order_by("subject", "week").values()) != []
    rebuilt = RubricScoreWeek.objects.order_by("subject", "week")
    assert [(r.subject_id, r.week, r.rubric_n, r.rubric_sum) for r in rebuilt] == [
        (r["subject_id"], r["week"], r["rubric_n"], r["rubric_sum"]) for r in expected
    ]


def test_figures_from_the_rollup_equal_the_raw_ones_after_an_import(agents, scope):
    imported(agents)

    assert InteractionWeek.objects.count() > 20  # seven agents over six weeks
    assert_rollup_agrees(scope)
    # The page's range filters and the 30-day windows cut weeks: those parts are raw.
    assert_rollup_agrees(
        scope, MONDAY + datetime.timedelta(days=3, hours=5), MONDAY + datetime.timedelta(days=30)
    )
    assert_rollup_agrees(
        scope, MONDAY + datetime.timedelta(days=7), MONDAY + datetime.timedelta(days=21)
    )
    assert_rollup_agrees(
        scope, MONDAY + datetime.timedelta(days=8), MONDAY + datetime.timedelta(days=10)
    )
    assert_rollup_agrees(scope, None, MONDAY + datetime.timedelta(days=17))


def test_a_range_ending_in_a_week_with_nothing_after_its_end_reads_that_week_from_the_rollup(
    agents, scope, django_assert_num_queries
):
    imported(agents, weeks=3)  # nothing after 28 September
    end = MONDAY + datetime.timedelta(days=23)  # Wednesday 30 September
    start = end - datetime.timedelta(days=10)

    assert_rollup_agrees(scope, start, end)
    # The look for interactions after the end in its week (none), then one query: the last
    # week is the rollup's, only the first partial week is read from the interactions.
    with CaptureQueriesContext(connection) as queries, django_assert_num_queries(2):
        trends._interaction_totals(scope, start, end, by_week=True)
    sql = queries.captured_queries[1]["sql"]
    assert sql.count(f'FROM "{Interaction._meta.db_table}"') == 1
    # An interaction after the end in that week: read from the interactions, left out.
    InteractionFactory(agent=agents[0], occurred_at=end + datetime.timedelta(hours=1), csat=1)
    assert_rollup_agrees(scope, start, end)


def test_figures_agree_after_an_import_moves_interactions_to_other_agents_and_weeks(agents, scope):
    imported(agents)

    # The same ids, other agents, moments and values: every row is an update.
    imported(agents[2:], seed=2, weeks=3)

    assert Interaction.objects.count() == 120
    assert not InteractionWeek.objects.filter(week__gte=datetime.date(2026, 9, 28)).exists()
    assert_rollup_agrees(scope)
    assert_rollup_agrees(
        scope, MONDAY + datetime.timedelta(days=2), MONDAY + datetime.timedelta(days=12)
    )


def test_figures_agree_after_interactions_are_deleted_and_changed_in_the_admin(agents, scope):
    imported(agents)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    request = RequestFactory().post("/")
    request.user = superuser
    model_admin = admin.site._registry[Interaction]
    first_week = Interaction.objects.filter(occurred_at__lt=MONDAY + datetime.timedelta(days=7))

    model_admin.delete_queryset(request, first_week)
    changed = Interaction.objects.order_by("pk").first()
    changed.agent, changed.csat = agents[0], 5
    changed.occurred_at = MONDAY + datetime.timedelta(days=1)  # into the emptied week
    model_admin.save_model(request, changed, form=None, change=True)
    model_admin.delete_model(request, Interaction.objects.order_by("pk").last())

    weeks = InteractionWeek.objects.filter(week=MONDAY.date())
    assert list(weeks.values_list("agent_id", "interactions", "csat_mean_sum")) == [
        (agents[0].pk, 1, 5.0)
    ]
    assert_rollup_agrees(scope)


def test_weeks_follow_the_time_zone_across_a_dst_change(agents, settings):
    settings.TIME_ZONE = "Europe/Berlin"  # clocks go back on Sunday 25 October 2026
    scope = reports.scope_for(HRFactory())
    moments = [
        datetime.datetime(2026, 10, 25, 22, 30, tzinfo=UTC),  # Sunday 23:30 in Berlin (CET)
        datetime.datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # Monday 00:30 in Berlin
        datetime.datetime(2026, 10, 18, 22, 30, tzinfo=UTC),  # Monday 00:30 (CEST)
    ]
    for n, when in enumerate(moments):
        InteractionFactory(agent=agents[n], occurred_at=when, csat=4)

    assert sorted(InteractionWeek.objects.values_list("week", flat=True)) == [
        datetime.date(2026, 10, 19),
        datetime.date(2026, 10, 19),
        datetime.date(2026, 10, 26),
    ]
    assert_rollup_agrees(scope)
    monday = datetime.datetime(2026, 10, 25, 23, tzinfo=UTC)  # Monday 26 October, 00:00
    assert_rollup_agrees(scope, monday - datetime.timedelta(days=7), monday)


def test_the_reconciliation_check_finds_and_fixes_a_rollup_that_differs(agents, scope):
    imported(agents)
    now = MONDAY + datetime.timedelta(weeks=6, days=2)
    week = InteractionWeek.objects.order_by("-week", "agent").first()
    # Writes that bypassed the writers: a changed sum, a lost row, a stray row.
    InteractionWeek.objects.filter(pk=week.pk).update(csat_mean_sum=1000.0)
    lost = InteractionWeek.objects.exclude(pk=week.pk).order_by("-week", "agent").first()
    lost.delete()
    Interaction.objects.filter(agent=agents[6]).delete()

    dry_run = interaction_weeks_out_of_date(now, False)
    assert InteractionWeek.objects.filter(csat_mean_sum=1000.0).exists()  # nothing changed

    findings = interaction_weeks_out_of_date(now, True)

    stray = InteractionWeek.objects.filter(agent=agents[6])
    assert not stray.filter(week__gte=datetime.date(2026, 9, 21)).exists()  # the recent weeks
    expected = {
        f"{week.agent.email}, week of {week.week}",
        f"{lost.agent.email}, week of {lost.week}",
    }
    assert expected <= {finding.object for finding in findings}
    assert [finding.object for finding in dry_run] == [finding.object for finding in findings]
    assert not interaction_weeks_mismatched(since=datetime.date(2026, 9, 21))
    assert interaction_weeks_out_of_date(now, True) == []
    # The weeks before the checked ones are left as they were.
    assert interaction_weeks_mismatched(since=MONDAY.date())


def test_the_rebuild_command_recomputes_every_week(agents, scope):
    imported(agents)
    InteractionWeek.objects.all().delete()
    out = io.StringIO()

    call_command("rebuild_interaction_weeks", stdout=out)

    assert "rows" in out.getvalue()
    assert not interaction_weeks_mismatched(since=MONDAY.date())
    assert_rollup_agrees(scope)
    assert (
        interaction_weeks_rebuild(since=datetime.date(2026, 10, 1))
        == InteractionWeek.objects.filter(week__gte=datetime.date(2026, 9, 28)).count()
    )


def test_a_refresh_runs_five_statements_whatever_it_touches(agents, django_assert_num_queries):
    imported(agents)
    interactions = Interaction.objects.filter(agent__in=agents[:3])

    # The pairs into a temporary table, their range of weeks, the delete and the insert of
    # their rows, the drop.
    with django_assert_num_queries(5):
        interaction_weeks_refresh(interactions=interactions)
    # Nothing to recompute: no delete, no insert; nothing at all for a filter that can
    # match nothing.
    with django_assert_num_queries(3):
        interaction_weeks_refresh(interactions=Interaction.objects.filter(pk=0))
    with django_assert_num_queries(0):
        interaction_weeks_refresh(interactions=Interaction.objects.filter(pk__in=[]))


def test_the_weekly_kpis_read_the_rollup_not_the_interactions(
    agents, scope, django_assert_num_queries
):
    imported(agents)

    # The weekly sums of the interactions, then of the scores: one query over each rollup.
    with CaptureQueriesContext(connection) as queries, django_assert_num_queries(2):
        reports.weekly_kpis(scope)

    interactions, scores = (query["sql"] for query in queries.captured_queries)
    assert f'"{Interaction._meta.db_table}"' not in interactions
    assert f'"{InteractionWeek._meta.db_table}"' in interactions
    assert f'"{RubricScore._meta.db_table}"' not in scores
    assert f'"{RubricScoreWeek._meta.db_table}"' in scores


def test_the_sums_of_new_interactions_are_added_to_the_rollup_exactly(agents, scope):
    imported(agents)  # another source's weeks of the same agents are rolled up already
    before = set(InteractionWeek.objects.values_list("agent_id", "week"))
    added = [
        InteractionFactory.build(
            agent=agent,
            source="chat",
            occurred_at=MONDAY + datetime.timedelta(days=n * 5, hours=3),
            csat=None if n == 1 else n + 1,
            handle_seconds=None if n == 2 else 100 * n,
        )
        for n, agent in enumerate([*agents[:4], agents[0]])
    ]
    added.append(
        InteractionFactory.build(  # a week no one had rows in: a new row of the rollup
            agent=agents[1], source="chat", occurred_at=MONDAY - datetime.timedelta(weeks=3)
        )
    )
    Interaction.objects.bulk_create(added)  # no rollup: bulk_create sends no signals
    rows = f"(SELECT * FROM {Interaction._meta.db_table} WHERE source = 'chat')"
    sql, params, read = interaction_weeks_add_sql(rows=rows)

    with connection.cursor() as cursor:
        cursor.execute(sql, params)

    assert {"id", "agent_id", "occurred_at", "csat", "resolved"} <= set(read)
    assert "notes" not in read
    assert interaction_weeks_mismatched(since=MONDAY.date() - datetime.timedelta(weeks=4)) == []
    assert before < set(InteractionWeek.objects.values_list("agent_id", "week"))
    assert_rollup_agrees(scope)


def test_a_first_import_adds_to_the_rollup_rows_of_another_source(agents, scope):
    imported(agents)
    imported(agents[1:4], seed=3, source="chat")  # every row new: the rollup is added to

    assert Interaction.objects.filter(source="chat").count() == 120
    assert interaction_weeks_mismatched(since=MONDAY.date()) == []
    assert_rollup_agrees(scope)


@pytest.mark.parametrize("moment", ["9999-12-31T10:00:00Z", "0001-01-01T10:00:00Z"])
def test_an_interaction_in_the_calendars_last_or_first_week_is_rolled_up(agents, moment):
    data = (
        "external_id,channel,agent_email,occurred_at,csat\n"
        f"EDGE,chat,{agents[0].email},{moment},5\n"
        f"NEXT,chat,{agents[0].email},2026-03-02T10:00:00Z,4\n"
    ).encode()

    for _ in range(2):  # the first import adds to the rollup, the second recomputes it
        report = interaction_import(data=data, source="edges")

    assert not report.rejected, report.rejected
    weeks = InteractionWeek.objects.filter(agent=agents[0])
    assert weeks.count() == 2
    assert sorted(weeks.values_list("interactions", flat=True)) == [1, 1]
