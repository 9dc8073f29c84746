"""The demo's hiring round."""

import pytest

from hiring.demo import demo_hiring_create
from hiring.models import InterviewScore
from hiring.selectors import comparison_rows

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
