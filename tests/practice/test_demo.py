"""The demo's written drills: Ada's two answers on a seeds' card, with the coach's marks."""

import pytest
from django.core.management import call_command

from practice import selectors
from practice.demo import demo_practice_create
from practice.models import DrillAnswer, FindingMark
from programs.models import Program
from tests.factories import (
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    ManagerFactory,
    ReviewPlanFactory,
)

pytestmark = pytest.mark.django_db


def test_the_demo_drills_are_made_once_and_give_the_precision_report_figures():
    call_command("load_playbook", verbosity=0)
    program = Program.objects.get(name="Empathy Essentials", cloned_from__isnull=True)
    cohort = CohortFactory(program=program, facilitators=[ManagerFactory()])
    agent = EnrollmentFactory(cohort=cohort).agent
    coach = CoachFactory()
    ReviewPlanFactory(cohort=cohort, coaches=[coach])

    assert demo_practice_create(agent=agent, coach=coach) is not None
    assert demo_practice_create(agent=agent, coach=coach) is None

    assert DrillAnswer.objects.filter(agent=agent).count() == 2
    assert FindingMark.objects.filter(coach=coach).count() == 4
    rows = {row.rule: row for row in selectors.rule_precision()}
    assert rows["blame"].precision == 1.0
    assert rows["paraphrase"].precision == 0.0
