"""An agent puts their certification badge in the helpdesk, in Chromium, through the pages
only: creates the link on their plan, copies it, opens the SVG, then revokes the link and
the SVG shows nothing (issue #19)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from certification.demo import demo_certification_create
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import CoachFactory, ScenarioCardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_creates_opens_and_revokes_their_helpdesk_badge(page, live_server, running_cohort):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    enrollment = running_cohort.enrollments.order_by("pk").first()
    ScenarioCardFactory(program=running_cohort.program)
    decision = demo_certification_create(enrollment=enrollment, coach=CoachFactory())
    sign_in(page, live_server, enrollment.agent.email)
    page.goto(f"{live_server.url}/plan/")

    section = page.locator("#helpdesk-badge")
    section.get_by_role("button", name="Create my helpdesk badge link").click()
    page.wait_for_load_state()
    assert "Your helpdesk badge link is ready" in section.get_by_role("status").first.inner_text()
    svg_url = page.get_by_label("Badge image link").input_value()
    section.get_by_role("button", name="Copy the badge link").click()
    section.get_by_text("Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == svg_url
    assert_accessible(page)

    # The badge as the helpdesk would fetch it, from this server.
    svg_on_this_server = live_server.url + urlsplit(svg_url).path
    page.goto(svg_on_this_server)
    text = page.locator("text").text_content()
    assert text == f"Empathy certified until {decision.expires_at:%-d %b %Y}"

    page.goto(f"{live_server.url}/plan/")
    page.locator("#helpdesk-badge").get_by_role("link", name="Revoke the link").click()
    expect(page.get_by_text("stops working at once")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the link").click()
    page.wait_for_load_state()
    section = page.locator("#helpdesk-badge")
    assert "revoked" in section.get_by_role("status").first.inner_text()
    expect(section.get_by_role("button", name="Create my helpdesk badge link")).to_be_visible()

    gone = page.request.get(svg_on_this_server)
    assert gone.status == 404
    assert "Empathy certified" not in gone.text()


def test_a_manager_revokes_an_agents_helpdesk_badge_link(page, live_server, running_cohort):
    from certification import badge_links

    enrollment = running_cohort.enrollments.order_by("pk").first()
    agent = enrollment.agent
    ScenarioCardFactory(program=running_cohort.program)
    demo_certification_create(enrollment=enrollment, coach=CoachFactory())
    link = badge_links.badge_link_create(agent=agent)
    svg_on_this_server = live_server.url + badge_links.badge_link_urls(link)["svg_path"]
    sign_in(page, live_server, "maya@example.com")  # the cohort's facilitator

    # From the cohort's certification queue, as a manager finds it.
    page.goto(f"{live_server.url}/cohorts/{running_cohort.pk}/certification/")
    page.get_by_role("link", name="Agents' helpdesk badge links").click()
    page.get_by_role("heading", name="Helpdesk badge links").wait_for()
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text=str(agent))
    row.get_by_role("link", name=f"Revoke the link of {agent}").click()
    page.get_by_text("stops working at once").wait_for()
    page.get_by_role("button", name="Revoke the link").click()
    page.get_by_text("None of your agents has a live link.").wait_for()

    assert (
        f"{agent}'s helpdesk badge link is revoked" in page.get_by_role("status").first.inner_text()
    )
    assert page.request.get(svg_on_this_server).status == 404
