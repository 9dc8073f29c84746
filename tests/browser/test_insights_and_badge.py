"""Issue #14 in Chromium, through the pages only: HR reads the completion rate, the leading
indicator and the funnel's wrapped labels and estimates the ROI on the insights page, at
desktop and phone width; an anonymous visitor checks a valid and a revoked badge."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certification import services as certification_services
from certification.models import CertificationDecision
from cohorts.models import ModuleProgress, RubricScore
from cohorts.services.scores import rubric_score_week_add
from programs.models import Module
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import screenshot, sign_in
from tests.factories import HRFactory, InteractionFactory, RubricFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG_TOPIC = "Validating language when a customer is angry about a double charge on renewal"


@pytest.fixture
def insights_data(running_cohort):
    """Six agents: four completed the first module, eight weeks of CSAT and rubric scores
    that move together (so the leading indicator has a correlation), a long module name."""
    HRFactory(email="hana@example.com")
    Module.objects.filter(topic="Reflective listening").update(topic=LONG_TOPIC)
    enrollments = list(running_cohort.enrollments.order_by("pk"))
    first = running_cohort.schedule_items.filter(kind="module").order_by("starts_at").first()
    now = timezone.now()
    for enrollment in enrollments[:4]:
        ModuleProgress.objects.create(
            enrollment=enrollment, item=first, prework_done_at=now, practice_attended_at=now
        )
    rubric, scorer = RubricFactory(), HRFactory()
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for week in range(8):
        day = monday - datetime.timedelta(weeks=8 - week)
        when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        satisfied = 2 + week % 4  # agents with a 5 this week; the others give a 3
        for index, enrollment in enumerate(enrollments):
            InteractionFactory(
                agent=enrollment.agent, occurred_at=when, csat=5 if index < satisfied else 3
            )
            rubric_score_week_add(score=RubricScore.objects.create(
                rubric=rubric, scorer=scorer, subject=enrollment.agent, context="qa",
                values={"tone": 3}, percent=40 + 10 * (week % 4), scored_at=when,
            ))  # fmt: skip
    return running_cohort


def test_hr_reads_the_completion_rate_leading_indicator_and_roi(page, live_server, insights_data):
    sign_in(page, live_server, "hana@example.com")
    page.goto(f"{live_server.url}/insights/")

    completion = page.get_by_role("region", name="Completion rate by module")
    row = completion.get_by_role("row", name=f"Foundation, {LONG_TOPIC}")
    assert row.get_by_role("cell").all_inner_texts() == ["66.7%", "4", "6"]
    funnel = page.locator("#chart-completion-funnel-agents-at-each-step-title").locator("..")
    label = funnel.locator("text").filter(has_text="Module completed: Foundation,").first
    assert label.locator("tspan").count() >= 2  # wrapped onto lines...
    assert "renewal" in label.text_content()
    box = label.evaluate("t => { const b = t.getBBox(); return [b.x, b.x + b.width]; }")
    assert box[0] >= 0  # ...all inside the chart's 400-unit width
    assert box[1] <= 400
    leading = page.locator("#leading-result")
    assert "The strongest correlation is with a lag of" in leading.inner_text()
    lags = page.get_by_role("region", name="Correlation of the rubric with CSAT, lag by lag")
    assert lags.get_by_role("row").count() == 1 + 7  # header and lags 0 to 6
    assert_accessible(page)

    page.get_by_label("Customers").fill("12000")
    page.get_by_label("Annual revenue per customer").fill("1200")
    page.get_by_label("Churn reduction (percentage points)").fill("2")
    page.get_by_role("button", name="Estimate").click()
    page.wait_for_load_state()

    assert "Retained revenue: 288,000" in page.locator("#roi-result").inner_text()
    assert page.evaluate("location.hash") == "#roi"
    screenshot(page, "hr-insights-figures")
    assert_accessible(page)


def test_the_insights_page_fits_a_phone_and_its_tables_scroll_by_keyboard(
    phone, live_server, insights_data
):
    sign_in(phone, live_server, "hana@example.com")
    phone.goto(f"{live_server.url}/insights/")
    for details in phone.locator("details").all():  # open every data table too
        details.locator("summary").click()

    width = phone.evaluate("document.documentElement.scrollWidth")
    regions = phone.locator("div.table-wrap")
    scrolls = phone.evaluate(
        "[...document.querySelectorAll('div.table-wrap')]"
        ".filter(el => el.scrollWidth > el.clientWidth).length"
    )

    assert width <= 390
    assert scrolls >= 1  # some table is wider than the phone: it scrolls in its region
    for index in range(regions.count()):
        region = regions.nth(index)
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region"
    assert "Completion rate by module" in phone.locator("#completion-heading").inner_text()
    assert_accessible(phone)  # includes scrollable-region-focusable


@pytest.fixture
def badges(running_cohort):
    """Two agents' badges: one valid, one revoked."""
    facilitator = running_cohort.facilitators.get()
    assertions = []
    for enrollment in running_cohort.enrollments.order_by("pk")[:2]:
        decided = timezone.now() - datetime.timedelta(days=3)
        decision = CertificationDecision.objects.create(
            enrollment=enrollment, agent=enrollment.agent, program=enrollment.program,
            evidence={
                "scores": [{}, {}, {}], "average_percent": "82.00",
                "gate": {"threshold_percent": "70.00"},
                "role_play": {"assessed_at": decided.isoformat()},
            },
            evidence_hash=str(enrollment.pk), decided_at=decided,
            expires_at=decided + datetime.timedelta(days=365),
        )  # fmt: skip
        assertions.append(certification_services.badge_award(decision=decision))
    certification_services.certification_revoke(
        decision=assertions[1].decision, by=facilitator, reason="Awarded in error"
    )
    return assertions


def test_an_anonymous_visitor_checks_a_valid_and_a_revoked_badge(page, live_server, badges):
    valid, revoked = badges

    page.goto(f"{live_server.url}/badges/assertions/{valid.uuid}/verify")
    assert page.locator("#badge-status").inner_text() == "Genuine and valid"
    expect(page.get_by_role("heading", name="Issuer")).to_be_visible()
    assert "They averaged 82%" in page.get_by_text("They averaged").inner_text()
    expect(page.get_by_role("link", name="Download the baked badge (PNG)")).to_be_visible()
    assert page.get_by_role("navigation", name="Main").count() == 0  # signed out
    image = page.get_by_role("img", name=f"The {valid.badge_class.name} badge")
    assert image.evaluate("img => img.naturalWidth") == 256
    screenshot(page, "badge-verify")
    assert_accessible(page)

    page.goto(f"{live_server.url}/badges/assertions/{revoked.uuid}/verify")
    assert page.locator("#badge-status").inner_text().startswith("Revoked on")
    assert "Reason given: Awarded in error" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Download the baked badge (PNG)").count() == 0
    assert_accessible(page)


def test_the_verify_page_fits_a_phone(phone, live_server, badges):
    phone.goto(f"{live_server.url}/badges/assertions/{badges[0].uuid}/verify")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.locator("#badge-status").inner_text() == "Genuine and valid"
    assert_accessible(phone)
