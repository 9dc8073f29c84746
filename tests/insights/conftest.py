import datetime

import pytest

from programs.services import rubric_publish
from tests.factories import (
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    InteractionFactory,
    ManagerFactory,
    RubricCriterionFactory,
    RubricFactory,
)

START = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
END = datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
KEYS = ["tone", "validation"]


@pytest.fixture
def rubric(db):
    rubric = RubricFactory(name="Empathy")
    for key in KEYS:
        RubricCriterionFactory(rubric=rubric, key=key, scale_min=1, scale_max=5)
    return rubric_publish(rubric=rubric)


@pytest.fixture
def manager(db):
    return ManagerFactory()


@pytest.fixture
def cohort(manager):
    return CohortFactory(facilitators=[manager])


@pytest.fixture
def agents(cohort):
    return [EnrollmentFactory(cohort=cohort).agent for _ in range(4)]


@pytest.fixture
def reviewers(db):
    return CoachFactory.create_batch(3)


def make_interactions(agents, counts: dict[str, int], when=START + datetime.timedelta(days=3)):
    rows = []
    for channel, count in counts.items():
        for n in range(count):
            rows.append(
                InteractionFactory(agent=agents[n % len(agents)], channel=channel, occurred_at=when)
            )
    return rows
