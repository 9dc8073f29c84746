"""A manager ends a cohort in Chromium, through the pages only: close it early (after the
confirmation page) and read each agent's outcome; extend another one."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts import services
from cohorts.models import Attendance, Cohort, Enrollment, ScheduleItem
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import CohortFactory, ManagerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_weeks_in():
    """A running cohort on day 15: both workshops (days 3 and 10) are past."""
    cohort = CohortFactory(
        program=rollout_program(),
        name="Closing cohort",
        start_date=timezone.localdate() - datetime.timedelta(days=14),
        time_zone="UTC",
        facilitators=[ManagerFactory(email="maya@example.com")],
    )
    enrol(cohort, 6)
    services.cohort_start(cohort=cohort, now=timezone.now() - datetime.timedelta(days=15))
    services.cohort_status_sweep()
    return cohort


@pytest.fixture
def half_attended(two_weeks_in):
    """Completed = the first workshop attended; three of the six agents attended it."""
    running_cohort = two_weeks_in
    program = running_cohort.program
    program.completion_workshops_min = 1
    program.completion_modules_min = 0
    program.completion_coaching_min = 0
    program.save()
    workshop = running_cohort.schedule_items.filter(kind=ScheduleItem.Kind.WORKSHOP).first()
    enrollments = list(running_cohort.enrollments.order_by("pk"))
    for enrollment in enrollments[:3]:
        Attendance.objects.create(enrollment=enrollment, item=workshop, attended=True)
    return running_cohort


def test_a_manager_closes_a_cohort_early_and_sees_each_outcome(page, live_server, half_attended):
    cohort = half_attended
    sign_in(page, live_server, "maya@example.com")
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/extend/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/")
    assert_accessible(page)

    page.get_by_role("link", name="Close the cohort now…").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=f"Close {cohort.name} now?")).to_be_visible()
    preview = page.get_by_role("region", name="Outcomes if closed now")
    assert preview.get_by_text("Not completed").count() == 3
    assert_accessible(page)

    page.get_by_label("Reason for closing early (optional)").fill("Team merged into Billing")
    page.get_by_role("button", name="Close the cohort now").click()
    page.wait_for_load_state()

    assert page.url.endswith("#enrolled")
    enrolled = page.locator("#enrolled")
    assert "The cohort is closed" in enrolled.inner_text()
    rows = enrolled.locator("tr.enrolment")
    outcomes = [row.locator("td").nth(1).inner_text() for row in rows.all()]
    assert sum(text.startswith("Completed") for text in outcomes) == 3
    assert sum(text.startswith("Not completed") for text in outcomes) == 3
    assert sum("Missing: workshops attended: 0 of 1 needed" in text for text in outcomes) == 3
    status = page.locator("#cohort-status").inner_text()
    assert "closed early: Team merged into Billing" in status
    assert "3 agents completed the program, 3 did not" in status
    assert_accessible(page)
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FINISHED
    assert cohort.enrollments.filter(status=Enrollment.Status.COMPLETED).count() == 3


def test_a_manager_extends_a_cohort_on_a_phone(phone, live_server, running_cohort):
    cohort = running_cohort
    new_last_day = cohort.last_day + datetime.timedelta(days=14)
    sign_in(phone, live_server, "maya@example.com")
    phone.goto(f"{live_server.url}/cohorts/{cohort.pk}/close/")
    assert_accessible(phone)
    phone.goto(f"{live_server.url}/cohorts/{cohort.pk}/")

    phone.get_by_role("link", name="Extend it…").click()
    phone.wait_for_load_state()
    phone.get_by_role("button", name="Extend the cohort").click()  # nothing filled in
    phone.wait_for_load_state()
    assert phone.get_by_label("Reason for extending").get_attribute("aria-invalid") == "true"
    assert_accessible(phone)

    phone.get_by_label("New last day").fill(new_last_day.isoformat())
    phone.get_by_label("Reason for extending").fill("Holiday season")
    phone.get_by_role("button", name="Extend the cohort").click()
    phone.wait_for_load_state()

    status = phone.locator("#cohort-status").inner_text()
    assert f"{new_last_day:%-d %B %Y} (extended: Holiday season)" in status
    assert_accessible(phone)
    cohort.refresh_from_db()
    assert cohort.end_date == new_last_day
