import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import AgentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_creates_a_token_uses_it_on_the_api_and_revokes_it(page, live_server):
    AgentFactory(email="ada@example.com")
    sign_in(page, live_server, "ada@example.com")

    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("textbox", name="Name").fill("nightly export")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()
    secret = page.get_by_role("textbox", name="Secret token").input_value()

    me = requests.get(
        f"{live_server.url}/api/me/", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert me.status_code == 200
    assert me.json()["email"] == "ada@example.com"

    page.get_by_role("button", name="Revoke nightly export").click()
    page.wait_for_load_state()

    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    after = requests.get(
        f"{live_server.url}/api/me/", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert after.status_code == 401
    # Reloading the list never shows the secret again.
    page.goto(f"{live_server.url}/account/tokens/")
    assert secret not in page.content()
