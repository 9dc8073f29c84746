import pytest
from auditlog.models import LogEntry

from tests.cohorts.conftest import BEFORE_START, START, enrol, rollout_program  # noqa: F401
from tests.factories import CohortFactory, ManagerFactory


def entries_for(obj, action=None):
    """The audit entries about `obj`, oldest first."""
    entries = LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")
    return entries if action is None else entries.filter(action=action)


def last_entry(obj) -> LogEntry:
    return entries_for(obj).last()


@pytest.fixture
def facilitator(db):
    return ManagerFactory(email="maya@example.com")


@pytest.fixture
def program(db):
    return rollout_program()


@pytest.fixture
def cohort(program, facilitator):
    return CohortFactory(
        program=program, start_date=START, time_zone="America/New_York", facilitators=[facilitator]
    )
