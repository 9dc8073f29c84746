import pytest
from django.utils import timezone

from programs.models import Program
from tests.factories import (
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    ManagerFactory,
    ProgramFactory,
    ReviewPlanFactory,
    ScenarioCardFactory,
)


@pytest.fixture
def program(db):
    return ProgramFactory(status=Program.Status.PUBLISHED, published_at=timezone.now())


@pytest.fixture
def card(program):
    return ScenarioCardFactory(
        program=program,
        title="Refund denied outside the window",
        situation="He cancelled 35 days after purchase and was refused a refund.",
        intensity="high",
        ambiguity="The confirmation e-mail did not mention the limit.",
    )


@pytest.fixture
def facilitator(db):
    return ManagerFactory()


@pytest.fixture
def cohort(program, facilitator):
    return CohortFactory(program=program, facilitators=[facilitator])


@pytest.fixture
def agent(cohort):
    return EnrollmentFactory(cohort=cohort).agent


@pytest.fixture
def coach(cohort):
    """A coach of the agent's cohort (its review plan's coaches)."""
    coach = CoachFactory()
    ReviewPlanFactory(cohort=cohort, coaches=[coach])
    return coach


WEAK_ANSWER = "Sorry for any inconvenience. You should have read the policy."
STRONG_ANSWER = (
    "Being refused a refund after 35 days must be frustrating. Let's fix this together: "
    "first I will check your confirmation e-mail. Which address did you use? I will call "
    "you back by 3 pm today."
)
