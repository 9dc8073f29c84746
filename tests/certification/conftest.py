import datetime

import pytest

from cohorts import services as cohort_services
from programs.services import program_publish
from tests.factories import (
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    ManagerFactory,
    ModuleFactory,
    PhaseFactory,
    ProgramFactory,
    RubricCriterionFactory,
    ScenarioCardFactory,
    WorkshopFactory,
)

NOW = datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC)


def certification_program(*, name="Certify me", workshop_days=(1,)):
    """A published program whose rubric has one 1-100 criterion, so a value is a percent:
    one 30-day phase with peer coaching, a workshop on each of `workshop_days`, a module
    in week 1 and a scenario card."""
    program = ProgramFactory(name=name)
    RubricCriterionFactory(rubric=program.rubric, key="overall", scale_min=1, scale_max=100)
    phase = PhaseFactory(program=program, first_day=1, last_day=30, peer_coaching=True)
    for day in workshop_days:
        WorkshopFactory(phase=phase, title=f"Workshop on day {day}", day=day)
    ModuleFactory(phase=phase, week=1)
    ScenarioCardFactory(program=program, title="Double charge")
    return program_publish(program=program)


@pytest.fixture
def program(db):
    return certification_program()


@pytest.fixture
def facilitator(db):
    return ManagerFactory()


@pytest.fixture
def cohort(program, facilitator):
    return CohortFactory(program=program, facilitators=[facilitator])


@pytest.fixture
def enrollment(cohort):
    return EnrollmentFactory(cohort=cohort)


@pytest.fixture
def assessor(db):
    return CoachFactory()


@pytest.fixture
def scenario(program):
    return program.scenario_cards.get()


def score(enrollment, value, *, context="qa", when=NOW, scorer=None):
    return cohort_services.rubric_score_create(
        rubric=enrollment.program.rubric,
        scorer=scorer or CoachFactory(),
        subject=enrollment.agent,
        context=context,
        values={"overall": value},
        scored_at=when,
        cohort=enrollment.cohort,
    )


@pytest.fixture(autouse=True)
def frozen_time():
    """Certification dates are part of what is tested: the clock stands still at NOW."""
    import time_machine

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def pass_role_play(enrollment, scenario, assessor, *, when=NOW):
    """Book and pass a live role-play at `when` (its score, 90%, counts like any other)."""
    from certification import services

    booked = services.role_play_book(
        enrollment=enrollment, scenario=scenario, assessor=assessor, now=when
    )
    return services.role_play_assess(
        assessment=booked, by=assessor, values={"overall": 90}, passed=True, now=when
    )


def meet_the_gate(enrollment, scenario, assessor, *, when=NOW, scores=(85, 85)):
    """Scores and a passed role-play at `when`: with the default gate (last 3 scores, a
    role-play), enough to certify or recertify then."""
    for value in scores:
        score(enrollment, value, when=when)
    return pass_role_play(enrollment, scenario, assessor, when=when)
