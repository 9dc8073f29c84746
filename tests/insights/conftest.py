import datetime

import pytest

from insights import services
from insights.models import BaselineAssessment
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


# --- Finished cohorts: end of program, follow-up and the comparison ------------------------

UTC = datetime.UTC
FOLLOW_UP = BaselineAssessment.Kind.FOLLOW_UP
END_OF_PROGRAM = BaselineAssessment.Kind.END_OF_PROGRAM
# New York, last day Wednesday 5 August 2026 (EDT); + 90 days is Tuesday 3 November, after
# the clocks went back on Sunday 1 November: local midnight is 05:00 UTC, not 04:00.
LAST_DAY = datetime.date(2026, 8, 5)
CLOSED_AT = datetime.datetime(2026, 8, 6, 4, tzinfo=UTC)  # local midnight after it (EDT)
FOLLOW_UP_DUE = datetime.datetime(2026, 11, 3, 5, tzinfo=UTC)
WINDOW_START = datetime.datetime(2026, 10, 4, 4, tzinfo=UTC)  # 4 October 00:00 EDT


def finished_cohort(manager, **extra):
    fields = {
        "facilitators": [manager],
        "time_zone": "America/New_York",
        "start_date": datetime.date(2026, 6, 1),
        "end_date": LAST_DAY,
        "status": "finished",
        "closed_at": CLOSED_AT,
    }
    return CohortFactory(**fields | extra)


@pytest.fixture
def finished(manager, rubric):
    cohort = finished_cohort(manager)
    cohort.program.rubric = rubric
    cohort.program.save(update_fields=["rubric"])
    return cohort


def _baseline(cohort, rubric, reviewers, **extra):
    return services.baseline_create(
        name="Before", rubric=rubric, reviewers=reviewers, cohort=cohort,
        window_start=START - datetime.timedelta(days=200),
        window_end=START - datetime.timedelta(days=170), sample_size=10, seed=3, **extra,
    )  # fmt: skip


@pytest.fixture
def compared(finished, rubric, manager):
    return build_comparison(finished, rubric, manager)


def build_comparison(finished, rubric, manager):
    """Baseline: two scored interactions (tone 2 and 3, validation 1 and 2, CSAT 3 and 4,
    AHT 600 and 400 s, escalated 1 of 2, FCR 0 of 2). Follow-up: two (tone 4 and 5,
    validation 3 and 3, CSAT 5 and 5, AHT 300 and 500 s, escalated 0 of 2, FCR 1 of 2)."""
    agent = EnrollmentFactory(cohort=finished).agent
    before = START - datetime.timedelta(days=180)
    after = FOLLOW_UP_DUE - datetime.timedelta(days=2)
    rows = [
        (before, 3, 600, True, False),
        (before, 4, 400, False, False),
        (after, 5, 300, False, True),
        (after, 5, 500, False, False),
    ]
    for when, csat, aht, escalated, fcr in rows:
        InteractionFactory(
            agent=agent, occurred_at=when, csat=csat, handle_seconds=aht, escalated=escalated,
            resolved_first_contact=fcr,
        )  # fmt: skip
    baseline = _baseline(finished, rubric, [manager])
    services.measurement_sweep(now=FOLLOW_UP_DUE)
    follow_up = BaselineAssessment.objects.get(kind=FOLLOW_UP)
    for assessment, scores in ((baseline, [(2, 1), (3, 2)]), (follow_up, [(4, 3), (5, 3)])):
        items = sorted(assessment.items.all(), key=lambda item: item.interaction.csat)
        for item, (tone, validation) in zip(items, scores, strict=True):
            services.baseline_score(
                item=item, reviewer=manager, values={"tone": tone, "validation": validation}
            )
    return baseline, follow_up
