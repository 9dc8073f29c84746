import pytest
from django.utils import timezone

from hiring import services
from tests.factories import (
    AgentFactory,
    CoachFactory,
    HRFactory,
    ManagerFactory,
    ScenarioCardFactory,
    TeamFactory,
)


@pytest.fixture
def team(db):
    return TeamFactory(name="Billing")


@pytest.fixture
def manager(team):
    person = ManagerFactory(email="maya@example.com", display_name="Maya Manager")
    team.managers.add(person)
    return person


@pytest.fixture
def coach(db):
    return CoachFactory(email="cole@example.com", display_name="Cole Coach")


@pytest.fixture
def second_interviewer(db):
    return ManagerFactory(email="ivo@example.com", display_name="Ivo Interviewer")


@pytest.fixture
def opening(manager, team, coach, second_interviewer):
    return services.opening_create(
        by=manager, title="Billing agents, spring", team=team,
        interviewers=[coach, second_interviewer],
    )  # fmt: skip


@pytest.fixture
def candidate(opening):
    return services.candidate_add(opening=opening, name="Cara Candidate", email="cara@mail.test")


@pytest.fixture
def interview(candidate):
    card = library_card(title="Double charge")
    return services.interview_create(candidate=candidate, scenario=card)


@pytest.fixture
def outsiders(db):
    """Everyone who must not see the opening: another manager, a coach who does not
    interview, an agent (even one of the team) and HR."""
    return {
        "other manager": ManagerFactory(email="otto@example.com"),
        "coach not interviewing": CoachFactory(email="nina@example.com"),
        "agent": AgentFactory(email="ada@example.com"),
        "hr": HRFactory(email="hana@example.com"),
    }


def library_card(**kwargs):
    """A scenario card of a published program: in the library interviews draw from."""
    return ScenarioCardFactory(
        program__status="published", program__published_at=timezone.now(), **kwargs
    )


def values(listening=3, tone=3, validation=3, resolution_orientation=3) -> dict:
    return {
        "listening": listening,
        "tone": tone,
        "validation": validation,
        "resolution_orientation": resolution_orientation,
    }


def every(score: int) -> dict:
    """The same score on every criterion."""
    return values(score, score, score, score)
