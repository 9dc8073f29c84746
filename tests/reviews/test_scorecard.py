"""The scorecard: each criterion by week, the weakest one and the distance to the bar;
for the agent, their coaches and managers, never HR."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.services import rubric_score_create
from reviews import selectors
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory

pytestmark = pytest.mark.django_db
KEYS = ("tone", "validation", "paraphrase", "question_quality", "actionable_closure")


def _scores(assignment, coach, values_list, context="qa"):
    cohort = assignment.plan.cohort
    for values in values_list:
        rubric_score_create(
            rubric=cohort.program.rubric, scorer=coach, subject=assignment.agent,
            context=context, values=values, scored_at=timezone.now(), cohort=cohort,
        )  # fmt: skip


def test_the_scorecard_finds_the_weakest_criterion_and_the_distance(coach, assignment):
    weak = dict.fromkeys(KEYS, 3) | {"paraphrase": 2}  # 3+3+2+3+3 = 14 of 25: 56%
    _scores(assignment, coach, [weak, weak, dict.fromkeys(KEYS, 4)])  # 56, 56, 80
    _scores(assignment, coach, [dict.fromkeys(KEYS, 1)], context="peer")  # never counts

    card = selectors.scorecard(agent=assignment.agent)

    assert card.weakest["key"] == "paraphrase"
    assert card.average_percent == 64  # (56 + 56 + 80) / 3
    assert card.distance_to_bar == 6
    tone = next(row for row in card.criteria if row["key"] == "tone")
    assert tone["means"][-1] == round((3 + 3 + 4) / 3, 2)  # this week; the peer 1 is left out


def test_the_agent_and_the_manager_open_it(client, coach, assignment):
    _scores(assignment, coach, [dict.fromkeys(KEYS, 4)])
    client.force_login(assignment.agent)
    assert "Weakest criterion" in client.get(reverse("web:my-scorecard")).content.decode()

    client.force_login(assignment.plan.cohort.facilitators.get())
    url = reverse("web:scorecard", args=[assignment.agent.pk])
    assert client.get(url).status_code == 200
    client.force_login(coach)  # a coach of the cohort's review plan
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("factory", "status"),
    [(HRFactory, 403), (AgentFactory, 404), (CoachFactory, 404), (ManagerFactory, 404)],
)
def test_nobody_else_opens_an_agents_scorecard(client, assignment, factory, status):
    client.force_login(factory())

    assert client.get(reverse("web:scorecard", args=[assignment.agent.pk])).status_code == status
