"""Micro-scripts out to a helpdesk: each shape parsed back, the filters, who may export,
through the API and the page (issue #19)."""

import csv
import io
import json

import pytest

from programs.macros import zendesk_macro
from programs.models import MicroScript
from programs.services import program_publish
from tests.clients import api_as
from tests.factories import (
    AgentFactory,
    CoachFactory,
    HRFactory,
    ManagerFactory,
    MicroScriptFactory,
    ProgramFactory,
    complete_program,
)

pytestmark = pytest.mark.django_db
URL = "/api/micro-scripts/export/"


@pytest.fixture
def program(db):
    program = program_publish(program=complete_program(name="Empathy Essentials"))
    program.micro_scripts.all().delete()  # the tests' own scripts only
    return program


@pytest.fixture
def refund(program):
    return MicroScriptFactory(
        program=program, kind=MicroScript.Kind.VALIDATION, situation="refund", locale="en",
        title="Refund delayed", text="I can see the refund is late.\n\nLet's fix it together.",
    )  # fmt: skip


@pytest.fixture
def german(program):
    return MicroScriptFactory(
        program=program, kind=MicroScript.Kind.OPENING, situation="refund", locale="de",
        text="Danke, dass Sie sich melden.",
    )  # fmt: skip


@pytest.fixture
def outage(program):
    return MicroScriptFactory(
        program=program, kind=MicroScript.Kind.INTENSITY_TEMPLATE, intensity="high",
        situation="technical_failure", locale="en", text="=This is not acceptable; first I will...",
    )  # fmt: skip


@pytest.fixture
def scripts(refund, german, outage):
    return [refund, german, outage]


def _get(user, **params):
    return api_as(user).get(URL, params)


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- The shapes ----------------------------------------------------------------------------


def test_zendesk_macros_have_their_shape_and_a_stable_identifier(scripts, refund):
    response = _get(ManagerFactory(), shape="zendesk", locale="en", situation="refund")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="attune-zendesk-macros.json"' in response["Content-Disposition"]
    body = json.loads(response.content)
    assert body == {
        "macros": [
            {
                "title": "Empathy::Refund::Refund delayed",
                "active": True,
                "description": "Validation sentence, refund, locale en, from the Attune "
                f"program Empathy Essentials. [attune:microscript:{refund.pk}]",
                "actions": [{"field": "comment_value", "value": refund.text}],
            }
        ]
    }


def test_the_zendesk_macro_of_a_script_is_the_same_whenever_it_is_built(refund):
    first = zendesk_macro(refund)
    refund.refresh_from_db()

    assert zendesk_macro(refund) == first
    assert first["description"].endswith(f"[attune:microscript:{refund.pk}]")


def test_an_intensity_template_names_its_intensity_in_the_macro_title(outage):
    macro = zendesk_macro(outage)

    assert macro["title"] == "Empathy::Technical failure::Intensity template (high intensity)"


def test_freshdesk_canned_responses_are_a_csv_with_html_content(scripts, refund, outage):
    response = _get(ManagerFactory(), shape="freshdesk", locale="en")

    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert list(rows[0]) == ["folder", "title", "content_html", "content", "locale", "attune_id"]
    by_id = {row["attune_id"]: row for row in rows}
    assert set(by_id) == {f"[attune:microscript:{s.pk}]" for s in (refund, outage)}
    row = by_id[f"[attune:microscript:{refund.pk}]"]
    assert row["folder"] == "Empathy: Refund"
    assert row["title"] == "Refund delayed"
    assert row["content_html"] == (
        "<p>I can see the refund is late.</p>\n\n<p>Let&#x27;s fix it together.</p>"
    )
    assert row["content"] == refund.text


def test_a_cell_that_would_be_a_formula_is_made_safe(outage):
    rows = _csv(_get(ManagerFactory(), shape="csv"))

    assert rows[0]["text"] == "'" + outage.text


def test_plain_json_has_every_field(scripts, german, program):
    body = _get(ManagerFactory(), shape="json", locale="de").json()

    assert body == {
        "micro_scripts": [
            {
                "attune_id": f"[attune:microscript:{german.pk}]",
                "id": german.pk,
                "program": program.pk,
                "program_name": "Empathy Essentials",
                "kind": "opening",
                "situation": "refund",
                "intensity": "",
                "locale": "de",
                "title": "",
                "text": "Danke, dass Sie sich melden.",
            }
        ]
    }


def test_json_is_the_default_shape(scripts):
    body = _get(ManagerFactory()).json()

    assert len(body["micro_scripts"]) == 3


def test_plain_csv_has_a_row_per_script(scripts):
    rows = _csv(_get(ManagerFactory(), shape="csv"))

    assert list(rows[0]) == [
        "attune_id", "program", "kind", "situation", "intensity", "locale", "title", "text",
    ]  # fmt: skip
    assert sorted(row["locale"] for row in rows) == ["de", "en", "en"]
    assert {row["program"] for row in rows} == {"Empathy Essentials"}


