"""Scenario decks: the weekly rotation (deterministic, never a card twice in a row, weeks in
the cohort's zone), this week's standup drill for facilitators, and agents' suggestions a
manager accepts or declines."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from practice import decks, selectors, services
from practice.models import DeckCard, ScenarioSuggestion
from programs.models import ScenarioCard
from tests.factories import (
    AgentFactory,
    CoachFactory,
    CohortFactory,
    HRFactory,
    ManagerFactory,
    ScenarioCardFactory,
)

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the rotation (no database) ------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 3, 5, 8])
def test_no_card_comes_up_two_weeks_running_and_each_cycle_shows_every_card(size):
    cards = list(range(100, 100 + size))
    weeks = [decks.card_for_week(deck_id=7, card_ids=cards, week=w) for w in range(size * 12)]
    assert all(a != b for a, b in itertools.pairwise(weeks))
    for cycle in range(12):
        assert sorted(weeks[cycle * size : (cycle + 1) * size]) == cards


def test_the_rotation_is_the_same_every_time_and_differs_between_decks():
    cards = list(range(1, 7))
    first = [decks.card_for_week(deck_id=1, card_ids=cards, week=w) for w in range(30)]
    again = [decks.card_for_week(deck_id=1, card_ids=cards, week=w) for w in range(30)]
    other = [decks.card_for_week(deck_id=2, card_ids=cards, week=w) for w in range(30)]
    assert first == again
    assert first != other


def test_a_deck_of_one_card_shows_it_every_week_and_an_empty_deck_nothing():
    assert decks.card_for_week(deck_id=1, card_ids=[5], week=3) == 5
    assert decks.card_for_week(deck_id=1, card_ids=[], week=3) is None


def test_weeks_start_on_monday_in_the_cohorts_zone():
    cohort = CohortFactory.build(start_date=datetime.date(2026, 10, 7), time_zone="Asia/Tokyo")
    sunday_night_utc = datetime.datetime(
        2026, 10, 11, 16, 0, tzinfo=datetime.UTC
    )  # Mon 01:00 Tokyo
    assert decks.cohort_week(cohort=cohort, now=sunday_night_utc) == 1
    assert decks.cohort_week(cohort=cohort, now=sunday_night_utc - datetime.timedelta(hours=2)) == 0


def test_a_week_across_the_dst_change_is_still_one_week():
    cohort = CohortFactory.build(start_date=datetime.date(2026, 10, 19), time_zone="Europe/Paris")
    # Clocks go back on Sunday 25 October; Monday 26 October 00:30 in Paris is 23:30 UTC.
    monday = datetime.datetime(2026, 10, 25, 23, 30, tzinfo=datetime.UTC)
    assert decks.cohort_week(cohort=cohort, now=monday) == 1
    assert decks.cohort_week(cohort=cohort, now=monday - datetime.timedelta(hours=1)) == 0


# --- decks and the standup drill --------------------------------------------------------------


@pytest.fixture
def deck(program):
    cards = [ScenarioCardFactory(program=program, title=f"Card {n}") for n in range(4)]
    return services.deck_create(program=program, name="Billing week", cards=cards)


def test_a_deck_keeps_its_cards_in_order_and_only_its_programs(deck, program):
    assert [c.title for c in selectors.deck_cards(deck)] == [f"Card {n}" for n in range(4)]
    with pytest.raises(ValidationError):
        services.deck_cards_set(deck=deck, cards=[ScenarioCardFactory()])


def test_this_weeks_drill_follows_the_rotation_of_the_cohorts_deck(deck, cohort, facilitator):
    services.cohort_deck_set(cohort=cohort, deck=deck, user=facilitator)
    now = datetime.datetime.combine(
        cohort.start_date + datetime.timedelta(days=15), datetime.time(12), tzinfo=datetime.UTC
    )
    drill = selectors.standup_drill(cohort=cohort, now=now)
    week = decks.cohort_week(cohort=cohort, now=now)
    ids = [c.pk for c in selectors.deck_cards(deck)]
    assert drill["card"].pk == decks.card_for_week(deck_id=deck.pk, card_ids=ids, week=week)
    assert drill["next_card"] != drill["card"]
    assert drill["minutes"] == 5


def test_the_standup_list_is_three_queries_however_many_cohorts_and_leaves_ended_ones_out(
    deck, program, facilitator, django_assert_num_queries
):
    from cohorts.models import Cohort

    running = [
        CohortFactory(program=program, name=f"Running {n}", facilitators=[facilitator])
        for n in range(4)
    ]
    for cohort in running[:3]:
        services.cohort_deck_set(cohort=cohort, deck=deck, user=facilitator)
    ended = CohortFactory(program=program, name="Ended", facilitators=[facilitator])
    services.cohort_deck_set(cohort=ended, deck=deck, user=facilitator)
    Cohort.objects.filter(pk=ended.pk).update(status=Cohort.Status.FINISHED)
    client = _api(facilitator)

    # the facilitator's cohorts not ended; their chosen decks; those decks' cards in order
    with django_assert_num_queries(3):
        rows = client.get("/api/standup-drills/").json()

    assert [row["cohort"] for row in rows] == [c.pk for c in running]
    assert [row["deck"] for row in rows] == [deck.pk] * 3 + [None]
    cards = [c.pk for c in selectors.deck_cards(deck)]
    assert all(row["card"] in cards for row in rows[:3])
    page = _page(facilitator).get("/practice/standups/").content.decode()
    assert "Running 3" in page
    assert "Ended" not in page


def test_a_cohort_takes_a_deck_of_its_own_program_only(cohort, facilitator):
    other = services.deck_create(program=ScenarioCardFactory().program, name="Other")
    with pytest.raises(ValidationError):
        services.cohort_deck_set(cohort=cohort, deck=other, user=facilitator)


def test_facilitators_open_this_weeks_drill_and_others_get_404_or_403(deck, cohort, facilitator):
    services.cohort_deck_set(cohort=cohort, deck=deck, user=facilitator)
    page = _page(facilitator).get(f"/practice/standups/{cohort.pk}/").content.decode()
    assert "This week's standup drill" in page
    assert 'role="timer"' in page
    coach = CoachFactory()
    cohort.facilitators.add(coach)
    assert _page(coach).get(f"/practice/standups/{cohort.pk}/").status_code == 200
    assert _page(ManagerFactory()).get(f"/practice/standups/{cohort.pk}/").status_code == 404
    assert _page(AgentFactory()).get(f"/practice/standups/{cohort.pk}/").status_code == 403
    assert _api(HRFactory()).get("/api/standup-drills/").status_code == 403


def test_a_manager_chooses_the_deck_on_the_page_and_through_the_api(deck, cohort, facilitator):
    response = _page(facilitator).post(f"/practice/standups/{cohort.pk}/", {"deck": deck.pk})
    assert response.status_code == 302
    rows = _api(facilitator).get("/api/standup-drills/").json()
    assert rows[0]["deck"] == deck.pk
    assert rows[0]["card"] in [c.pk for c in selectors.deck_cards(deck)]
    other_cohort = CohortFactory()
    refused = _api(facilitator).post(
        "/api/standup-drills/choose-deck/",
        {"cohort": other_cohort.pk, "deck": deck.pk},
        format="json",
    )
    assert refused.status_code == 400
    assert "cohort" in refused.json()


def test_a_manager_makes_a_deck_on_the_page(program, facilitator):
    cards = [ScenarioCardFactory(program=program) for _ in range(2)]
    response = _page(facilitator).post(
        "/practice/decks/",
        {"name": "Refunds", "program": program.pk, "cards": [c.pk for c in cards]},
    )
    assert response.status_code == 302
    assert DeckCard.objects.filter(deck__name="Refunds").count() == 2


def test_decks_through_the_api_readable_by_all_written_by_managers(deck, program, facilitator):
    assert _api(AgentFactory()).get(f"/api/scenario-decks/{deck.pk}/").json()["cards"] == [
        c.pk for c in selectors.deck_cards(deck)
    ]
    card = ScenarioCardFactory(program=program)
    assert (
        _api(AgentFactory()).post(
            "/api/scenario-decks/", {"name": "x", "program": program.pk}, format="json"
        )
    ).status_code == 403
    created = _api(facilitator).post(
        "/api/scenario-decks/",
        {"name": "Mine", "program": program.pk, "cards": [card.pk]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["cards"] == [card.pk]


# --- suggestions --------------------------------------------------------------------------------


SUGGESTED = {
    "title": "Parcel left at the wrong door",
    "persona": "A retired teacher ordering a gift.",
    "situation": "The parcel shows delivered but she never got it; the birthday is tomorrow.",
    "intensity": "medium",
}


def test_an_agent_suggests_and_a_manager_accepts_it_into_a_deck(agent, program, deck, facilitator):
    created = _api(agent).post(
        "/api/scenario-suggestions/", {**SUGGESTED, "program": program.pk}, format="json"
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert _api(CoachFactory()).get("/api/scenario-suggestions/").status_code == 403
    assert _api(ManagerFactory()).get(f"/api/scenario-suggestions/{pk}/").status_code == 404
    accepted = _api(facilitator).post(
        f"/api/scenario-suggestions/{pk}/accept/", {"deck": deck.pk}, format="json"
    )
    assert accepted.status_code == 200, accepted.json()
    card = ScenarioCard.objects.get(pk=accepted.json()["card"])
    assert (card.program, card.title, card.intensity) == (program, SUGGESTED["title"], "medium")
    assert selectors.deck_cards(deck)[-1] == card
    again = _api(facilitator).post(f"/api/scenario-suggestions/{pk}/decline/", {"note": "x"})
    assert again.status_code == 400


def test_a_decline_needs_a_note_the_agent_reads(agent, program, facilitator):
    suggestion = services.suggestion_submit(agent=agent, program=program, **SUGGESTED)
    client = _page(facilitator)
    client.post(f"/practice/suggestions/{suggestion.pk}/review/", {"decision": "decline"})
    assert ScenarioSuggestion.objects.get().status == "pending"
    client.post(
        f"/practice/suggestions/{suggestion.pk}/review/",
        {"decision": "decline", "note": "We have one like it already."},
    )
    assert ScenarioSuggestion.objects.get().status == "declined"
    page = _page(agent).get("/practice/suggestions/").content.decode()
    assert "We have one like it already." in page


def test_an_agent_suggests_on_the_page_and_the_manager_adds_it(agent, program, facilitator):
    response = _page(agent).post(
        "/practice/suggestions/", {**SUGGESTED, "program": program.pk, "ambiguity": ""}
    )
    assert response.status_code == 302
    suggestion = ScenarioSuggestion.objects.get()
    page = _page(facilitator).get("/practice/suggestions/").content.decode()
    assert SUGGESTED["title"] in page
    _page(facilitator).post(
        f"/practice/suggestions/{suggestion.pk}/review/", {"decision": "accept", "deck": ""}
    )
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"
    assert suggestion.card.title == SUGGESTED["title"]
