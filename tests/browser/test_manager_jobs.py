"""A training manager's cohort jobs in Chromium, through the pages only: open a cohort,
withdraw and reactivate an agent, move a session, record attendance and live practice,
regenerate future pairs and re-lay the schedule (each confirmed first)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts import services
from cohorts.models import Attendance, Cohort, Enrollment, ModuleProgress
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import screenshot, sign_in
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import CoachFactory, CohortFactory, ManagerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cohort():
    """A UTC cohort on its fifteenth day: both workshops (days 3 and 10) and both
    foundation module weeks have started; coaching (from day 31) is ahead."""
    facilitator = ManagerFactory(email="maya@example.com", display_name="Maya Manager")
    cohort = CohortFactory(
        program=rollout_program(),
        name="Browser cohort",
        start_date=timezone.localdate() - datetime.timedelta(days=14),
        time_zone="UTC",
        facilitators=[facilitator],
    )
    enrol(cohort, 6)
    services.cohort_start(cohort=cohort, now=timezone.now() - datetime.timedelta(days=15))
    return cohort


def open_cohort_page(page, live_server, cohort):
    sign_in(page, live_server, "maya@example.com")
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/")


def test_a_manager_opens_a_cohort_from_the_list(page, live_server, cohort):
    CoachFactory(email="cora@example.com", display_name="Cora Coach")
    sign_in(page, live_server, "maya@example.com")
    page.goto(f"{live_server.url}/cohorts/")
    assert_accessible(page)

    page.get_by_role("link", name="Open a cohort").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Program").select_option(label="Rollout")
    page.get_by_label("Name").fill("EMEA January")
    page.get_by_label("Start date (day 1)").fill("2027-01-04")
    page.get_by_label("Time zone").fill("Europe/Londres")  # not a zone
    page.get_by_label("Session time").fill("09:30")
    page.get_by_label("Cora Coach").check()
    page.get_by_role("button", name="Open the cohort").click()
    page.wait_for_load_state()

    expect(page.get_by_text("is not a time zone")).to_be_visible()
    assert page.get_by_label("Time zone").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    page.get_by_label("Time zone").fill("Europe/London")
    page.get_by_role("button", name="Open the cohort").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", level=1).inner_text() == "EMEA January"
    expect(page.get_by_text("is open")).to_be_visible()
    opened = Cohort.objects.get(name="EMEA January")
    assert opened.time_zone == "Europe/London"
    assert sorted(str(f) for f in opened.facilitators.all()) == ["Cora Coach", "Maya Manager"]
    assert_accessible(page)
    screenshot(page, "manager-cohort-opened")


def test_a_manager_withdraws_an_agent_after_confirming_then_reactivates_them(
    page, live_server, cohort
):
    enrollment = cohort.enrollments.order_by("pk").first()
    agent = str(enrollment.agent)
    open_cohort_page(page, live_server, cohort)
    assert_accessible(page)

    page.get_by_role("link", name=f"Withdraw {agent}").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="What happens")).to_be_visible()
    expect(page.get_by_text("drawn again without them")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reason for withdrawing").fill("Moved to the billing team")
    page.get_by_role("button", name=f"Withdraw {agent}").click()
    page.wait_for_load_state()

    enrolled = page.locator("#enrolled")
    assert page.url.endswith("#enrolled")
    assert enrolled.get_by_role("status").inner_text().startswith(f"{agent} is withdrawn")
    row = page.locator(f"#enrolment-{enrollment.pk}")
    history = row.locator("summary")
    assert history.inner_text().startswith("1 change")
    history.click()  # opens the history
    expect(row.get_by_text("active → withdrawn by Maya Manager")).to_be_visible()
    expect(row.get_by_text("(Moved to the billing team)")).to_be_visible()
    assert_accessible(page)

    row.get_by_label(f"Reason for reactivating {agent}").fill("Back after all")
    row.get_by_role("button", name=f"Reactivate {agent}").click()
    page.wait_for_load_state()

    expect(page.locator("#enrolled").get_by_text("is active again")).to_be_visible()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.events.last().reason == "Back after all"


def test_a_manager_moves_a_workshop_with_the_date_time_picker(page, live_server, cohort):
    workshop = cohort.schedule_items.get(title="Active listening")
    target = timezone.localdate() + datetime.timedelta(days=3)
    open_cohort_page(page, live_server, cohort)

    page.get_by_role("link", name="Move Active listening").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("New start").fill(f"{target:%Y-%m-%d}T14:30")
    page.get_by_role("button", name="Move it").click()
    page.wait_for_load_state()

    assert page.url.endswith("#timeline")
    expect(page.locator("#timeline").get_by_text("“Active listening” moved to")).to_be_visible()
    workshop.refresh_from_db()
    assert workshop.starts_at == datetime.datetime.combine(
        target, datetime.time(14, 30), tzinfo=datetime.UTC
    )
    assert workshop.ends_at - workshop.starts_at == datetime.timedelta(minutes=60)
    assert_accessible(page)


def test_a_manager_records_attendance_and_live_practice(page, live_server, cohort):
    first, second, *_ = cohort.enrollments.order_by("pk")
    open_cohort_page(page, live_server, cohort)

    attendance = page.locator("#attendance")
    attendance.get_by_label("Workshop").select_option(label=None, index=0)  # Empathy basics
    attendance.get_by_label(str(first.agent)).check()
    attendance.get_by_label(str(second.agent)).check()
    attendance.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state()

    assert page.url.endswith("#attendance")
    message = page.locator("#attendance").get_by_role("status")
    assert "2 of 6 attended" in message.inner_text()
    expect(message).to_be_visible()
    assert Attendance.objects.filter(attended=True).count() == 2
    assert_accessible(page)

    practice = page.locator("#practice")
    practice.get_by_label("Module").select_option(label=None, index=0)
    practice.get_by_role("button", name="Everyone present").click()
    page.wait_for_load_state()

    assert page.url.endswith("#practice")
    assert "6 of 6 practised" in page.locator("#practice").get_by_role("status").inner_text()
    assert ModuleProgress.objects.filter(practice_attended_at__isnull=False).count() == 6


def test_a_manager_regenerates_pairs_and_re_lays_the_schedule_after_confirming(
    page, live_server, cohort
):
    open_cohort_page(page, live_server, cohort)

    page.get_by_role("link", name="Regenerate future weeks…").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="What will not change")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Regenerate future pairs").click()
    page.wait_for_load_state()

    assert page.url.endswith("#pairs")
    assert "drawn again for 5 future week(s)" in page.locator("#pairs").inner_text()

    page.get_by_role("link", name="Re-lay the schedule from the program…").click()
    page.wait_for_load_state()
    assert "0 new items" in page.locator("#resync-preview").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Re-lay the schedule").click()
    page.wait_for_load_state()

    assert page.url.endswith("#timeline")
    assert "Schedule re-laid from the program" in page.locator("#timeline").inner_text()
    assert_accessible(page)


def test_every_new_page_works_at_phone_width(phone, live_server, cohort):
    enrollment = cohort.enrollments.order_by("pk").first()
    workshop = cohort.schedule_items.get(title="Active listening")
    sign_in(phone, live_server, "maya@example.com")
    base = f"{live_server.url}/cohorts"
    pages = [
        f"{base}/",
        f"{base}/new/",
        f"{base}/{cohort.pk}/",
        f"{base}/{cohort.pk}/enrollments/{enrollment.pk}/withdraw/",
        f"{base}/{cohort.pk}/schedule/{workshop.pk}/move/",
        f"{base}/{cohort.pk}/pairs/regenerate/",
        f"{base}/{cohort.pk}/schedule/resync/",
    ]
    for url in pages:
        phone.goto(url)

        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url
        assert_accessible(phone)
