import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import CoachingPair, CoachingPairMember, RubricScore, ScheduleItem
from reviews.models import ReviewAssignment, ReviewPlan
from tests.cohorts.conftest import enrol as enrol_in_cohort
from tests.cohorts.conftest import rollout_program
from tests.factories import (
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    InteractionFactory,
    ManagerFactory,
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


# --- The coach's pages (tests/reviews/test_review_page.py, test_disputes.py) ---

KEYS = ("tone", "validation", "paraphrase", "question_quality", "actionable_closure")
ALL_FOURS = {f"score_{key}": "4" for key in KEYS}
FEEDBACK = {"strength": "Named the customer's worry.", "next_step": "Summarise before closing."}


@pytest.fixture
def coach(db):
    return CoachFactory(display_name="Cora Coach")


@pytest.fixture
def assignment(coach):
    cohort = CohortFactory(program=rollout_program(), facilitators=[ManagerFactory()])
    agent = enrol_in_cohort(cohort, 1)[0].agent
    plan = ReviewPlan.objects.create(cohort=cohort)
    plan.coaches.add(coach)
    return _assign(plan, agent, coach, due=timezone.now() + datetime.timedelta(days=3))


def _assign(plan, agent, coach, *, due, slot=1):
    return ReviewAssignment.objects.create(
        plan=plan, agent=agent, reviewer=coach, slot=slot, due_at=due,
        week=timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday()),
        interaction=InteractionFactory(agent=agent, csat=2, escalated=True, handle_seconds=412),
    )  # fmt: skip


def _url(assignment):
    return reverse("web:review", args=[assignment.pk])
