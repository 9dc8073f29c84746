"""The lists that grow with a customer's history (interactions, rubric scores) page by
position (`?cursor=`): no count, one query a page however long the history, and `next` /
`previous` lead through every row once, in any order the list offers."""

import base64
import datetime
import json

import pytest

from cohorts.models import RubricScore
from config.pagination import KeysetPagination
from tests.factories import (
    AgentFactory,
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    InteractionFactory,
    RubricFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)


@pytest.fixture
def pages_of_four(monkeypatch):
    monkeypatch.setattr(KeysetPagination, "page_size", 4)


def interactions(agent, count, **fields):
    for n in range(count):
        InteractionFactory(agent=agent, occurred_at=START + datetime.timedelta(hours=n), **fields)


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


def every_page(api, url):
    pages = [api.get(url).json()]
    while pages[-1]["next"]:
        pages.append(api.get(pages[-1]["next"]).json())
    return pages


def ids(pages):
    return [row["id"] for page in pages for row in page["results"]]


def test_a_short_list_is_one_page_without_a_count(agent_api):
    interactions(agent_api.user, 5)

    body = agent_api.get("/api/interactions/").json()

    assert body.keys() == {"next", "previous", "results"}
    assert (body["next"], body["previous"], len(body["results"])) == (None, None, 5)


def test_the_pages_lead_through_every_row_once_newest_first_and_back(agent_api, pages_of_four):
    interactions(agent_api.user, 13)

    pages = every_page(agent_api, "/api/interactions/")

    assert [len(page["results"]) for page in pages] == [4, 4, 4, 1]
    times = [row["occurred_at"] for page in pages for row in page["results"]]
    assert times == sorted(times, reverse=True)
    assert len(set(ids(pages))) == 13
    assert pages[0]["previous"] is None
    assert pages[-1]["next"] is None
    back = agent_api.get(pages[2]["previous"]).json()
    assert back["results"] == pages[1]["results"]
    assert back["next"]
    assert back["previous"]
    first = agent_api.get(back["previous"]).json()
    assert first["results"] == pages[0]["results"]
    assert first["previous"] is None


def test_ties_and_empty_values_page_without_a_row_lost_or_repeated(agent_api, pages_of_four):
    # Two values of csat, and none at all, each shared by several rows at the same time.
    for csat in (None, 2, 5, None, 2, 5, None):
        interactions(agent_api.user, 2, csat=csat)

    for ordering in ("csat", "-csat", "occurred_at", "handle_seconds"):
        pages = every_page(agent_api, f"/api/interactions/?ordering={ordering}")
        listed = [row["csat"] for page in pages for row in page["results"]]

        assert len(ids(pages)) == len(set(ids(pages))) == 14, ordering
        if ordering.endswith("csat"):
            # Rows without a csat come last whichever the direction, on every database.
            values = sorted({2, 5}, reverse=ordering.startswith("-"))
            assert listed == [values[0]] * 4 + [values[1]] * 4 + [None] * 6
        # Read backwards from the last page, the same rows come in the same order.
        back = [pages[-1]]
        while back[-1]["previous"]:
            back.append(agent_api.get(back[-1]["previous"]).json())
        assert ids(reversed(back)) == ids(pages), ordering


def test_a_filter_keeps_to_its_rows_from_page_to_page(agent_api, pages_of_four):
    interactions(agent_api.user, 6, channel="call")
    interactions(agent_api.user, 6, channel="chat")

    pages = every_page(agent_api, "/api/interactions/?channel=call")

    assert len(ids(pages)) == 6
    assert {row["channel"] for page in pages for row in page["results"]} == {"call"}


def cursor_for(order, position, backwards=False) -> str:
    data = json.dumps({"o": order, "p": position, "b": backwards})
    return base64.urlsafe_b64encode(data.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        cursor_for(["-occurred_at"], ["2026-09-01T00:00:00+00:00"]),  # another order
        cursor_for(["-occurred_at", "id"], ["yesterday", 1]),
        cursor_for(["-occurred_at", "id"], ["2026-09-01T00:00:00+00:00", 2**70]),
        cursor_for(["-occurred_at", "id"], [None, 1]),  # no time: none is stored so
        cursor_for(["-occurred_at", "id"], [[], 1]),
    ],
)
def test_a_cursor_not_made_by_the_list_is_a_400(agent_api, cursor):
    interactions(agent_api.user, 2)

    response = agent_api.get(f"/api/interactions/?cursor={cursor}")

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_a_cursor_made_for_another_order_is_a_400(agent_api, pages_of_four):
    interactions(agent_api.user, 6)
    next_link = agent_api.get("/api/interactions/").json()["next"]

    response = agent_api.get(next_link + "&ordering=csat")

    assert response.status_code == 400


def test_rubric_scores_page_newest_first_too(agent_api, pages_of_four):
    scores(agent_api.user, 7)

    pages = every_page(agent_api, "/api/rubric-scores/")

    newest_first = [row["scored_at"] for page in pages for row in page["results"]]
    assert newest_first == sorted(newest_first, reverse=True)
    assert len(newest_first) == 7


def test_listing_interactions_takes_one_query_however_long_the_history(
    agent_api, django_assert_num_queries
):
    interactions(agent_api.user, 60)

    # the page of interactions with their agents, one row past it to know of a next page
    with django_assert_num_queries(1):
        body = agent_api.get("/api/interactions/").json()
    with django_assert_num_queries(1):
        second = agent_api.get(body["next"]).json()

    assert (len(body["results"]), len(second["results"])) == (50, 10)


def test_listing_rubric_scores_takes_one_query_however_long_the_history(
    agent_api, django_assert_num_queries
):
    scores(agent_api.user, 60)

    # the page of scores with rubric and scorer, one row past it
    with django_assert_num_queries(1):
        body = agent_api.get("/api/rubric-scores/").json()

    assert len(body["results"]) == 50
    assert body["next"]


def test_other_lists_still_page_by_number_with_a_count(manager_api):
    body = manager_api.get("/api/cohorts/").json()

    assert body.keys() == {"count", "next", "previous", "results"}


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
    coach_in_team = CoachFactory(team=in_team.team)  # a member of the team, not an agent
    for agent in (in_cohort, in_team, outsider, coach_in_team):
        interactions(agent, 30)

    # the page of interactions with their agents' e-mails, each agent looked up in scope
    with django_assert_num_queries(1):
        body = manager_api.get("/api/interactions/").json()
    with django_assert_num_queries(1):
        rest = manager_api.get(body["next"]).json()

    assert (len(body["results"]), len(rest["results"]), rest["next"]) == (50, 10, None)
    agents = {row["agent_email"] for row in body["results"] + rest["results"]}
    assert agents == {in_cohort.email, in_team.email}


def test_a_manager_lists_their_cohorts_scores_in_two_queries(
    manager_api, managed, django_assert_num_queries
):
    cohort, in_cohort, in_team, _ = managed
    scores(in_cohort, 60, scorer=manager_api.user, cohort=cohort)
    scores(in_team, 5, scorer=manager_api.user)  # no cohort of theirs: not listed

    # the page of scores with rubric version and scorer name, one row past it
    with django_assert_num_queries(1):
        body = manager_api.get("/api/rubric-scores/").json()

    assert len(body["results"]) == 50
    assert body["next"]
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
