import datetime

import pytest
import time_machine
from django.core.management import call_command

from cohorts import services
from programs.models import Program
from programs.services import program_publish
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    ManagerFactory,
    ModuleFactory,
    PhaseFactory,
    ProgramFactory,
    RubricCriterionFactory,
    TeamFactory,
    WorkshopFactory,
)

# The cohort below starts on Monday 26 October 2026 in New York; DST ends there on
# Sunday 1 November, inside the first week.
START = datetime.date(2026, 10, 26)
BEFORE_START = datetime.datetime(2026, 10, 20, 12, tzinfo=datetime.UTC)


def rollout_program():
    """A published 90-day program: workshops on days 3 and 10, four coaching weeks."""
    program = ProgramFactory(name="Rollout")
    for key in ("tone", "validation", "paraphrase", "question_quality", "actionable_closure"):
        RubricCriterionFactory(rubric=program.rubric, key=key, scale_min=1, scale_max=5)
    foundation = PhaseFactory(program=program, order=1, name="Foundation", first_day=1, last_day=30)
    practice = PhaseFactory(
        program=program, order=2, name="Practice", first_day=31, last_day=60, peer_coaching=True
    )
    PhaseFactory(program=program, order=3, name="Certification", first_day=61, last_day=90)
    WorkshopFactory(phase=foundation, title="Empathy basics", day=3, minutes=60)
    WorkshopFactory(phase=foundation, title="Active listening", day=10, minutes=60)
    for week, topic in enumerate(["Reflective listening", "Tone matching"], start=1):
        ModuleFactory(phase=foundation, week=week, topic=topic, prework_content=f"Read {topic}")
    for week in range(1, 5):
        ModuleFactory(phase=practice, week=week, topic=f"Practice week {week}")
    return program_publish(program=program)


@pytest.fixture
def facilitator(db):
    return ManagerFactory(email="maya@example.com")


@pytest.fixture
def program(db):
    return rollout_program()


@pytest.fixture
def cohort(program, facilitator):
    return CohortFactory(
        program=program,
        start_date=START,
        time_zone="America/New_York",
        facilitators=[facilitator],
    )


def enrol(cohort, count, teams=("Billing", "Chat")):
    team_objs = [TeamFactory(name=name) for name in teams]
    return [
        EnrollmentFactory(cohort=cohort, agent__team=team_objs[i % len(team_objs)])
        for i in range(count)
    ]


@pytest.fixture
def started(cohort):
    """The cohort with six agents, started before day 1."""
    enrol(cohort, 6)
    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_start(cohort=cohort)
    cohort.refresh_from_db()
    return cohort


@pytest.fixture
def playbook(db):
    """The built-in programs: Empathy Essentials and its quarterly Empathy Refresher."""
    call_command("load_playbook", verbosity=0)
    return (
        Program.objects.get(name="Empathy Essentials"),
        Program.objects.get(name="Empathy Refresher"),
    )


@pytest.fixture
def schedule(playbook, facilitator):
    """A recurring refresher of Empathy Essentials, in London, set up by `facilitator`."""
    source, refresher = playbook
    return services.refresher_schedule_create(
        created_by=facilitator,
        source_program=source,
        refresher_program=refresher,
        time_zone="Europe/London",
    )
