"""The lists that grow with a customer's history (interactions, rubric scores) count at most
COUNT_LIMIT rows: under it the count is exact, past it the count is the bound, says so, and
the pages still lead on to the last row."""

import datetime

import pytest

from cohorts.models import RubricScore
from config.pagination import BoundedCountPaginator
from tests.factories import (
    AgentFactory,
    CohortFactory,
    EnrollmentFactory,
    InteractionFactory,
    RubricFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)


@pytest.fixture
def bound_of_five(monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "limit", 5)


def interactions(agent, count):
    for n in range(count):
        InteractionFactory(agent=agent, occurred_at=START + datetime.timedelta(hours=n))


def scores(subject, count, *, scorer=None, cohort=None):
    rubric = RubricFactory()
    RubricScore.objects.bulk_create(
        RubricScore(
            rubric=rubric,
            scorer=scorer or subject,
            subject=subject,
            cohort=cohort,
            context=RubricScore.Context.QA,
            values={},
            percent=50,
            scored_at=START + datetime.timedelta(hours=n),
        )
        for n in range(count)
    )


def test_a_short_list_is_counted_exactly(agent_api, bound_of_five):
    interactions(agent_api.user, 5)

    body = agent_api.get("/api/interactions/").json()

    assert (body["count"], body["count_exact"], len(body["results"])) == (5, True, 5)


def test_a_long_list_counts_up_to_the_bound_and_pages_on_past_it(
    agent_api, bound_of_five, monkeypatch
):
    from rest_framework.pagination import PageNumberPagination

    monkeypatch.setattr(PageNumberPagination, "page_size", 4)
    interactions(agent_api.user, 13)

    pages = [agent_api.get("/api/interactions/").json()]
    while pages[-1]["next"]:
        pages.append(agent_api.get(pages[-1]["next"]).json())

    assert [(p["count"], p["count_exact"]) for p in pages] == [(5, False)] * 4
    assert [len(p["results"]) for p in pages] == [4, 4, 4, 1]
    seen = [row["id"] for p in pages for row in p["results"]]
    assert len(set(seen)) == 13
    assert pages[1]["previous"]
    assert agent_api.get("/api/interactions/?page=5").status_code == 404


def test_rubric_scores_are_counted_up_to_the_bound_too(agent_api, bound_of_five):
    scores(agent_api.user, 7)

    body = agent_api.get("/api/rubric-scores/").json()

    assert (body["count"], body["count_exact"], len(body["results"])) == (5, False, 7)
    newest_first = [row["scored_at"] for row in body["results"]]
    assert newest_first == sorted(newest_first, reverse=True)


def test_listing_interactions_takes_two_queries_however_long_the_history(
    agent_api, django_assert_num_queries
):
    interactions(agent_api.user, 60)

    # the bounded count, the page of interactions with their agents
    with django_assert_num_queries(2):
        body = agent_api.get("/api/interactions/").json()

    assert len(body["results"]) == 50


def test_listing_rubric_scores_takes_two_queries_however_long_the_history(
    agent_api, django_assert_num_queries
):
    scores(agent_api.user, 60)

    # the bounded count, the page of scores with rubric and scorer
    with django_assert_num_queries(2):
        body = agent_api.get("/api/rubric-scores/").json()

    assert len(body["results"]) == 50


@pytest.fixture
def managed(manager_api):
    """A cohort the manager facilitates and a team they manage, an agent in each, and an
    agent in neither."""
    cohort = CohortFactory(facilitators=[manager_api.user])
    team = TeamFactory(name="Billing")
    team.managers.add(manager_api.user)
    in_cohort = EnrollmentFactory(cohort=cohort).agent
    in_team = AgentFactory(team=team)
    return cohort, in_cohort, in_team, AgentFactory()


def test_a_manager_lists_their_cohorts_and_teams_interactions_in_two_queries(
    manager_api, managed, django_assert_num_queries
):
    _, in_cohort, in_team, outsider = managed
    for agent in (in_cohort, in_team, outsider):
        interactions(agent, 30)

    # the bounded count, the page of interactions with their agents' e-mails
    with django_assert_num_queries(2):
        body = manager_api.get("/api/interactions/").json()

    assert (body["count"], len(body["results"])) == (60, 50)
    agents = {row["agent_email"] for row in body["results"]}
    assert agents == {in_cohort.email, in_team.email}


def test_a_manager_lists_their_cohorts_scores_in_two_queries(
    manager_api, managed, django_assert_num_queries
):
    cohort, in_cohort, in_team, _ = managed
    scores(in_cohort, 60, scorer=manager_api.user, cohort=cohort)
    scores(in_team, 5, scorer=manager_api.user)  # no cohort of theirs: not listed

    # the bounded count, the page of scores with rubric version and scorer name
    with django_assert_num_queries(2):
        body = manager_api.get("/api/rubric-scores/").json()

    assert (body["count"], len(body["results"])) == (60, 50)
    assert {row["subject"] for row in body["results"]} == {in_cohort.pk}
    assert body["results"][0]["scorer_name"] == manager_api.user.display_name


def test_the_interaction_list_writes_each_row_as_its_detail_does(manager_api, managed):
    _, in_cohort, in_team, _ = managed
    InteractionFactory(
        agent=in_cohort, channel="call", csat=4, nps=9, understood=7, handle_seconds=310,
        escalated=True, resolved_first_contact=False, repeat_contact=None, notes="Refund",
        resolved=True, resolution_seconds=86_400,
        occurred_at=datetime.datetime(2026, 9, 2, 8, 30, 15, 120_000, tzinfo=datetime.UTC),
    )  # fmt: skip
    InteractionFactory(agent=in_team, notes=None)  # every optional field empty

    rows = manager_api.get("/api/interactions/").json()["results"]

    assert len(rows) == 2
    for row in rows:
        assert row == manager_api.get(f"/api/interactions/{row['id']}/").json()


def test_the_score_list_writes_each_row_as_its_detail_does(manager_api, managed):
    cohort, in_cohort, _, _ = managed
    rubric = RubricFactory()
    common = {"rubric": rubric, "subject": in_cohort, "cohort": cohort, "percent": "66.67"}
    RubricScore.objects.create(
        **common, scorer=manager_api.user, context=RubricScore.Context.QA,
        values={"tone": 3}, comments={"tone": "Warm"}, feedback="Good", strength="Tone",
        next_step="Pace", interaction_ref="T-1", scored_at=START,
        acknowledged_at=START + datetime.timedelta(days=1, microseconds=5),
    )  # fmt: skip
    RubricScore.objects.create(
        **common,
        scorer=AgentFactory(),
        context=RubricScore.Context.PEER,
        values={},
        scored_at=START + datetime.timedelta(hours=1),
    )

    rows = manager_api.get("/api/rubric-scores/").json()["results"]

    assert [row["counts_toward_certification"] for row in rows] == [False, True]
    for row in rows:
        assert row == manager_api.get(f"/api/rubric-scores/{row['id']}/").json()
