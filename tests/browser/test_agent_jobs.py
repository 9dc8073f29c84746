"""An agent's weekly jobs in Chromium, through the pages only: what is overdue, what
completes this week's module, this week's coaching session (record it, score the partner),
the calendar link, and the notifications."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Notification
from cohorts import services
from cohorts.models import CoachingPair, RubricScore
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import CohortFactory, ManagerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coaching_cohort():
    """A cohort on day 32: the first coaching week (days 31 to 37) is under way, in Room 4
    or by video; the two Foundation workshops and modules are past."""
    start = timezone.localdate() - datetime.timedelta(days=31)
    cohort = CohortFactory(
        program=rollout_program(),
        name="Coaching cohort",
        start_date=start,
        time_zone="UTC",
        location="Room 4",
        video_link="https://meet.example.com/coaching",
        facilitators=[ManagerFactory(email="maya@example.com")],
    )
    enrol(cohort, 4)
    services.cohort_start(cohort=cohort, now=timezone.now() - datetime.timedelta(days=32))
    return cohort


def _first_agent(cohort):
    return cohort.enrollments.order_by("pk").first()


def _progress(page) -> float:
    return float(page.locator("#plan-progress").get_attribute("aria-valuenow"))


def test_the_plan_names_the_overdue_items_with_their_due_dates(page, live_server, coaching_cohort):
    enrollment = _first_agent(coaching_cohort)
    empathy_basics = coaching_cohort.schedule_items.get(title="Empathy basics")
    sign_in(page, live_server, enrollment.agent.email)
    page.goto(f"{live_server.url}/plan/")

    page.get_by_role("link", name="4 overdue").click()
    overdue = page.locator("#overdue-1 + ul li")

    assert overdue.count() == 4
    texts = overdue.all_inner_texts()
    assert any(
        "Empathy basics" in text
        and f"due by {empathy_basics.due_at:%A} {empathy_basics.due_at.day} "
        f"{empathy_basics.due_at:%B}, {empathy_basics.due_at:%H:%M}"
        in text
        for text in texts
    )
    assert {t.split(" (")[0] for t in texts} == {
        "Empathy basics", "Active listening", "Reflective listening", "Tone matching",
    }  # fmt: skip
    assert_accessible(page)


def test_prework_without_recorded_practice_says_why_the_bar_stays(
    page, live_server, running_cohort
):
    enrollment = _first_agent(running_cohort)
    sign_in(page, live_server, enrollment.agent.email)
    page.goto(f"{live_server.url}/plan/")
    module = page.locator("section", has=page.get_by_role("heading", name="This week's module"))
    expect(module.get_by_text("counts as done when both steps are done")).to_be_visible()
    expect(module.get_by_text("Not recorded yet")).to_be_visible()
    before = _progress(page)

    module.get_by_role("button", name="Mark pre-work done").click()
    page.wait_for_load_state()

    module = page.locator("section", has=page.get_by_role("heading", name="This week's module"))
    expect(module.get_by_text("Pre-work done", exact=True)).to_be_visible()
    assert (
        module.get_by_role("status")
        .inner_text()
        .endswith("The module counts when your facilitator records your live practice.")
    )
    why = "it counts when your facilitator records your live practice"
    expect(module.get_by_text(why)).to_be_visible()
    assert _progress(page) == before
    assert_accessible(page)


def test_prework_after_recorded_practice_completes_the_module_and_the_bar_moves(
    page, live_server, running_cohort
):
    enrollment = _first_agent(running_cohort)
    module_item = running_cohort.schedule_items.get(title="Reflective listening")
    services.practice_record(
        item=module_item, attended={enrollment.pk: True}, by=running_cohort.facilitators.get()
    )
    sign_in(page, live_server, enrollment.agent.email)
    page.goto(f"{live_server.url}/plan/")
    expect(page.get_by_text("Recorded by your facilitator")).to_be_visible()
    before = _progress(page)

    page.get_by_role("button", name="Mark pre-work done").click()
    page.wait_for_load_state()

    assert _progress(page) > before
    expect(page.get_by_text("Module complete:")).to_be_visible()
    assert_accessible(page)


def test_the_plan_at_phone_width_is_accessible(phone, live_server, coaching_cohort):
    sign_in(phone, live_server, _first_agent(coaching_cohort).agent.email)
    phone.goto(f"{live_server.url}/plan/")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone)


def _criteria_fieldsets(page):
    return page.locator("#score fieldset")


def test_an_agent_records_the_coaching_session_and_scores_the_partner(
    page, live_server, coaching_cohort
):
    enrollment = _first_agent(coaching_cohort)
    pair = CoachingPair.objects.get(members__enrollment=enrollment, week=1)
    partner = pair.members.exclude(enrollment=enrollment).get().enrollment.agent
    sign_in(page, live_server, enrollment.agent.email)
    page.goto(f"{live_server.url}/plan/")

    page.get_by_role("link", name="Your coaching session").click()
    facts = page.locator("dl.facts")
    assert "10:00" in facts.inner_text()
    assert "Room 4" in facts.inner_text()
    assert facts.get_by_role("link", name="Join by video").get_attribute("href") == (
        "https://meet.example.com/coaching"
    )
    assert partner.display_name in facts.inner_text()
    assert_accessible(page)

    # Scored with one criterion left out: the error is said by that criterion.
    fieldsets = _criteria_fieldsets(page)
    for index in range(fieldsets.count() - 1):
        fieldsets.nth(index).get_by_role("radio").nth(3).check()
    page.get_by_label("One thing your partner did well").fill("You named the worry at once.")
    page.get_by_role("button", name="Save my score").click()
    page.wait_for_load_state()
    last = _criteria_fieldsets(page).last
    assert last.locator(".errorlist").inner_text().startswith("Give a score for")
    assert last.get_by_role("radio").first.get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    # The form kept what was given: only the missing score is added.
    last.get_by_role("radio").nth(3).check()
    page.get_by_role("button", name="Save my score").click()
    page.wait_for_load_state()
    assert f"Your score for {partner.display_name} is saved." in page.locator("#score").inner_text()
    expect(page.get_by_text("You scored")).to_be_visible()

    page.get_by_label("Yes, it took place").check()
    page.get_by_label("Notes (optional)").fill("We practised tone matching.")
    page.get_by_role("button", name="Record the session").click()
    page.wait_for_load_state()
    assert "Recorded: the session took place." in page.locator("#session").inner_text()
    notes = page.locator("#session p", has_text="Notes:")
    assert notes.inner_text() == "Notes: We practised tone matching."
    assert_accessible(page)

    pair.refresh_from_db()
    score = RubricScore.objects.get(coaching_pair=pair, scorer=enrollment.agent)
    assert pair.session == CoachingPair.Session.HELD
    assert (score.subject, score.percent, score.strength) == (
        partner, 80, "You named the worry at once."
    )  # fmt: skip


def test_recording_without_saying_whether_it_took_place_shows_the_error_by_the_field(
    phone, live_server, coaching_cohort
):
    enrollment = _first_agent(coaching_cohort)
    pair = CoachingPair.objects.get(members__enrollment=enrollment, week=1)
    sign_in(phone, live_server, enrollment.agent.email)
    phone.goto(f"{live_server.url}/plan/coaching/{pair.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone)

    phone.get_by_role("button", name="Record the session").click()
    phone.wait_for_load_state()

    session = phone.locator("#session fieldset")
    assert session.locator(".errorlist").inner_text() == "Say whether the session took place."
    assert_accessible(phone)


def test_another_agent_cannot_open_the_pairs_session(page, live_server, coaching_cohort):
    enrollment = _first_agent(coaching_cohort)
    pair = CoachingPair.objects.get(members__enrollment=enrollment, week=1)
    outsider = coaching_cohort.enrollments.exclude(pk__in=pair.members.values("enrollment")).first()
    sign_in(page, live_server, outsider.agent.email)

    response = page.goto(f"{live_server.url}/plan/coaching/{pair.pk}/")

    assert response.status == 404


def test_an_agent_subscribes_copies_and_replaces_the_calendar_link(
    page, live_server, running_cohort
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    agent = _first_agent(running_cohort).agent
    sign_in(page, live_server, agent.email)
    page.goto(f"{live_server.url}/plan/")

    page.get_by_role("button", name="Create my calendar link").click()
    page.wait_for_load_state()
    calendar = page.locator("#calendar")
    created = calendar.get_by_role("status").first.inner_text()
    assert "Your private calendar link is ready" in created
    url = page.get_by_label("Or copy your private calendar link").input_value()
    subscribe = calendar.get_by_role("link", name="Subscribe in your calendar app")
    assert subscribe.get_attribute("href") == "webcal://" + url.split("://", 1)[1]
    calendar.get_by_role("button", name="Copy the link").click()
    calendar.get_by_text("Copied.").wait_for()  # the clipboard answers asynchronously
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert_accessible(page)

    calendar.get_by_role("link", name="Replace the link").click()
    expect(page.get_by_text("in every calendar app that uses it")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Replace the link").click()
    page.wait_for_load_state()

    new_url = page.get_by_label("Or copy your private calendar link").input_value()
    assert new_url != url
    assert "the old one stopped working" in page.locator("#calendar").inner_text()
    # The feeds, asked of this server: the old secret opens nothing any more.
    assert page.request.get(live_server.url + urlsplit(url).path).status == 404
    assert page.request.get(live_server.url + urlsplit(new_url).path).ok


def test_without_javascript_the_calendar_link_is_selectable_text(
    chromium, live_server, running_cohort
):
    from accounts.calendar import calendar_token_regenerate, feed_url

    agent = _first_agent(running_cohort).agent
    calendar_token_regenerate(user=agent)
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, agent.email)
        page.goto(f"{live_server.url}/plan/")

        field = page.get_by_label("Or copy your private calendar link")
        assert field.input_value() == feed_url(agent)
        assert field.get_attribute("readonly") is not None
        expect(page.get_by_role("button", name="Copy the link")).not_to_be_visible()
    finally:
        context.close()


def test_an_agent_reads_and_marks_notifications_on_the_page(page, live_server, running_cohort):
    agent = _first_agent(running_cohort).agent
    for title in ("Pre-work due tomorrow", "Tomorrow: Empathy basics", "Your peer score"):
        Notification.objects.create(user=agent, kind="prework_due", title=title)
    someone_elses = Notification.objects.create(
        user=running_cohort.enrollments.order_by("pk").last().agent,
        kind="prework_due",
        title="Not yours",
    )
    sign_in(page, live_server, agent.email)
    page.goto(f"{live_server.url}/plan/")
    assert (
        "3"
        in page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Notifications")
        .inner_text()
    )

    page.get_by_role("link", name="All your notifications (3 unread)").click()
    expect(page.get_by_role("heading", name="3 unread")).to_be_visible()
    items = page.locator("#notifications li")
    assert items.first.inner_text().startswith("Unread Your peer score")  # newest first
    assert page.get_by_text("Not yours").count() == 0
    assert_accessible(page)

    page.get_by_role("button", name="Mark read: Tomorrow: Empathy basics").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="2 unread")).to_be_visible()
    said = page.locator("#notifications").get_by_role("status").inner_text()
    assert said == "“Tomorrow: Empathy basics” is marked read."

    page.get_by_role("button", name="Mark all read").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="All read")).to_be_visible()
    assert page.locator(".badge-warn", has_text="Unread").count() == 0
    assert_accessible(page)

    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_server.url}/notifications/{someone_elses.pk}/read/",
        headers={"X-CSRFToken": csrf, "Referer": page.url},
    )
    assert response.status == 404  # someone else's notification is not found
    someone_elses.refresh_from_db()
    assert someone_elses.read_at is None


def test_the_notifications_page_at_phone_width(phone, live_server, running_cohort):
    agent = _first_agent(running_cohort).agent
    for n in range(25):
        Notification.objects.create(user=agent, kind="prework_due", title=f"Reminder {n}")
    sign_in(phone, live_server, agent.email)
    phone.goto(f"{live_server.url}/notifications/")

    expect(phone.get_by_text("Page 1 of 2")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone)
    phone.get_by_role("link", name="Older").click()
    expect(phone.get_by_text("Page 2 of 2")).to_be_visible()
