"""A/B experiments and the certification queue in Chromium, through the pages only: a
manager defines an experiment and reads its assignment and result; a manager books a
role-play for an eligible agent, the assessor opens it from the queue and records a pass,
and the certification decision shows on the queue."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Experiment
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import screenshot, sign_in
from tests.factories import CohortFactory, ManagerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_defines_an_experiment_and_reads_its_assignment(
    page, live_server, running_cohort
):
    other = CohortFactory(name="Another program's cohort", facilitators=[ManagerFactory()])
    other.facilitators.add(running_cohort.facilitators.get())
    sign_in(page, live_server, "maya@example.com")

    page.goto(f"{live_server.url}/experiments/")
    expect(page.get_by_text("No experiment on your cohorts or teams yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Define an experiment").click()
    expect(page.get_by_text("within each team")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Name").fill("Scripts pilot")
    page.get_by_label("Program").select_option(label=running_cohort.program.name)
    # The script narrows the cohorts to the program's at once.
    cohort_options = page.get_by_label("Cohort").locator("option:not([hidden])")
    assert "Another program's cohort" not in " ".join(cohort_options.all_inner_texts())
    page.get_by_label("Cohort").select_option(label=f"Browser cohort ({running_cohort.program})")
    page.get_by_label("First day of the window").fill("2026-11-02")
    page.get_by_label("Last day of the window").fill("2026-11-30")
    page.get_by_role("button", name="Create and assign the agents").click()

    assignment = page.locator("#assignment")
    assert "6 agents assigned" in assignment.get_by_role("status").inner_text()
    assert "Treatment (scripts and coaching): 3 agents" in assignment.inner_text()
    expect(page.get_by_role("rowheader", name="Billing")).to_be_visible()
    expect(page.get_by_text("Not enough data yet").first).to_be_visible()
    screenshot(page, "experiment")
    assert_accessible(page)
    assert Experiment.objects.get().assignments.count() == 6


def test_the_form_shows_the_services_rule_next_to_the_field(page, live_server, running_cohort):
    running_cohort.enrollments.first().agent.team.managers.add(running_cohort.facilitators.get())
    sign_in(page, live_server, "maya@example.com")
    page.goto(f"{live_server.url}/experiments/new/")

    page.get_by_label("Name").fill("Both")
    page.get_by_label("Cohort").select_option(label=f"Browser cohort ({running_cohort.program})")
    page.locator("#id_teams input").first.check()
    page.get_by_label("First day of the window").fill("2026-11-02")
    page.get_by_label("Last day of the window").fill("2026-11-30")
    page.get_by_role("button", name="Create and assign the agents").click()

    cohort = page.get_by_label("Cohort")
    assert cohort.get_attribute("aria-invalid") == "true"
    assert cohort.get_attribute("aria-describedby") == "cohort-errors"
    assert "not both" in page.locator("#cohort-errors").inner_text()
    assert_accessible(page)


@pytest.fixture
def experiment(running_cohort):
    from cohorts.services.experiments import experiment_create

    return experiment_create(
        name="Phone pilot",
        cohort=running_cohort,
        window_start=timezone.now(),
        window_end=timezone.now() + datetime.timedelta(days=30),
    )


def test_the_experiment_pages_work_at_phone_width(phone, live_server, experiment):
    sign_in(phone, live_server, "maya@example.com")

    phone.goto(f"{live_server.url}/experiments/")
    assert_accessible(phone)
    phone.get_by_role("link", name="Phone pilot").click()
    expect(phone.get_by_role("heading", name="Experiment: Phone pilot")).to_be_visible()
    assert_accessible(phone)
    phone.goto(f"{live_server.url}/experiments/new/")
    assert_accessible(phone)
    assert experiment.assignments.count() == 6


def test_the_experiment_pages_and_their_script_break_no_policy(
    page, live_server, running_cohort, experiment
):
    from tests.browser.test_csp import visit_collecting_violations

    sign_in(page, live_server, "maya@example.com")
    found = []
    for path in ("/experiments/", "/experiments/new/", f"/experiments/{experiment.pk}/"):
        found += visit_collecting_violations(page, f"{live_server.url}{path}")
    found += visit_collecting_violations(
        page, f"{live_server.url}/cohorts/{running_cohort.pk}/certification/"
    )

    assert found == []
    # The script ran: it removed the button that narrows the cohorts without JavaScript.
    page.goto(f"{live_server.url}/experiments/new/")
    assert page.get_by_role("button", name="Show its cohorts").count() == 0


# --- Certification queue -------------------------------------------------------------------


@pytest.fixture
def ready_agent(running_cohort):
    """An agent of the running cohort whose last three QA scores average 80%, a scenario
    card, and a coach to assess."""
    from cohorts.services import rubric_score_create
    from tests.factories import CoachFactory, ScenarioCardFactory

    enrollment = running_cohort.enrollments.order_by("pk").first()
    program = running_cohort.program
    keys = program.rubric.criteria.values_list("key", flat=True)
    for days in range(1, 4):
        rubric_score_create(
            rubric=program.rubric, scorer=CoachFactory(), subject=enrollment.agent,
            context="qa", values=dict.fromkeys(keys, 4), cohort=running_cohort,
            scored_at=timezone.now() - datetime.timedelta(days=days),
        )  # fmt: skip
    ScenarioCardFactory(program=program, title="Double charge")
    CoachFactory(email="cora@example.com", display_name="Cora Coach")
    return enrollment.agent


def test_a_role_play_goes_from_the_queue_to_a_certification(
    page, live_server, running_cohort, ready_agent
):
    queue = f"{live_server.url}/cohorts/{running_cohort.pk}/certification/"
    sign_in(page, live_server, "maya@example.com")
    page.goto(queue)
    assert_accessible(page)
    page.get_by_role("link", name=f"Book a role-play for {ready_agent}").click()

    assert page.get_by_label("Agent").input_value() == str(
        running_cohort.enrollments.get(agent=ready_agent).pk
    )
    page.get_by_label("Scenario card").select_option(label="Double charge")
    page.get_by_label("Assessor").select_option(label="Cora Coach")
    page.get_by_label("When").fill("2026-12-10T10:00")
    assert_accessible(page)
    page.get_by_role("button", name="Book").click()
    page.get_by_role("link", name="Certification queue of Browser cohort").click()
    booked = page.locator("#booked")
    assert "Cora Coach" in booked.inner_text()
    assert "Thu 10 Dec 2026, 10:00" in booked.inner_text()

    page.context.clear_cookies()
    sign_in(page, live_server, "cora@example.com")
    page.goto(queue)
    assert_accessible(page)
    page.get_by_role("link", name=f"Record the result for {ready_agent}").click()
    for fieldset in page.locator("fieldset").all()[:-1]:  # the criteria; the last is the outcome
        fieldset.get_by_label("4").check()
    page.get_by_label("Passed", exact=True).check()
    page.get_by_label("Notes").fill("Steady under pressure.")
    assert_accessible(page)
    page.get_by_role("button", name="Record the result").click()
    assert "certification is evaluated" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Certification queue of Browser cohort").click()
    assert "Passed" in page.locator("#assessed").inner_text()

    page.context.clear_cookies()
    sign_in(page, live_server, "maya@example.com")
    page.goto(queue)
    decisions = page.locator("#decisions")
    assert str(ready_agent) in decisions.inner_text()
    assert "Certified" in decisions.inner_text()
    screenshot(page, "certification-queue")
    assert_accessible(page)


def test_the_queue_works_at_phone_width(phone, live_server, running_cohort, ready_agent):
    sign_in(phone, live_server, "maya@example.com")
    phone.goto(f"{live_server.url}/cohorts/{running_cohort.pk}/certification/")

    expect(phone.get_by_role("link", name=f"Book a role-play for {ready_agent}")).to_be_visible()
    assert_accessible(phone)


def test_the_queue_is_closed_to_other_managers_and_agents(page, live_server, running_cohort):
    ManagerFactory(email="other@example.com")
    agent = running_cohort.enrollments.first().agent
    url = f"{live_server.url}/cohorts/{running_cohort.pk}/certification/"

    sign_in(page, live_server, "other@example.com")
    assert page.goto(url).status == 404
    page.context.clear_cookies()
    sign_in(page, live_server, agent.email)
    assert page.goto(url).status == 403
