import datetime
from decimal import Decimal

import pytest

from cohorts.models import CoachingPair, CoachingPairMember, RubricScore, ScheduleItem
from reviews.models import ReviewAssignment
from tests.factories import (
    CoachFactory,
    EnrollmentFactory,
    InteractionFactory,
    ReviewPlanFactory,
)

# Europe/Berlin leaves summer time on Sunday 2026-10-25: the week sampled for the review
# week of Monday 2026-10-26 has a 25-hour day.
WEEK = datetime.date(2026, 10, 26)
# Monday 02:00 in Berlin, when beat starts the weekly run.
NOW = datetime.datetime(2026, 10, 26, 1, tzinfo=datetime.UTC)
# Inside the sampled week (Monday 19 to Sunday 25 October, Berlin).
IN_WEEK = datetime.datetime(2026, 10, 21, 10, tzinfo=datetime.UTC)


@pytest.fixture
def coaches(db):
    return [CoachFactory(display_name="Ada"), CoachFactory(display_name="Bo")]


@pytest.fixture
def plan(coaches):
    return ReviewPlanFactory(coaches=coaches)


def enrol(plan, **kwargs):
    return EnrollmentFactory(cohort=plan.cohort, **kwargs)


def interactions(agent, count, **kwargs):
    kwargs.setdefault("occurred_at", IN_WEEK)
    return InteractionFactory.create_batch(count, agent=agent, **kwargs)


def pair(cohort, *agents, week=WEEK):
    """A coaching week (Monday to Sunday, the cohort's zone) in which `agents` are paired."""
    from reviews.assignment import week_due_at, week_start

    item = ScheduleItem.objects.create(
        cohort=cohort,
        kind=ScheduleItem.Kind.COACHING,
        coaching_week=1,
        title="Peer coaching, week 1",
        starts_at=week_start(week=week, time_zone=cohort.time_zone),
        ends_at=week_due_at(week=week, time_zone=cohort.time_zone),
        due_at=week_due_at(week=week, time_zone=cohort.time_zone),
    )
    coaching_pair = CoachingPair.objects.create(cohort=cohort, week=1, item=item)
    for agent in agents:
        enrollment = cohort.enrollments.get(agent=agent)
        CoachingPairMember.objects.create(
            pair=coaching_pair, enrollment=enrollment, cohort=cohort, week=1
        )
    return coaching_pair


def submit(assignment: ReviewAssignment, at=NOW) -> ReviewAssignment:
    """Stands in for the submit service (written elsewhere): a QA score, then submitted."""
    assignment.score = RubricScore.objects.create(
        rubric=assignment.plan.cohort.program.rubric,
        scorer=assignment.reviewer,
        subject=assignment.agent,
        context=RubricScore.Context.QA,
        values={},
        percent=Decimal(80),
        scored_at=at,
    )
    assignment.status = ReviewAssignment.Status.SUBMITTED
    assignment.completed_at = at
    assignment.save()
    return assignment
