import datetime

import pytest

from insights import services
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


# interactions x reviewers, one table per criterion
TONE = [[4, 4, 2], [3, 3, 1], [5, 4, 3], [2, 2, 1]]
VALIDATION = [[3, 4, 2], [2, 2, 2], [4, 5, 3], [1, 2, 1]]


@pytest.fixture
def session(manager, agents, rubric, reviewers):
    interactions = make_interactions(agents, {"call": 4})
    return services.calibration_create(
        name="November calibration",
        rubric=rubric,
        interactions=interactions,
        reviewers=reviewers,
        drift_bound=0.8,
        created_by=manager,
    )


def _score_all(session, reviewers, skip=None):
    interactions = sorted(session.interactions.all(), key=lambda i: i.pk)
    for i, interaction in enumerate(interactions):
        for r, reviewer in enumerate(reviewers):
            if (i, r) == skip:
                continue
            services.calibration_score(
                session=session,
                reviewer=reviewer,
                interaction=interaction,
                values={"tone": TONE[i][r], "validation": VALIDATION[i][r]},
            )
