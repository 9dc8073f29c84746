"""The lists that grow with a customer's history (interactions, rubric scores) count at most
COUNT_LIMIT rows: under it the count is exact, past it the count is the bound, says so, and
the pages still lead on to the last row."""

import datetime

import pytest

from cohorts.models import RubricScore
from config.pagination import BoundedCountPaginator
from tests.factories import InteractionFactory, RubricFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)


@pytest.fixture
def bound_of_five(monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "limit", 5)


def interactions(agent, count):
    for n in range(count):
        InteractionFactory(agent=agent, occurred_at=START + datetime.timedelta(hours=n))


def scores(subject, count):
    rubric = RubricFactory()
    RubricScore.objects.bulk_create(
        RubricScore(
            rubric=rubric,
            scorer=subject,
            subject=subject,
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
