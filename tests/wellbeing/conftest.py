import datetime

import pytest
from django.utils import timezone

from cohorts import services
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import CohortFactory, ManagerFactory


@pytest.fixture
def coaching_cohort(db):
    """Four agents (teams Billing and Chat, alternately) on day 32 of a cohort: the first
    coaching week is under way, so each has a coaching partner."""
    cohort = CohortFactory(
        program=rollout_program(),
        start_date=timezone.localdate() - datetime.timedelta(days=31),
        time_zone="UTC",
        facilitators=[ManagerFactory()],
    )
    enrol(cohort, 4)
    services.cohort_start(cohort=cohort, now=timezone.now() - datetime.timedelta(days=32))
    return cohort
