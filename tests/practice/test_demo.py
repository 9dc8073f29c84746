"""The demo's written drills: Ada's two answers on a seeds' card, with the coach's marks."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from practice import flashcards, selectors
from practice.demo import (
    demo_decks_create,
    demo_exercises_create,
    demo_flashcards_create,
    demo_practice_create,
)
from practice.models import DrillAnswer, ExerciseLog, FindingMark
from programs.models import Program
from tests.factories import (
    AgentFactory,
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


def test_the_demo_flashcards_fill_several_boxes_once():
    call_command("load_playbook", verbosity=0)
    program = Program.objects.get(name="Empathy Essentials", cloned_from__isnull=True)
    agent = EnrollmentFactory(cohort=CohortFactory(program=program)).agent
    now = timezone.now()

    assert demo_flashcards_create(agent=agent, now=now) == 24
    assert demo_flashcards_create(agent=agent, now=now) == 0

    progress = flashcards.flashcard_progress(agent=agent, now=now)
    assert progress.seen > 5
    assert progress.boxes[1] > 0
    assert progress.boxes[2] + progress.boxes[3] > 0
    assert progress.streak_days == 6


def test_the_demo_exercises_are_logged_once():
    call_command("load_playbook", verbosity=0)
    agent = AgentFactory()
    assert demo_exercises_create(agent=agent) == 2
    assert demo_exercises_create(agent=agent) == 0
    assert ExerciseLog.objects.filter(agent=agent, shared_with_partner=True).count() == 1


def test_the_demo_deck_serves_the_cohorts_standup_and_a_suggestion_waits():
    call_command("load_playbook", verbosity=0)
    program = Program.objects.get(name="Empathy Essentials", cloned_from__isnull=True)
    manager = ManagerFactory()
    cohort = CohortFactory(program=program, facilitators=[manager])
    agent = EnrollmentFactory(cohort=cohort).agent

    assert demo_decks_create(cohort=cohort, manager=manager, agent=agent) is not None
    assert demo_decks_create(cohort=cohort, manager=manager, agent=agent) is None

    drill = selectors.standup_drill(cohort=cohort, now=timezone.now())
    assert drill["card"].program == program
    assert selectors.suggestion_visible_to(user=manager).get().status == "pending"
