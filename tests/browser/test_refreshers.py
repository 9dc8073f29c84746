"""A training manager sets up a recurring quarterly refresher in Chromium, through the
pages only: from the cohort list to the refreshers page, a refused program, the schedule
saved, then paused; at desktop and phone width, with axe on every page."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cohorts.models import RefresherSchedule
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import CoachFactory, ManagerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager():
    call_command("load_playbook", stdout=io.StringIO())
    CoachFactory(email="cole@example.com", display_name="Cole Coach")
    return ManagerFactory(email="maya@example.com", time_zone="Europe/London")


def test_a_manager_sets_up_a_recurring_refresher(page, live_server, manager):
    sign_in(page, live_server, "maya@example.com")
    page.goto(f"{live_server.url}/cohorts/")
    page.get_by_role("link", name="Quarterly refreshers").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Quarterly refreshers")).to_be_visible()
    assert "You facilitate no recurring refresher yet." in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Set up a recurring refresher").click()
    page.wait_for_load_state()
    page.get_by_label("Refresh agents certified in").select_option(label="Empathy Essentials")
    page.get_by_label("Refresher program").select_option(label="Empathy Essentials")
    page.get_by_role("button", name="Set up the refresher").click()
    page.wait_for_load_state()
    refresher = page.get_by_label("Refresher program")
    assert refresher.get_attribute("aria-invalid") == "true"
    assert "A program cannot be its own refresher." in page.content()
    assert_accessible(page)

    refresher.select_option(label="Empathy Refresher")
    page.get_by_label("Time zone").fill("Australia/Sydney")
    page.get_by_label("Session time").fill("09:30")
    page.get_by_label("Cole Coach").check()
    page.get_by_role("button", name="Set up the refresher").click()
    page.wait_for_load_state()

    assert page.url.endswith("/refreshers/#refreshers")
    section = page.locator("#refreshers")
    assert "is set up: a cohort opens every quarter" in section.inner_text()
    row = section.locator("tbody tr")
    assert "Empathy Refresher" in row.inner_text()
    assert "09:30 Australia/Sydney" in row.inner_text()
    assert "Cole Coach" in row.inner_text()
    assert "Active" in row.inner_text()
    assert_accessible(page)

    row.get_by_role("link", name="Edit the refresher for Empathy Essentials").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Active: open a cohort every quarter").uncheck()
    page.get_by_role("button", name="Save the refresher").click()
    page.wait_for_load_state()

    assert "Paused" in page.locator("#refreshers tbody tr").inner_text()
    schedule = RefresherSchedule.objects.get()
    assert not schedule.is_active
    assert {u.email for u in schedule.facilitators.all()} == {
        "maya@example.com",
        "cole@example.com",
    }


def test_the_refresher_pages_at_phone_width(phone, live_server, manager):
    sign_in(phone, live_server, "maya@example.com")
    phone.goto(f"{live_server.url}/refreshers/new/")
    assert_accessible(phone)
    phone.get_by_label("Refresh agents certified in").select_option(label="Empathy Essentials")
    phone.get_by_label("Refresher program").select_option(label="Empathy Refresher")
    phone.get_by_role("button", name="Set up the refresher").click()
    phone.wait_for_load_state()

    table = phone.get_by_role("region", name="Recurring refreshers")
    assert "Empathy Refresher" in table.inner_text()
    assert_accessible(phone)
