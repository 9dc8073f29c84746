"""Flashcards with Leitner boxes: today's session, moving up and back to box 1, the days
between reviews in the agent's time zone, the new-card allowance, progress on the plan."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from practice import flashcards
from practice.models import FlashcardBox, Framework, FrameworkStep
from tests.factories import (
    AgentFactory,
    CoachFactory,
    HRFactory,
    MicroScriptFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

# 09:00 in Paris on a Monday.
MONDAY = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def scripts(program):
    return [
        MicroScriptFactory(program=program, kind="validation", text=f"Line {n}.") for n in range(7)
    ]


@pytest.fixture
def paris_agent(agent):
    agent.time_zone = "Europe/Paris"
    agent.save(update_fields=["time_zone"])
    return agent


def _review(agent, script, knew, now):
    return flashcards.flashcard_review(agent=agent, script=script, knew=knew, now=now)


def test_a_first_session_offers_five_new_cards(paris_agent, scripts):
    cards = flashcards.session_cards(agent=paris_agent, now=MONDAY)
    assert [c.script for c in cards] == scripts[:5]
    assert all(c.box is None for c in cards)


def test_a_card_known_moves_up_a_box_and_comes_back_after_its_interval(paris_agent, scripts):
    box = _review(paris_agent, scripts[0], True, MONDAY)
    assert (box.box, box.due_on) == (2, datetime.date(2026, 11, 4))
    box = _review(paris_agent, scripts[0], True, MONDAY + datetime.timedelta(days=2))
    assert (box.box, box.due_on) == (3, datetime.date(2026, 11, 8))


def test_a_card_not_known_goes_back_to_box_one_for_tomorrow(paris_agent, scripts):
    _review(paris_agent, scripts[0], True, MONDAY)
    box = _review(paris_agent, scripts[0], False, MONDAY + datetime.timedelta(days=2))
    assert (box.box, box.due_on, box.lapses) == (1, datetime.date(2026, 11, 5), 1)


def test_the_top_box_is_five(paris_agent, scripts):
    day = MONDAY
    for _ in range(6):
        box = _review(paris_agent, scripts[0], True, day)
        reviewed_on, day = (
            day.date(),
            datetime.datetime.combine(box.due_on, datetime.time(9), tzinfo=datetime.UTC),
        )
    assert box.box == 5
    assert box.due_on - reviewed_on == datetime.timedelta(days=16)


def test_a_card_not_due_yet_is_refused_so_a_double_submit_moves_it_once(paris_agent, scripts):
    _review(paris_agent, scripts[0], True, MONDAY)
    with pytest.raises(ValidationError):
        _review(paris_agent, scripts[0], True, MONDAY + datetime.timedelta(minutes=1))
    assert FlashcardBox.objects.get().box == 2


def test_days_are_the_agents_own(paris_agent, scripts):
    # 23:30 UTC on Monday is already Tuesday in Paris: the card is due on Wednesday.
    late = datetime.datetime(2026, 11, 2, 23, 30, tzinfo=datetime.UTC)
    assert _review(paris_agent, scripts[0], False, late).due_on == datetime.date(2026, 11, 4)


def test_the_new_card_allowance_is_per_day(paris_agent, scripts):
    for script in scripts[:5]:
        _review(paris_agent, script, True, MONDAY)
    assert flashcards.session_cards(agent=paris_agent, now=MONDAY) == []
    tomorrow = flashcards.session_cards(agent=paris_agent, now=MONDAY + datetime.timedelta(days=1))
    assert [c.script for c in tomorrow] == scripts[5:]


def test_due_cards_come_first_lowest_box_first(paris_agent, scripts):
    _review(paris_agent, scripts[0], True, MONDAY)  # box 2, due Wednesday
    _review(paris_agent, scripts[1], False, MONDAY)  # box 1, due Tuesday
    wednesday = MONDAY + datetime.timedelta(days=2)
    cards = flashcards.session_cards(agent=paris_agent, now=wednesday)
    assert [(c.script, c.box) for c in cards[:2]] == [(scripts[1], 1), (scripts[0], 2)]
    assert cards[2].box is None


def test_only_the_scripts_of_the_agents_published_programs_are_cards(paris_agent, scripts):
    other = MicroScriptFactory()  # another (draft) program's
    with pytest.raises(ValidationError):
        _review(paris_agent, other, True, MONDAY)
    assert other not in flashcards.flashcard_scripts(agent=paris_agent)


def test_progress_counts_learned_cards_by_box(paris_agent, scripts):
    day = MONDAY
    for _ in range(3):  # Monday, Wednesday, Sunday: box 2, 3, then 4 (learned)
        box = _review(paris_agent, scripts[0], True, day)
        day = datetime.datetime.combine(box.due_on, datetime.time(9), tzinfo=datetime.UTC)
    _review(paris_agent, scripts[1], True, MONDAY)
    sunday = MONDAY + datetime.timedelta(days=6)
    with CaptureQueriesContext(connection) as queries:
        progress = flashcards.flashcard_progress(agent=paris_agent, now=sunday)
    # the scripts' count, the frameworks' count, the boxes, the days, today's new cards
    assert len(queries) == 5
    assert (progress.total, progress.seen, progress.learned, progress.new) == (7, 2, 1, 5)
    assert progress.boxes == {1: 0, 2: 1, 3: 0, 4: 1, 5: 0}
    # due: script 1 (since Wednesday) and five new cards
    assert progress.due_today == 6
    assert (progress.reviewed_today, progress.streak_days) == (1, 1)


def test_the_streak_counts_consecutive_days_ending_today(paris_agent, scripts):
    for n, script in enumerate(scripts[:3]):
        _review(paris_agent, script, True, MONDAY + datetime.timedelta(days=n))
    progress = flashcards.flashcard_progress(
        agent=paris_agent, now=MONDAY + datetime.timedelta(days=2)
    )
    assert (progress.streak_days, progress.reviewed_today) == (3, 1)


# --- pages and API ------------------------------------------------------------------------------


def test_the_plan_shows_flashcard_progress_with_a_link_to_the_session(paris_agent, scripts):
    client = Client()
    client.force_login(paris_agent)
    page = client.get("/plan/").content.decode()
    assert "Flashcards" in page
    assert "5 cards for today" in page
    assert "Learned: 0 of 7" in page
    assert "/practice/flashcards/" in page


def test_an_agent_goes_through_a_card_on_the_page(paris_agent, scripts):
    client = Client()
    client.force_login(paris_agent)
    page = client.get("/practice/flashcards/").content.decode()
    assert "Line 0." in page
    with time_machine.travel(MONDAY, tick=False):
        response = client.post(
            f"/practice/flashcards/script/{scripts[0].pk}/review/", {"knew": "yes"}
        )
    assert response.status_code == 302
    assert FlashcardBox.objects.get(script=scripts[0]).box == 2


def test_flashcard_pages_and_api_are_for_agents_only(scripts):
    for user in (CoachFactory(), HRFactory()):
        client = Client()
        client.force_login(user)
        assert client.get("/practice/flashcards/").status_code == 403
        api = APIClient()
        api.force_authenticate(user)
        assert api.get("/api/flashcards/").status_code == 403


def test_the_api_gives_the_session_takes_a_review_and_reports_progress(paris_agent, scripts):
    api = APIClient()
    api.force_authenticate(paris_agent)
    with time_machine.travel(MONDAY, tick=False):
        cards = api.get("/api/flashcards/").json()
        assert [(c["kind"], c["id"]) for c in cards] == [("script", s.pk) for s in scripts[:5]]
        assert cards[0]["back"] == "Line 0."
        reviewed = api.post(
            "/api/flashcards/review/",
            {"kind": "script", "id": scripts[0].pk, "knew": True},
            format="json",
        )
        assert reviewed.status_code == 200
        assert reviewed.json() == {
            "kind": "script", "id": scripts[0].pk, "box": 2, "due_on": "2026-11-04",
        }  # fmt: skip
        again = api.post(
            "/api/flashcards/review/",
            {"kind": "script", "id": scripts[0].pk, "knew": True},
            format="json",
        )
        assert again.status_code == 400
        progress = api.get("/api/flashcards/progress/").json()
    assert progress["seen"] == 1
    assert progress["boxes"]["2"] == 1


def test_reviewing_someone_elses_script_is_a_400_naming_it(paris_agent):
    api = APIClient()
    api.force_authenticate(AgentFactory())
    response = api.post(
        "/api/flashcards/review/", {"kind": "script", "id": 999, "knew": True}, format="json"
    )
    assert response.status_code == 400
    assert "id" in response.json()


def test_the_session_takes_three_queries(paris_agent, scripts):
    _review(paris_agent, scripts[0], False, MONDAY)
    with CaptureQueriesContext(connection) as queries:
        flashcards.session_cards(agent=paris_agent, now=timezone.now())
    assert len(queries) == 3  # due boxes with scripts, today's new count, new scripts


def test_the_frameworks_taught_in_the_agents_program_are_cards_after_the_scripts(
    paris_agent, program
):
    workshop = WorkshopFactory(phase__program=program)
    heart = Framework.objects.create(slug="heart", name="HEART", summary="s")
    FrameworkStep.objects.create(framework=heart, order=2, name="Empathize", text="Say it back.")
    FrameworkStep.objects.create(framework=heart, order=1, name="Hear", text="Listen.")
    heart.workshops.add(workshop)
    Framework.objects.create(slug="care", name="CARE", summary="not taught here")
    script = MicroScriptFactory(program=program)

    cards = flashcards.session_cards(agent=paris_agent, now=MONDAY)
    assert [(c.kind, c.pk) for c in cards] == [("script", script.pk), ("framework", heart.pk)]
    assert cards[1].front == "HEART: its steps, in order"
    assert cards[1].back == "1. Hear: Listen.\n2. Empathize: Say it back."

    box = flashcards.flashcard_review(agent=paris_agent, framework=heart, knew=True, now=MONDAY)
    assert (box.box, box.framework) == (2, heart)
    care = Framework.objects.get(slug="care")
    with pytest.raises(ValidationError):
        flashcards.flashcard_review(agent=paris_agent, framework=care, knew=True, now=MONDAY)
    progress = flashcards.flashcard_progress(agent=paris_agent, now=MONDAY)
    assert (progress.total, progress.seen) == (2, 1)
