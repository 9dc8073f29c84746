"""Hiring in Chromium, through the pages only: a manager opens hiring for their team, adds
candidates, names the interviewers and a role-play; an interviewer scores blind and sees the
other score only after sending theirs; the manager reads the comparison, downloads it as
CSV, hires one candidate into an agent account and deletes another."""

import csv
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from hiring import services
from hiring.models import Candidate, Interview
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import (
    CoachFactory,
    ManagerFactory,
    RubricCriterionFactory,
    RubricFactory,
    TeamFactory,
)
from tests.hiring.conftest import every, library_card

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _follow(page, *links: str):
    """Click these links one after the other, each on the page the previous one opened."""
    for name in links:
        page.get_by_role("link", name=name).click()
        page.wait_for_load_state()


def _send_score(page, value: int, notes: str):
    form = page.locator("form", has=page.get_by_role("button", name="Send my score"))
    for fieldset in form.locator("fieldset").all():
        fieldset.get_by_role("radio", name=str(value), exact=False).first.check()
    form.get_by_label("Notes").fill(notes)
    form.get_by_role("button", name="Send my score").click()
    page.wait_for_load_state()


def test_hiring_from_opening_to_agent_through_the_pages(page, live_server):
    manager = ManagerFactory(email="maya@example.com", display_name="Maya Manager")
    TeamFactory(name="Billing").managers.add(manager)
    CoachFactory(email="cole@example.com", display_name="Cole Coach")
    ivo = ManagerFactory(email="ivo@example.com", display_name="Ivo Interviewer")
    library_card(title="Charged twice before payday")

    # The manager opens hiring and adds two candidates.
    sign_in(page, live_server, "maya@example.com")
    page.get_by_role("link", name="Hiring").click()
    page.wait_for_load_state()
    expect(page.get_by_text("No openings yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title:").fill("Billing agents, spring")
    page.get_by_label("Team:").select_option(label="Billing")
    page.get_by_role("button", name="Open the opening").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Billing agents, spring")).to_be_visible()
    for name, email in (("Cara Candidate", "cara@mail.test"), ("Dan Doe", "dan@mail.test")):
        page.get_by_label("Name:").fill(name)
        page.get_by_label("E-mail:").fill(email)
        page.get_by_role("button", name="Add the candidate").click()
        page.wait_for_load_state()
        expect(page.get_by_text(f"{name} added.")).to_be_visible()

    # ... names the interviewers ...
    page.get_by_label("Cole Coach").check()
    page.get_by_label("Ivo Interviewer").check()
    page.get_by_role("button", name="Save the interviewers").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Interviewers saved.")).to_be_visible()
    assert_accessible(page)

    # ... and adds a role-play for Cara on a card drawn from the library.
    _follow(page, "Cara Candidate")
    page.get_by_role("button", name="Add the role-play").click()
    page.wait_for_load_state()
    expect(
        page.get_by_role("heading", name="Scenario: Charged twice before payday")
    ).to_be_visible()
    interview = Interview.objects.get()

    # Ivo scores first (elsewhere); Cole sees nothing of it until he has sent his own.
    services.interview_score_submit(
        interview=interview, interviewer=ivo, values=every(2), notes="Interrupted the customer."
    )
    page.context.clear_cookies()
    sign_in(page, live_server, "cole@example.com")
    _follow(page, "Hiring", "Billing agents, spring", "Cara Candidate", "Charged twice")
    expect(page.locator("#blind")).to_be_visible()
    assert page.get_by_text("Interrupted the customer.").count() == 0
    assert_accessible(page)
    _send_score(page, 4, "Named the worry before fixing it.")
    assert page.locator("#blind").count() == 0
    expect(page.get_by_text("Interrupted the customer.")).to_be_visible()
    expect(page.get_by_text("Named the worry before fixing it.")).to_be_visible()
    _follow(page, "Back to Cara Candidate")  # an interviewer does not decide
    assert page.get_by_role("button", name="Delete Cara Candidate").count() == 0
    assert page.get_by_role("button", name="Hire Cara Candidate").count() == 0

    # The manager compares, downloads the CSV, hires Cara and deletes Dan.
    page.context.clear_cookies()
    sign_in(page, live_server, "maya@example.com")
    _follow(page, "Hiring", "Billing agents, spring", "Compare the candidates")
    table = page.locator("#comparison")
    assert table.locator("tbody tr").first.inner_text().startswith("1\tCara Candidate")
    assert table.get_by_text("disagree").count() == 4  # 4 against 2 on every criterion
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[1][:4] == ["1", "Cara Candidate", "Interviewing", "3.00"]

    _follow(page, "Cara Candidate")
    page.get_by_role("button", name="Hire Cara Candidate").click()
    page.wait_for_load_state()
    expect(page.get_by_text("has been invited to set a password")).to_be_visible()
    expect(page.get_by_role("heading", name="Starting point")).to_be_visible()
    agent = User.objects.get(email="cara@mail.test")
    assert (agent.role, agent.team.name) == ("agent", "Billing")
    assert_accessible(page)

    _follow(page, "Back to Billing agents, spring", "Dan Doe")
    page.get_by_role("button", name="Delete Dan Doe").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The candidate and their role-plays")).to_be_visible()
    assert not Candidate.objects.filter(name="Dan Doe").exists()


def _hire_into(running_cohort):
    """Cara, interviewed and scored 4 by a coach, hired into the cohort by its manager."""
    manager = running_cohort.facilitators.get()
    team = TeamFactory(name="Billing")
    team.managers.add(manager)
    coach = CoachFactory(email="cole@example.com")
    opening = services.opening_create(
        by=manager, title="Billing agents, spring", team=team, interviewers=[coach]
    )
    candidate = services.candidate_add(
        opening=opening, name="Cara Candidate", email="cara@mail.test"
    )
    library_card(title="Charged twice before payday")  # the role-play is drawn from it
    interview = services.interview_create(candidate=candidate, held_on=timezone.localdate())
    services.interview_score_submit(interview=interview, interviewer=coach, values=every(4))
    agent = services.candidate_hire(candidate=candidate, by=manager, cohort=running_cohort)
    agent.set_password("pw")
    agent.save(update_fields=["password"])
    return manager, agent


def test_a_hired_agent_reads_their_starting_point_from_their_plan(
    page, live_server, running_cohort
):
    _, agent = _hire_into(running_cohort)

    sign_in(page, live_server, agent.email)
    page.goto(f"{live_server.url}/plan/")
    section = page.get_by_role("region", name="Your starting point")
    assert "Billing agents, spring" in section.inner_text()
    section.get_by_role("link", name="see your starting point").click()
    page.get_by_role("heading", name="My starting point").wait_for()

    expect(page.get_by_text("4.00").first).to_be_visible()
    assert_accessible(page)


def test_a_manager_opens_a_hired_agents_starting_point_from_the_cohort_page(
    page, live_server, running_cohort
):
    manager, _ = _hire_into(running_cohort)

    sign_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/cohorts/")
    _follow(page, "Browser cohort")
    enrolled = page.get_by_role("region", name="Who is enrolled")
    # Only the agent hired through Attune has a starting point to open.
    expect(enrolled.get_by_role("link", name="Starting point")).to_have_count(1)
    enrolled.get_by_role("link", name="Starting point of Cara Candidate").click()
    page.get_by_role("heading", name="Starting point: Cara Candidate").wait_for()

    expect(page.get_by_text("4.00").first).to_be_visible()
    assert_accessible(page)


def test_a_manager_renames_an_opening_and_chooses_its_rubric_on_the_page(page, live_server):
    manager = ManagerFactory(email="mina@example.com")
    team = TeamFactory(name="Billing")
    team.managers.add(manager)
    opening = services.opening_create(by=manager, title="Billing agents", team=team)
    shorter = RubricFactory(
        name="Interview, shorter", status="published", published_at=timezone.now()
    )
    RubricCriterionFactory(rubric=shorter, key="listening", name="Listening")

    sign_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/hiring/")
    _follow(page, "Billing agents")
    form = page.locator("form", has=page.get_by_role("heading", name="Title and rubric"))
    form.get_by_label("Title").fill("Billing agents, autumn")
    form.get_by_label("Rubric").select_option(label=str(shorter))
    form.get_by_role("button", name="Save the opening").click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", name="Billing agents, autumn")).to_be_visible()
    expect(page.get_by_text("Opening saved.")).to_be_visible()
    expect(page.get_by_text("scored on Interview, shorter")).to_be_visible()
    opening.refresh_from_db()
    assert opening.rubric == shorter
    assert_accessible(page)