# --- Filters -------------------------------------------------------------------------------


def _ids(response) -> set[int]:
    return {item["id"] for item in response.json()["micro_scripts"]}


def test_it_filters_by_locale_situation_kind_and_intensity(scripts, refund, german, outage):
    manager = ManagerFactory()

    assert _ids(_get(manager, locale="de")) == {german.pk}
    assert _ids(_get(manager, situation="refund")) == {refund.pk, german.pk}
    assert _ids(_get(manager, kind="intensity_template")) == {outage.pk}
    assert _ids(_get(manager, intensity="high")) == {outage.pk}
    assert _ids(_get(manager, situation="account_problem")) == set()


def test_without_a_program_only_published_programs_count(scripts):
    draft = MicroScriptFactory(program=ProgramFactory())
    manager = ManagerFactory()

    assert draft.pk not in _ids(_get(manager))
    assert _ids(_get(manager, program=draft.program_id)) == {draft.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"shape": "excel"},
        {"situation": "tax"},
        {"kind": "poem"},
        {"intensity": "extreme"},
        {"program": "abc"},
        {"program": "999999"},
        {"locale": "x" * 17},
        {"program": "99999999999999999999"},
    ],
)
def test_a_bad_filter_is_a_400_naming_it(scripts, params):
    response = _get(ManagerFactory(), **params)

    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_a_coach_cannot_export_a_draft_program(scripts):
    draft = MicroScriptFactory(program=ProgramFactory())

    response = _get(CoachFactory(), program=draft.program_id)

    assert response.status_code == 400
    assert "program" in response.json()


def test_the_export_takes_a_fixed_number_of_queries(program, django_assert_max_num_queries):
    for situation in ("refund", "general", "account_problem"):
        MicroScriptFactory.create_batch(10, program=program, situation=situation)
    api = api_as(ManagerFactory())

    # The user's session is forced; the scripts with their programs are one query.
    with django_assert_max_num_queries(2):
        response = api.get(URL, {"shape": "zendesk"})
    assert len(response.json()["macros"]) == 30


# --- Who may export ------------------------------------------------------------------------


def test_a_coach_exports_published_scripts(scripts):
    response = _get(CoachFactory(), shape="zendesk")

    assert response.status_code == 200
    assert len(response.json()["macros"]) == 3


@pytest.mark.parametrize("factory", [AgentFactory, HRFactory])
def test_agents_and_hr_may_not_export(scripts, factory):
    assert _get(factory(), shape="zendesk").status_code == 403


def test_signed_out_is_refused(scripts, client):
    assert client.get(URL).status_code in (401, 403)


def test_the_schema_documents_the_export(client):
    schema = client.get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/micro-scripts/export/"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"shape", "program", "locale", "situation", "kind", "intensity"} <= names
    assert "400" in operation["responses"]


# --- The page ------------------------------------------------------------------------------


def test_the_page_lists_the_filtered_scripts_with_download_buttons(client, scripts, german):
    client.force_login(ManagerFactory())

    response = client.get("/macros/", {"locale": "de"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Danke, dass Sie sich melden." in html
    assert "Refund delayed" not in html
    assert "/macros/download/?locale=de&amp;shape=zendesk" in html
    assert "/macros/download/?locale=de&amp;shape=freshdesk" in html


def test_a_download_from_the_page_is_the_same_file_as_the_api(client, scripts):
    manager = ManagerFactory()
    client.force_login(manager)

    page = client.get("/macros/download/", {"locale": "en", "shape": "freshdesk"})
    api = _get(manager, locale="en", shape="freshdesk")

    assert page.status_code == 200
    assert page["Content-Disposition"] == api["Content-Disposition"]
    assert page.content == api.content


def test_a_bad_filter_on_the_page_is_shown_not_a_500(client, scripts):
    client.force_login(ManagerFactory())

    page = client.get("/macros/", {"situation": "tax"})
    download = client.get("/macros/download/", {"shape": "excel"})

    assert page.status_code == 400
    assert "Check the filters" in page.content.decode()
    assert download.status_code == 400


def test_coaches_reach_the_page_from_the_menu(client, scripts):
    client.force_login(CoachFactory())

    assert 'href="/macros/"' in client.get("/reviews/").content.decode()
    assert client.get("/macros/").status_code == 200


@pytest.mark.parametrize("factory", [AgentFactory, HRFactory])
def test_agents_and_hr_have_no_macro_page(client, scripts, factory):
    client.force_login(factory())

    assert client.get("/macros/").status_code == 403
    assert client.get("/macros/download/", {"shape": "csv"}).status_code == 403
