import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Team, User
from cohorts.models import Cohort, Enrollment
from programs.models import (
    MicroScript,
    Module,
    Phase,
    Program,
    Rubric,
    RubricCriterion,
    ScenarioCard,
    Workshop,
)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("name")
    role = User.Role.AGENT
    password = factory.django.Password("pw")


class AgentFactory(UserFactory):
    role = User.Role.AGENT
    team = factory.SubFactory(TeamFactory)


class ManagerFactory(UserFactory):
    role = User.Role.MANAGER


class CoachFactory(UserFactory):
    role = User.Role.COACH


class HRFactory(UserFactory):
    role = User.Role.HR


class RubricFactory(DjangoModelFactory):
    class Meta:
        model = Rubric

    name = factory.Sequence(lambda n: f"Rubric {n}")
    version = 1


class RubricCriterionFactory(DjangoModelFactory):
    class Meta:
        model = RubricCriterion

    rubric = factory.SubFactory(RubricFactory)
    order = factory.Sequence(int)
    key = factory.Sequence(lambda n: f"criterion_{n}")
    name = factory.Sequence(lambda n: f"Criterion {n}")


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    owner = factory.SubFactory(ManagerFactory)
    rubric = factory.SubFactory(RubricFactory)


class PhaseFactory(DjangoModelFactory):
    class Meta:
        model = Phase

    program = factory.SubFactory(ProgramFactory)
    order = 1
    name = factory.Sequence(lambda n: f"Phase {n}")
    first_day = 1
    last_day = 30


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop

    phase = factory.SubFactory(PhaseFactory)
    program = factory.SelfAttribute("phase.program")
    title = factory.Sequence(lambda n: f"Workshop {n}")
    minutes = 60
    day = 1


class ModuleFactory(DjangoModelFactory):
    class Meta:
        model = Module

    phase = factory.SubFactory(PhaseFactory)
    program = factory.SelfAttribute("phase.program")
    week = 1
    topic = factory.Sequence(lambda n: f"Module {n}")


class ScenarioCardFactory(DjangoModelFactory):
    class Meta:
        model = ScenarioCard

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Scenario {n}")
    persona = "A small-business owner"
    situation = "Was charged twice"
    intensity = "medium"


class MicroScriptFactory(DjangoModelFactory):
    class Meta:
        model = MicroScript

    program = factory.SubFactory(ProgramFactory)
    kind = MicroScript.Kind.OPENING
    text = "Thanks for getting in touch."


def complete_program(**kwargs) -> Program:
    """A draft program with everything publishing needs: 2 phases, a workshop, a module."""
    program = ProgramFactory(**kwargs)
    RubricCriterionFactory.create_batch(3, rubric=program.rubric)
    first = PhaseFactory(program=program, order=1, first_day=1, last_day=30)
    second = PhaseFactory(program=program, order=2, first_day=31, last_day=60)
    WorkshopFactory(phase=first)
    ModuleFactory(phase=second, week=1)
    ModuleFactory(phase=second, week=2)
    ScenarioCardFactory(program=program)
    MicroScriptFactory(program=program)
    return program


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    start_date = datetime.date(2026, 10, 5)
    time_zone = "Europe/Paris"

    @factory.post_generation
    def facilitators(self, create, extracted, **kwargs):
        if create and extracted:
            self.facilitators.set(extracted)


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    cohort = factory.SubFactory(CohortFactory)
    program = factory.SelfAttribute("cohort.program")
    agent = factory.SubFactory(AgentFactory)


class InteractionFactory(DjangoModelFactory):
    class Meta:
        model = "insights.Interaction"

    source = "zendesk"
    external_id = factory.Sequence(lambda n: f"T-{n}")
    channel = "chat"
    agent = factory.SubFactory(AgentFactory)
    occurred_at = datetime.datetime(2026, 9, 15, 12, tzinfo=datetime.UTC)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Stored as the writers store interactions: with the weekly rollup brought up to
        date (insights.interaction_weeks)."""
        from insights.interaction_weeks import interaction_weeks_refresh

        interaction = super()._create(model_class, *args, **kwargs)
        interaction_weeks_refresh(interactions=model_class.objects.filter(pk=interaction.pk))
        return interaction


class ReviewPlanFactory(DjangoModelFactory):
    class Meta:
        model = "reviews.ReviewPlan"
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory, time_zone="Europe/Berlin")

    @factory.post_generation
    def coaches(self, create, extracted, **kwargs):
        if create and extracted:
            self.coaches.set(extracted)


class ReviewAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = "reviews.ReviewAssignment"

    plan = factory.SubFactory(ReviewPlanFactory)
    agent = factory.SubFactory(AgentFactory)
    week = datetime.date(2026, 10, 26)
    slot = factory.Sequence(lambda n: n % 20 + 1)
    interaction = factory.SubFactory(InteractionFactory, agent=factory.SelfAttribute("..agent"))
    reviewer = factory.SubFactory(CoachFactory)
    due_at = datetime.datetime(2026, 11, 1, 22, 59, tzinfo=datetime.UTC)
