"""Calibration in Chromium, through the pages only: a manager opens a session, two reviewers
score blind, and the results appear for each once they have scored everything."""

import pytest
from playwright.sync_api import expect

from insights.models import CalibrationSession
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import CoachFactory, InteractionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _score_everything(page, value: int):
    """Every form on the page, every criterion at `value`, sent one by one."""
    while page.get_by_role("button", name="Send my score").count():
        form = page.locator("form", has=page.get_by_role("button", name="Send my score")).first
        for fieldset in form.locator("fieldset").all():
            fieldset.get_by_role("radio", name=str(value), exact=False).first.check()
        form.get_by_role("button", name="Send my score").click()
        page.wait_for_load_state()


def test_a_manager_opens_a_calibration_and_two_reviewers_score_blind(
    page, live_server, running_cohort
):
    agents = [e.agent for e in running_cohort.enrollments.order_by("pk")[:2]]
    calls = [InteractionFactory(agent=agent, channel="call") for agent in agents]
    CoachFactory(email="cora@example.com", display_name="Cora Coach")
    sign_in(page, live_server, "maya@example.com")

    page.get_by_role("link", name="Calibration", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="New calibration session").click()
    page.get_by_label("Name").fill("December calibration")
    for call in calls:
        page.get_by_label(call.reference).check()
    page.get_by_label("Cora Coach").check()
    page.get_by_label(str(running_cohort.facilitators.get()), exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Open the session").click()

    assert "is open" in page.get_by_role("status").inner_text()
    session = CalibrationSession.objects.get(name="December calibration")
    assert session.interactions.count() == 2
    expect(page.get_by_text("2 interactions left to score.")).to_be_visible()
    assert page.get_by_role("link", name="See the results").count() == 0  # blind
    _score_everything(page, 4)
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server, "cora@example.com")
    page.get_by_role("link", name="Calibration", exact=True).click()
    expect(
        page.get_by_role("row", name="December calibration").get_by_text("0 of 2")
    ).to_be_visible()
    page.get_by_role("link", name="December calibration").click()
    _score_everything(page, 2)
    page.get_by_role("link", name="See the results").click()

    expect(
        page.get_by_role("heading", name="Calibration results: December calibration")
    ).to_be_visible()
    assert_accessible(page)
