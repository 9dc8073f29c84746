"""The main pages work under the Content-Security-Policy: the browser reports no violation."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import HRFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit_collecting_violations(page, url) -> list[str]:
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return violations


def test_the_managers_agents_and_hrs_pages_break_no_policy(page, live_server, running_cohort):
    enrollment = running_cohort.enrollments.order_by("pk").first()
    HRFactory(email="hana@example.com")
    found = []
    sign_in(page, live_server, "maya@example.com")
    for path in (f"/cohorts/{running_cohort.pk}/", "/audit/", "/account/tokens/", "/api/docs/"):
        found += visit_collecting_violations(page, f"{live_server.url}{path}")
    page.context.clear_cookies()
    sign_in(page, live_server, enrollment.agent.email)
    found += visit_collecting_violations(page, f"{live_server.url}/plan/")
    page.context.clear_cookies()
    sign_in(page, live_server, "hana@example.com")
    found += visit_collecting_violations(page, f"{live_server.url}/insights/")

    assert found == []
