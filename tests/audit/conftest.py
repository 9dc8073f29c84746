from auditlog.models import LogEntry

# The cohorts' fixtures: a published 90-day program and a cohort facilitated by Maya.
from tests.cohorts.conftest import (  # noqa: F401
    BEFORE_START,
    cohort,
    enrol,
    facilitator,
    program,
)


def entries_for(obj):
    """The audit entries about `obj`, oldest first."""
    return LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


def last_entry(obj) -> LogEntry:
    return entries_for(obj).last()
