"""Shared by the review tests: a coach, a cohort with a review plan and one assignment."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import ReviewAssignment, ReviewPlan
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import CoachFactory, CohortFactory, InteractionFactory, ManagerFactory

KEYS = ("tone", "validation", "paraphrase", "question_quality", "actionable_closure")
ALL_FOURS = {f"score_{key}": "4" for key in KEYS}
FEEDBACK = {"strength": "Named the customer's worry.", "next_step": "Summarise before closing."}


@pytest.fixture
def coach(db):
    return CoachFactory(display_name="Cora Coach")


@pytest.fixture
def assignment(coach):
    cohort = CohortFactory(program=rollout_program(), facilitators=[ManagerFactory()])
    agent = enrol(cohort, 1)[0].agent
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
