import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import screenshot, sign_in
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import CohortFactory, ManagerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_starts_a_cohort_and_finds_it_in_the_audit_trail(page, live_server):
    facilitator = ManagerFactory(email="maya@example.com")
    cohort = CohortFactory(
        program=rollout_program(),
        name="Audited cohort",
        start_date=timezone.localdate() + datetime.timedelta(days=7),
        time_zone="UTC",
        facilitators=[facilitator],
    )
    enrol(cohort, 2)
    sign_in(page, live_server, "maya@example.com")
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/")
    page.get_by_role("button", name="Start the cohort").click()
    page.wait_for_load_state()

    page.get_by_role("link", name="Audit trail").click()
    page.get_by_label("Object type").select_option("cohorts.cohort")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()

    row = page.locator("tbody tr").filter(has_text="status").first
    assert "maya@example.com" in row.inner_text()
    assert "planned → scheduled" in row.inner_text()  # day 1 is a week away
    assert "Audited cohort" in row.inner_text()
    screenshot(page, "manager-audit-trail")
