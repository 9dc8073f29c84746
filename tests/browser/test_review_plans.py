"""A training manager plans QA reviews in Chromium, through the pages only: creates the
cohort's review plan, fills this week, reassigns one review and skips another; the coach
finds the reassigned one in their queue."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.assignment import DAY, WEEK, week_of, week_start
from reviews.models import ReviewAssignment
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import CoachFactory, InteractionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def last_weeks_contacts(running_cohort):
    """One contact per agent in the week the plan samples from."""
    week = week_of(moment=timezone.now() + DAY, time_zone=running_cohort.time_zone)
    when = week_start(week=week - WEEK, time_zone=running_cohort.time_zone)
    for enrollment in running_cohort.enrollments.all():
        InteractionFactory(agent=enrollment.agent, occurred_at=when + datetime.timedelta(days=3))


def test_a_manager_plans_reviews_fills_the_week_reassigns_and_skips(
    page, live_server, running_cohort, last_weeks_contacts
):
    CoachFactory(email="cora@example.com", display_name="Cora Coach")
    CoachFactory(email="carl@example.com", display_name="Carl Coach")
    sign_in(page, live_server, "maya@example.com")

    page.get_by_role("link", name="Review plans").click()
    page.get_by_label("Cohort", exact=True).select_option(label=str(running_cohort))
    page.get_by_label("Interactions reviewed per agent a week").fill("1")
    page.get_by_label("Cora Coach").check()
    assert_accessible(page)
    page.get_by_role("button", name="Create the plan").click()
    assert "created" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Create this week's reviews now").click()

    expect(page.get_by_role("heading", name="Reviews to do (6)")).to_be_visible()
    assert_accessible(page)
    plan_url = page.url

    # Carl joins the plan, then takes over the first review.
    page.get_by_role("group", name="Coaches who review").get_by_label("Carl Coach").check()
    page.get_by_role("button", name="Save the plan").click()
    page.goto(plan_url)
    first = ReviewAssignment.objects.order_by("pk").first()
    page.get_by_label(f"New reviewer for {first.agent}").select_option(label="Carl Coach")
    page.get_by_role("row", name=str(first.agent)).get_by_role("button", name="Reassign").click()
    second = ReviewAssignment.objects.exclude(pk=first.pk).order_by("pk").first()
    page.get_by_label(f"Why skip the review of {second.agent}").fill("On leave this week")
    page.get_by_role("row", name=str(second.agent)).get_by_role("button", name="Skip").click()

    expect(page.get_by_role("heading", name="Reviews to do (5)")).to_be_visible()
    first.refresh_from_db()
    assert first.reviewer.email == "carl@example.com"

    page.context.clear_cookies()
    sign_in(page, live_server, "carl@example.com")
    assert page.get_by_role("link", name=f"{first.agent}:").count() == 1
