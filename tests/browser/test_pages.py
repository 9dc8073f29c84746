import pytest
from playwright.sync_api import expect

from cohorts import services
from cohorts.models import ScheduleItem
from tests.browser.conftest import screenshot, sign_in
from tests.factories import HRFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _progress(page) -> float:
    return float(page.locator("#plan-progress").get_attribute("aria-valuenow"))


def test_an_agent_marks_prework_done_and_the_progress_bar_moves(page, live_server, running_cohort):
    enrollment = running_cohort.enrollments.order_by("pk").first()
    module = running_cohort.schedule_items.get(title="Reflective listening")
    # The facilitator already recorded live practice, so pre-work completes the module.
    services.practice_record(
        item=module, attended={enrollment.pk: True}, by=running_cohort.facilitators.get()
    )
    sign_in(page, live_server, enrollment.agent.email)
    page.goto(f"{live_server.url}/plan/")
    before = _progress(page)

    page.get_by_role("button", name="Mark pre-work done").click()
    page.wait_for_load_state()

    expect(page.get_by_text("Pre-work done", exact=True)).to_be_visible()
    assert _progress(page) > before
    screenshot(page, "agent-my-plan")


def test_a_manager_enrols_from_a_csv_with_one_bad_row_and_sees_the_error(
    page, live_server, running_cohort, tmp_path
):
    TeamFactory(name="Billing")
    csv = tmp_path / "agents.csv"
    csv.write_text(
        "email,name,team\nnew.agent@example.com,New Agent,Billing\nnot-an-email,Bad Row,Billing\n"
    )
    sign_in(page, live_server, "maya@example.com")
    page.goto(f"{live_server.url}/cohorts/{running_cohort.pk}/")

    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_load_state()

    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    assert "3" in errors.locator(".import-error").first.inner_text()
    assert running_cohort.enrollments.count() == 6
    screenshot(page, "manager-cohort")


def test_hr_sees_the_charts_and_cannot_open_an_agents_page(page, live_server, running_cohort):
    HRFactory(email="hana@example.com")
    sign_in(page, live_server, "hana@example.com")

    page.goto(f"{live_server.url}/insights/")
    charts = page.locator("svg[role='img']")
    assert charts.count() >= 1
    screenshot(page, "hr-insights")
    response = page.goto(f"{live_server.url}/plan/")

    assert response.status == 403
    assert page.get_by_role("link", name="My plan").count() == 0


def test_the_plan_works_at_phone_width_with_the_keyboard(phone, live_server, running_cohort):
    enrollment = running_cohort.enrollments.order_by("pk").first()
    sign_in(phone, live_server, enrollment.agent.email)
    phone.goto(f"{live_server.url}/plan/")

    width = phone.evaluate("document.documentElement.scrollWidth")
    phone.keyboard.press("Tab")
    focused = phone.evaluate("document.activeElement.textContent")

    assert width <= 390
    assert "Skip to content" in focused
    assert ScheduleItem.objects.filter(cohort=running_cohort).exists()


def test_hr_reads_the_case_study_and_estimates_its_roi_on_the_page(page, live_server):
    import io

    from django.core.management import call_command

    from insights.case_study import case_study_create
    from programs.models import Program
    from tests.factories import ManagerFactory

    call_command("load_playbook", stdout=io.StringIO())
    program = Program.objects.get(name="Empathy Essentials", cloned_from__isnull=True)
    study = case_study_create(manager=ManagerFactory(), program=program)
    HRFactory(email="hana@example.com")
    sign_in(page, live_server, "hana@example.com")

    page.goto(f"{live_server.url}/insights/")
    page.get_by_label("Team").select_option(label=study.team.name)
    page.get_by_role("button", name="Show").click()
    row = page.locator("tr", has_text="CSAT (% satisfied: 4 or 5 of 5)").filter(has_text="points")
    assert row.inner_text().split("\t")[1:3] == ["78%", "84%"]
    assert "+6 points" in row.inner_text()
    assert page.get_by_label("CSAT lift (percentage points satisfied)").input_value() == "6.0"
    page.get_by_label("Customers").fill("12000")
    page.get_by_label("Annual revenue per customer").fill("1200")
    page.get_by_label("Churn reduction (percentage points)").fill("2")
    page.get_by_role("button", name="Estimate").click()

    assert "Retained revenue: 288,000" in page.get_by_role("status").inner_text()
    assert page.get_by_label("Team").input_value() == str(study.team.pk)  # filters kept
