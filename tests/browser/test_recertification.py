"""Recertification in Chromium, through the pages only: a visitor checks an expired badge
and follows the link to the badge that renewed it; a facilitator reads on the queue which
certifications expire soon or expired and what recertifying takes; at phone width too."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from certification import services as certification_services
from certification.models import CertificationDecision
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = datetime.timedelta(days=1)


def _badge(enrollment, decided, previous=None):
    decision = CertificationDecision.objects.create(
        enrollment=enrollment, agent=enrollment.agent, program=enrollment.program,
        evidence={"scores": [], "gate": {"threshold_percent": "70.00"}},
        evidence_hash=f"{enrollment.pk}-{decided.isoformat()}", decided_at=decided,
        expires_at=decided + 365 * DAY, previous=previous,
    )  # fmt: skip
    return certification_services.badge_award(decision=decision)


@pytest.fixture
def history(running_cohort):
    """One agent certified 400 days ago and recertified 5 days ago; another certified 300
    days ago, so their certification expires within 90 days."""
    now = timezone.now()
    first, second = running_cohort.enrollments.order_by("pk")[:2]
    expired = _badge(first, now - 400 * DAY)
    renewed = _badge(first, now - 5 * DAY, previous=expired.decision)
    expiring = _badge(second, now - 300 * DAY)
    return expired, renewed, expiring


def test_a_visitor_checks_an_expired_badge_and_finds_the_renewal(page, live_server, history):
    expired, renewed, _ = history

    page.goto(f"{live_server.url}{reverse('badges:verify', args=[expired.uuid])}")
    assert page.locator("#badge-status").inner_text().startswith("Expired on")
    assert_accessible(page)
    page.get_by_role("link", name="see the current badge").click()
    page.wait_for_load_state()

    assert page.url.endswith(reverse("badges:verify", args=[renewed.uuid]))
    assert page.locator("#badge-status").inner_text() == "Genuine and valid"
    expect(page.get_by_role("link", name="the earlier badge")).to_be_visible()
    assert_accessible(page)


def test_the_expired_badge_page_fits_a_phone(phone, live_server, history):
    phone.goto(f"{live_server.url}{reverse('badges:verify', args=[history[0].uuid])}")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.locator("#badge-status").inner_text().startswith("Expired on")
    assert_accessible(phone)


def test_the_facilitator_sees_expiring_and_expired_certifications(
    page, live_server, running_cohort, history
):
    expired, _, expiring = history
    sign_in(page, live_server, "maya@example.com")
    page.goto(f"{live_server.url}{reverse('web:cohort-certification', args=[running_cohort.pk])}")

    table = page.get_by_role("region", name="Certification decisions")
    old_row = table.get_by_role("row").filter(has_text="Renewed on")
    assert str(expired.recipient) in old_row.inner_text()
    assert "Expired" in old_row.inner_text()
    soon = table.get_by_role("row", name=str(expiring.recipient))
    assert "Expires soon: recertification is open" in soon.inner_text()
    assert_accessible(page)


def test_the_queue_fits_a_phone(phone, live_server, running_cohort, history):
    sign_in(phone, live_server, "maya@example.com")
    phone.goto(f"{live_server.url}{reverse('web:cohort-certification', args=[running_cohort.pk])}")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    expect(phone.get_by_text("Expires soon").first).to_be_visible()
    assert_accessible(phone)
