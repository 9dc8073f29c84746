"""A training manager's exposure jobs in Chromium, through the pages only: read the
notification of a rotation advisory, see which teammate could take the account's next
escalation, and correct an interaction's intensity; HR reads exposure by team."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from insights.models import Interaction
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import (
    AgentFactory,
    CohortFactory,
    EnrollmentFactory,
    HRFactory,
    InteractionFactory,
    ManagerFactory,
    TeamFactory,
)
from wellbeing.advisories import rotation_advisories_raise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_acts_on_a_rotation_advisory_and_corrects_an_intensity(page, live_server):
    manager = ManagerFactory(email="maya@example.com")
    team = TeamFactory(name="Billing")
    ana = AgentFactory(team=team, display_name="Ana Agent")
    tom = AgentFactory(team=team, display_name="Tom Teammate")
    cohort = CohortFactory(facilitators=[manager])
    for agent in (ana, tom):
        EnrollmentFactory(cohort=cohort, agent=agent)
    now = timezone.now()
    for hours in range(5, 0, -1):
        InteractionFactory(
            agent=ana,
            account="Northwind",
            escalated=True,
            intensity="high",
            intensity_reason="escalated",
            occurred_at=now - datetime.timedelta(hours=hours),
        )
    InteractionFactory(agent=tom, account="Contoso", occurred_at=now - datetime.timedelta(days=1))
    assert rotation_advisories_raise(accounts=["Northwind"]) == 1

    sign_in(page, live_server, manager.email)
    page.get_by_role("link", name="Notifications").first.click()
    page.get_by_role("link", name="Northwind").first.click()
    expect(page.get_by_role("heading", name="Rotate Northwind")).to_be_visible()
    first = page.get_by_role("region", name="Teammates").get_by_role("row").nth(1)
    assert "Tom Teammate" in first.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Back to exposure and recovery").click()
    expect(page.get_by_role("region", name="Exposure by agent")).to_be_visible()
    assert "rotate" in page.get_by_role("row").filter(has_text="Ana Agent").first.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Correct").first.click()
    page.get_by_label("Medium").check()
    page.get_by_role("button", name="Save").click()

    corrected = Interaction.objects.filter(agent=ana, intensity="medium")
    assert corrected.count() == 1
    assert corrected.get().intensity_source == "corrected"


def test_hr_reads_exposure_by_team_only(page, live_server):
    sign_in(page, live_server, HRFactory(email="hana@example.com").email)
    page.get_by_role("link", name="Exposure").click()

    assert "/wellbeing/exposure/teams/" in page.url
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/wellbeing/exposure/")
    assert response.status == 403  # agents one by one are for their managers only
