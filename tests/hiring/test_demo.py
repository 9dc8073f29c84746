"""The demo's hiring round."""

import datetime

import pytest
from django.utils import timezone

from hiring.demo import demo_hiring_create
from hiring.models import Candidate, InterviewScore, Opening
from hiring.selectors import comparison_rows
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_the_demo_opening_has_four_candidates_two_interviewers_and_is_scored(manager, coach, team):
    opening = demo_hiring_create(manager=manager, coach=coach, team=team)

    assert opening.candidates.count() == 4
    assert set(opening.interviewers.all()) == {manager, coach}
    assert InterviewScore.objects.count() == 7
    rows = comparison_rows(opening=opening)
    assert rows[0]["candidate"].name == "Priya Nair"
    assert any(row["disagreement"] for row in rows)  # Tom's validation: 2 against 4
    assert demo_hiring_create(manager=manager, coach=coach, team=team) is None


def test_the_demo_agent_was_hired_through_an_earlier_round_and_sees_it_on_the_plan(
    manager, coach, team, client
):
    ada = AgentFactory(
        team=TeamFactory(name="Elsewhere"),
        display_name="Ada Agent",
        hired_on=timezone.localdate() - datetime.timedelta(days=900),
    )

    demo_hiring_create(manager=manager, coach=coach, team=team, hired=ada)

    candidate = Candidate.objects.get(agent=ada)
    assert candidate.stage == Candidate.Stage.HIRED
    assert candidate.opening.status == Opening.Status.CLOSED
    assert candidate.opening.team == ada.team
    assert candidate.interviews.get().held_on == ada.hired_on - datetime.timedelta(days=5)
    assert candidate.interviews.get().scores.count() == 2
    client.force_login(ada)
    plan = client.get("/plan/").content.decode()
    assert "Your starting point" in plan
    assert 'href="/hiring/starting-point/"' in plan
