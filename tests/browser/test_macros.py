"""A training manager takes the micro-scripts to the helpdesk in Chromium, through the pages
only: opens Macros from the menu, filters by locale and situation, and downloads the
Zendesk macros."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from programs.models import MicroScript
from programs.services import program_publish
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import sign_in
from tests.factories import ManagerFactory, MicroScriptFactory, complete_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_filters_the_micro_scripts_and_downloads_zendesk_macros(page, live_server):
    ManagerFactory(email="maya@example.com")
    program = program_publish(program=complete_program(name="Empathy Essentials"))
    refund = MicroScriptFactory(
        program=program, kind=MicroScript.Kind.VALIDATION, situation="refund", locale="de",
        title="Erstattung verspätet", text="Ich sehe, dass die Erstattung zu spät ist.",
    )  # fmt: skip
    sign_in(page, live_server, "maya@example.com")

    page.get_by_role("link", name="Macros").click()
    page.get_by_label("Locale").fill("de")
    page.get_by_label("Situation").select_option(label="Refund")
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_role("heading", name="Download 1 micro-script")).to_be_visible()
    expect(page.get_by_role("cell", name="Erstattung verspätet")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Zendesk macros (JSON)").click()
    download = download_info.value
    assert download.suggested_filename == "attune-zendesk-macros.json"
    macros = json.loads(Path(download.path()).read_text(encoding="utf-8"))["macros"]
    assert [m["title"] for m in macros] == ["Empathy::Refund::Erstattung verspätet"]
    assert macros[0]["description"].endswith(f"[attune:microscript:{refund.pk}]")
    assert macros[0]["actions"] == [{"field": "comment_value", "value": refund.text}]
