"""A training manager's helpdesk jobs in Chromium, through the pages only: add a Zendesk
source, sync it now, read its last sync, lag and rows, and see it stop on an expired token;
push micro-scripts to it as macros."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from helpdesk import services
from helpdesk.zendesk_fake import FakeZendesk
from programs.services import program_publish
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import (
    AgentFactory,
    ManagerFactory,
    MicroScriptFactory,
    TeamFactory,
    complete_program,
)
from tests.helpdesk.conftest import ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zendesk(settings, monkeypatch):
    """Maya's team, and a Zendesk-format server with four of its tickets."""
    manager = ManagerFactory(email="maya@example.com", display_name="Maya Manager")
    team = TeamFactory(name="Billing")
    team.managers.add(manager)
    agents = [AgentFactory(email=f"desk{n}@example.com", team=team) for n in (1, 2)]
    fake = FakeZendesk(
        tickets=[ticket(500 + n, assignee=1 + n % 2, minutes=n) for n in range(4)],
        users=[{"id": n, "email": a.email} for n, a in enumerate(agents, start=1)],
        email="sync@acme.example",
        token="good-token",
        page_size=3,
    )
    monkeypatch.setenv("ATTUNE_HELPDESK_TOKEN_ACME", "good-token")
    with fake:
        settings.ATTUNE_HELPDESK_ZENDESK_URL = fake.url  # every subdomain is this server
        yield fake


def test_a_manager_adds_a_zendesk_source_syncs_it_and_sees_it_stop(page, live_server, zendesk):
    sign_in(page, live_server, "maya@example.com")
    page.get_by_role("link", name="Helpdesk").click()
    page.wait_for_load_state()
    expect(page.get_by_text("No sources yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("textbox", name="Name:", exact=True).fill("Acme Zendesk")
    page.get_by_label("Interaction source name").fill("zendesk-acme")
    page.get_by_label("Kind").select_option(label="Zendesk (pulled every few minutes)")
    page.get_by_label("Zendesk subdomain").fill("acme")
    page.get_by_label("Zendesk agent e-mail").fill("sync@acme.example")
    page.get_by_label("Environment variable with the API token").fill("ATTUNE_HELPDESK_TOKEN_ACME")
    page.get_by_role("button", name="Add the source").click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", name="Acme Zendesk")).to_be_visible()
    assert page.locator("#last-sync").inner_text() == "never"
    assert_accessible(page)

    page.get_by_role("button", name="Sync now").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Sync requested")).to_be_visible()
    assert page.locator("#rows").inner_text() == "4 created, 0 updated, 0 rejected"
    assert "behind" in page.locator("#lag").inner_text()

    zendesk.token = "expired"  # the token was revoked in Zendesk
    page.get_by_role("button", name="Sync now").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert").filter(has_text="Syncing stopped")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="All helpdesk sources").click()
    page.wait_for_load_state()
    expect(page.get_by_text("stopped")).to_be_visible()
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_load_state()
    expect(page.get_by_text("“Acme Zendesk” stopped syncing")).to_be_visible()


def test_a_manager_pushes_micro_scripts_to_zendesk_as_macros(page, live_server, zendesk):
    program = program_publish(program=complete_program(name="Empathy Essentials"))
    program.micro_scripts.all().delete()
    MicroScriptFactory(program=program, situation="refund", text="I see why this matters.")
    MicroScriptFactory(program=program, situation="general", text="Thanks for waiting.")
    manager = User.objects.get(email="maya@example.com")
    source, _ = services.source_create(
        owner=manager, name="Acme Zendesk", slug="zendesk-acme", kind="zendesk",
        subdomain="acme", agent_email="sync@acme.example", token_env="ATTUNE_HELPDESK_TOKEN_ACME",
    )  # fmt: skip
    sign_in(page, live_server, "maya@example.com")

    page.goto(f"{live_server.url}/helpdesk/{source.pk}/")
    expect(page.get_by_text("Nothing pushed yet.")).to_be_visible()
    page.get_by_label("Situation").select_option(label="Refund")
    page.get_by_role("button", name="Push as macros").click()
    page.wait_for_load_state()

    expect(page.get_by_text("Pushing 1 micro-scripts as macros")).to_be_visible()
    assert page.locator("#last-push").inner_text().endswith("1 created, 0 updated of 1.")
    assert_accessible(page)
    (macro,) = zendesk.macros.values()
    assert macro["actions"] == [{"field": "comment_value", "value": "I see why this matters."}]
