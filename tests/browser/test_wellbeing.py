"""Wellbeing jobs in Chromium, through the pages only: an agent writes in their private
journal, answers the monthly pulse and asks their coaching partner for a debrief, who
accepts; a training manager adds a support resource; HR reads the indicators."""

import json
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import CoachingPairMember
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import AgentFactory, HRFactory, ManagerFactory, TeamFactory
from tests.wellbeing.conftest import coaching_cohort  # noqa: F401  (a fixture)
from wellbeing import pulse
from wellbeing.models import DebriefRequest, JournalEntry, PulseResponse, SupportResource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_keeps_a_private_journal_answers_the_pulse_and_asks_for_a_debrief(
    page,
    live_server,
    coaching_cohort,  # noqa: F811
):
    member = CoachingPairMember.objects.filter(cohort=coaching_cohort, week=1).first()
    agent = member.enrollment.agent
    partner = (
        CoachingPairMember.objects.filter(pair=member.pair).exclude(pk=member.pk).first()
    ).enrollment.agent
    SupportResource.objects.create(name="Employee assistance line", phone="0800 555 0100")
    sign_in(page, live_server, agent.email)

    page.goto(f"{live_server.url}/plan/")
    page.get_by_role("link", name="your private journal").click()
    page.get_by_label("What is it about?").select_option("hard_contact")
    page.get_by_label("Your reflection").fill("The refund caller shouted; I stayed calm.")
    page.get_by_role("button", name="Save privately").click()
    expect(page.get_by_text("Saved. Only you can read it.")).to_be_visible()
    expect(page.get_by_text("The refund caller shouted; I stayed calm.")).to_be_visible()
    expect(page.get_by_text("Employee assistance line")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Wellbeing", exact=True).click()
    for item in pulse.ITEMS[:7]:
        page.get_by_role("group", name=item.text).get_by_label(item.scale[2][1]).check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Thank you. Only you see your answers.")).to_be_visible()
    expect(page.get_by_role("region", name="My pulse by month")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ask a teammate for a debrief").click()
    chosen = page.get_by_label("Whom to ask")
    assert "(your coaching partner)" in chosen.locator("option:checked").inner_text()
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_text("is asked")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server, partner.email)
    page.goto(f"{live_server.url}/debriefs/")
    page.get_by_role("button", name=f"Accept {agent.get_short_name()}'s request").click()
    expect(page.get_by_text("Accepted: find each other")).to_be_visible()

    assert JournalEntry.objects.get().author == agent
    assert PulseResponse.objects.get().burnout_score == 50.0
    assert DebriefRequest.objects.get().status == DebriefRequest.Status.ACCEPTED


def test_a_manager_adds_a_support_resource_and_hr_reads_the_indicators(page, live_server):
    sign_in(page, live_server, ManagerFactory(email="maya@example.com").email)
    page.goto(f"{live_server.url}/support/")
    page.get_by_role("link", name="Manage this list").click()
    page.get_by_role("link", name="Add a resource").click()
    page.get_by_label("Name").fill("Counselling service")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Give a phone number, an e-mail address or a link.")).to_be_visible()
    page.get_by_label("Link").fill("https://counselling.example.com")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Counselling service")).to_be_visible()
    assert_accessible(page)
    assert SupportResource.objects.get().url == "https://counselling.example.com"

    team = TeamFactory(name="Billing")
    for _ in range(5):
        pulse.pulse_submit(
            respondent=AgentFactory(team=team),
            answers={f"cbi_w{i}": 50 for i in range(1, 8)},
            now=timezone.now(),
        )
    page.context.clear_cookies()
    sign_in(page, live_server, HRFactory(email="hana@example.com").email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Wellbeing").click()
    row = page.get_by_role("row").filter(has_text="Billing")
    assert "50.0" in row.inner_text()
    assert_accessible(page)


def test_an_agent_edits_downloads_and_deletes_their_journal(page, live_server):
    agent = AgentFactory()
    for text in ("First: a caller in tears.", "Second: a calm refund."):
        JournalEntry.objects.create(author=agent, text=text)
    sign_in(page, live_server, agent.email)

    page.goto(f"{live_server.url}/journal/")
    page.get_by_role("link", name="Edit the entry").first.click()
    page.get_by_label("Your reflection").fill("Second: a calm refund, and I named her worry.")
    page.get_by_role("button", name="Save privately").click()
    expect(page.get_by_text("Your entry is updated.")).to_be_visible()
    expect(page.get_by_text("and I named her worry.")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download all my entries (JSON)").click()
    exported = json.loads(Path(download.value.path()).read_text())
    texts = sorted(entry["text"] for entry in exported["entries"])
    assert texts == [
        "First: a caller in tears.",
        "Second: a calm refund, and I named her worry.",
    ]

    page.get_by_role("link", name="Delete the entry").first.click()
    page.get_by_role("button", name="Delete the entry").click()
    expect(page.get_by_text("The entry is deleted; it cannot be brought back.")).to_be_visible()
    assert JournalEntry.objects.filter(author=agent).count() == 1

    page.get_by_role("link", name="Delete all my entries").click()
    expect(page.get_by_role("heading", name="Delete all 1 of my journal entries?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete all my entries").click()
    expect(page.get_by_text("1 entry deleted.")).to_be_visible()
    expect(page.get_by_text("Nothing written yet.")).to_be_visible()
    assert not JournalEntry.objects.filter(author=agent).exists()
