"""Micro-scripts pushed to a Zendesk source as macros: created once, updated after, created
again when deleted in Zendesk; refusals reported; only the source's owner pushes."""

import pytest
from django.test import TestCase
from django.urls import reverse

from helpdesk import macro_push
from helpdesk.models import HelpdeskSource, PushedMacro
from programs.macros import zendesk_macro
from programs.services import program_publish
from tests.clients import api_as
from tests.factories import AgentFactory, ManagerFactory, MicroScriptFactory, complete_program


@pytest.fixture
def scripts(manager):
    program = program_publish(program=complete_program(name="Empathy Essentials"))
    program.micro_scripts.all().delete()  # the tests' own scripts only
    return [
        MicroScriptFactory(program=program, situation="refund", text="I see why this matters."),
        MicroScriptFactory(program=program, situation="refund", locale="de", text="Ich sehe."),
        MicroScriptFactory(
            program=program, situation="technical_failure", text="Let me check that now."
        ),
    ]


def push(source, manager, **data):
    """POST the push; the task it records runs once the request's transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return api_as(manager).post(
            f"/api/helpdesk-sources/{source.pk}/push-macros/", data, format="json"
        )


def test_a_push_creates_one_macro_per_script_then_updates_them(
    source, manager, scripts, zendesk_server
):
    response = push(source, manager, locale="en")

    assert response.status_code == 202, response.data
    assert response.data == {"scripts": 2}
    fake_macros = zendesk_server.macros
    assert sorted(m["actions"][0]["value"] for m in fake_macros.values()) == [
        "I see why this matters.",
        "Let me check that now.",
    ]
    assert HelpdeskSource.objects.get(pk=source.pk).last_macro_push == {
        "scripts": 2, "created": 2, "updated": 0, "error": "",
    }  # fmt: skip

    scripts[0].text = "I see why this matters to you."
    scripts[0].save()
    push(source, manager, locale="en")

    assert len(fake_macros) == 2  # updated, not duplicated
    assert zendesk_macro(scripts[0]) in fake_macros.values()
    assert HelpdeskSource.objects.get(pk=source.pk).last_macro_push["updated"] == 2


def test_a_macro_deleted_in_zendesk_is_created_again(source, manager, scripts, zendesk_server):
    push(source, manager, situation="technical_failure")
    (remote_id,) = zendesk_server.macros
    del zendesk_server.macros[remote_id]

    push(source, manager, situation="technical_failure")

    (again,) = zendesk_server.macros
    assert again != remote_id
    assert PushedMacro.objects.get(source=source).remote_id == again


def test_an_expired_token_stops_the_push_and_says_so(source, manager, scripts, zendesk_server):
    zendesk_server.token = "rotated-elsewhere"

    push(source, manager)

    report = HelpdeskSource.objects.get(pk=source.pk).last_macro_push
    assert report["created"] == 0
    assert "refused the API token (HTTP 401)" in report["error"]
    assert not PushedMacro.objects.exists()


def test_a_crash_after_some_macros_keeps_them_and_a_rerun_adds_no_copy(
    source, manager, scripts, zendesk_server, monkeypatch
):
    calls = []
    real = macro_push.zendesk.macro_save

    def dies_on_the_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(macro_push.zendesk, "macro_save", dies_on_the_second)
    ids = [script.pk for script in scripts]
    with pytest.raises(SystemExit):
        macro_push.macros_push(source_id=source.pk, script_ids=ids)
    monkeypatch.setattr(macro_push.zendesk, "macro_save", real)

    report = macro_push.macros_push(source_id=source.pk, script_ids=ids)

    assert len(zendesk_server.macros) == 3
    assert (report["created"], report["updated"]) == (2, 1)


def test_bad_filters_and_sources_that_cannot_take_macros_are_400(source, manager, scripts):
    assert push(source, manager, situation="nonsense").status_code == 400
    assert "locale" in push(source, manager, locale="x" * 40).data
    assert push(source, manager, locale="fr").data == {
        "non_field_errors": ["No micro-script matches these filters."]
    }
    hook, _ = macro_push.HelpdeskSource.objects.get_or_create(
        owner=manager, name="Hook", slug="hook", kind="webhook"
    )
    assert push(hook, manager).status_code == 400


def test_only_the_sources_owner_pushes(source, scripts):
    assert push(source, ManagerFactory()).status_code == 404
    assert push(source, AgentFactory()).status_code == 403


def test_a_manager_pushes_from_the_sources_page(client, source, manager, scripts, zendesk_server):
    client.force_login(manager)
    page = reverse("web:helpdesk-source", args=[source.pk])
    assert "Nothing pushed yet." in client.get(page).content.decode()

    url = reverse("web:helpdesk-source-macros", args=[source.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"situation": "refund", "locale": "en"})
    response = client.get(page)

    body = response.content.decode()
    assert "Pushing 1 micro-scripts as macros in the background." in body
    assert "1 created, 0 updated of 1." in body
    assert len(zendesk_server.macros) == 1
