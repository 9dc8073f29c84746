"""From a CSV row to a first sign-in, on the pages alone."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_agent_from_a_csv_row_sets_a_password_and_sees_their_plan(
    page,
    chromium,
    live_server,
    running_cohort,
    tmp_path,
):
    TeamFactory(name="Billing")
    csv = tmp_path / "agents.csv"
    csv.write_text("email,name,team\nnew.agent@example.com,Noor Agent,Billing\n")
    sign_in(page, live_server, "maya@example.com")
    page.goto(f"{live_server.url}/cohorts/{running_cohort.pk}/")
    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_load_state()
    expect(page.locator("#invitations").get_by_text("new.agent@example.com")).to_be_visible()

    (invitation,) = [m for m in mail.outbox if m.to == ["new.agent@example.com"]]
    link = re.search(r"https://attune\.test(/invitations/\S+/)", invitation.body).group(1)
    agent = chromium.new_context().new_page()
    agent.goto(f"{live_server.url}{link}")
    agent.get_by_label("New password", exact=True).fill("a-good-long-password-7")
    agent.get_by_label("New password again").fill("a-good-long-password-7")
    agent.get_by_role("button", name="Set password and sign in").click()
    agent.wait_for_load_state()

    assert agent.url.endswith("/plan/")
    expect(agent.get_by_role("heading", name="My plan")).to_be_visible()
    expect(agent.get_by_text("Browser cohort").first).to_be_visible()
    agent.context.close()
