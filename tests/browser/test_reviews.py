"""The review loop in Chromium, through the pages only: a coach goes from their queue to a
submitted review; the agent reads it, sees the certification status move, and acknowledges."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import ReviewAssignment, ReviewPlan
from tests.browser.conftest import screenshot, sign_in
from tests.factories import CoachFactory, InteractionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assignment(running_cohort):
    coach = CoachFactory(email="cora@example.com", display_name="Cora Coach")
    agent = running_cohort.enrollments.order_by("pk").first().agent
    plan = ReviewPlan.objects.create(cohort=running_cohort)
    plan.coaches.add(coach)
    today = timezone.localdate()
    return ReviewAssignment.objects.create(
        plan=plan, agent=agent, reviewer=coach, slot=1,
        week=today - datetime.timedelta(days=today.weekday()),
        due_at=timezone.now() + datetime.timedelta(days=2),
        interaction=InteractionFactory(agent=agent, csat=2, escalated=True, channel="call"),
    )  # fmt: skip


def test_a_coach_reviews_and_the_agent_reads_and_acknowledges(page, live_server, assignment):
    sign_in(page, live_server, "cora@example.com")

    page.get_by_role("link", name=f"{assignment.agent}: Call").click()
    for fieldset in page.locator("fieldset").all():
        radio = fieldset.get_by_role("radio").first
        radio.focus()
        for _ in range(3):  # the keyboard moves along the scale: 1 -> 4
            page.keyboard.press("ArrowRight")
    page.locator("fieldset").first.get_by_role("textbox").fill(
        "Calm, even when the customer was not."
    )
    page.get_by_label("One thing the agent did well").fill("You named the worry at once.")
    page.get_by_label("One thing to try next time").fill("Summarise the next steps.")
    screenshot(page, "coach-review")
    page.get_by_role("button", name="Save draft").click()
    assert "Draft saved" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Submit review").click()

    assert "submitted" in page.get_by_role("status").inner_text()
    expect(page.get_by_text("Done this week (1)")).to_be_visible()
    assignment.refresh_from_db()
    assert assignment.score.percent == 80

    page.context.clear_cookies()
    sign_in(page, live_server, assignment.agent.email)
    page.goto(f"{live_server.url}/plan/")
    expect(page.get_by_text("QA review by Cora Coach").first).to_be_visible()
    expect(page.get_by_text("Calm, even when the customer was not.")).to_be_visible()
    # The certification status follows: one of the assessed interactions it needs.
    expect(page.get_by_text("1 of 3 assessed interactions so far")).to_be_visible()
    screenshot(page, "agent-feedback")
    page.get_by_role("button", name="I have read this feedback").click()

    expect(page.get_by_text("You read this on")).to_be_visible()


def test_the_agent_disputes_and_the_manager_adjusts_on_the_pages(page, live_server, assignment):
    from reviews.services import review_draft_save, review_submit

    criteria = list(assignment.plan.cohort.program.rubric.criteria.order_by("order"))
    review_draft_save(
        assignment=assignment, reviewer=assignment.reviewer,
        values={c.key: 3 for c in criteria}, comments={}, strength="Kind.", next_step="Recap.",
    )  # fmt: skip
    review_submit(assignment=assignment, reviewer=assignment.reviewer)
    first = criteria[0]

    sign_in(page, live_server, assignment.agent.email)
    page.goto(f"{live_server.url}/feedback/")
    page.get_by_role("link", name="Dispute this score").click()
    page.get_by_label(f"Why do you disagree with the score on {first.name.lower()}?").fill(
        "I listened and summarised before answering."
    )
    page.get_by_role("button", name="Send the dispute").click()
    expect(page.get_by_text("Your dispute: Open")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server, "maya@example.com")  # the cohort's facilitator
    page.get_by_role("link", name="Disputes").click()
    page.get_by_role("link", name=str(assignment.agent)).click()
    page.get_by_label("Adjust: a new score replaces it").check()
    page.get_by_label(f"{first.name} (now 3)").select_option("5")
    page.get_by_label("Reply to the agent").fill("You did: that criterion is a 5.")
    page.get_by_role("button", name="Resolve the dispute").click()
    assert "resolved" in page.get_by_role("status").inner_text()

    page.context.clear_cookies()
    sign_in(page, live_server, assignment.agent.email)
    page.goto(f"{live_server.url}/feedback/")
    expect(page.get_by_text("You did: that criterion is a 5.")).to_be_visible()
    page.goto(f"{live_server.url}/plan/")
    # The certification status reads the score in force: 68% (17 of 25), not 60%.
    expect(page.get_by_text("1 of 3 assessed interactions so far")).to_be_visible()
    scores = page.locator("ul.scores > li")
    assert scores.count() == 1  # the score in force; the original stays on My feedback
    assert scores.first.inner_text().startswith("68% QA review by")
