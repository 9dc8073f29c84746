"""A manager hands a large enrolment file to a worker and follows it on its page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_enrols_a_file_in_the_background_and_sees_the_outcome(
    page, live_server, running_cohort, tmp_path
):
    TeamFactory(name="Billing")
    csv = tmp_path / "agents.csv"
    csv.write_text(
        "email,name,team\n" + "".join(f"bulk{n}@example.com,Bulk {n},Billing\n" for n in range(40))
    )
    sign_in(page, live_server, "maya@example.com")
    page.goto(f"{live_server.url}/cohorts/{running_cohort.pk}/")

    page.get_by_label("Large file, imported in the background").set_input_files(str(csv))
    page.get_by_role("button", name="Start in the background").click()
    page.wait_for_load_state()

    assert "/imports/" in page.url
    expect(page.get_by_text("everyone was enrolled")).to_be_visible()
    assert running_cohort.enrollments.count() == 46
