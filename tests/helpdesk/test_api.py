"""The sources API: a manager's own sources only; other roles refused."""

import pytest

from helpdesk import services
from helpdesk.models import HelpdeskSource
from jobs.models import TaskIntent
from tests.clients import api_as
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory

ZENDESK = {
    "name": "Acme Zendesk",
    "slug": "zendesk-acme",
    "kind": "zendesk",
    "subdomain": "acme",
    "agent_email": "sync@example.com",
    "token_env": "ATTUNE_HELPDESK_TOKEN_ACME",
}


@pytest.fixture
def owner(db):
    return ManagerFactory()


@pytest.fixture
def own_source(owner):
    return services.source_create(owner=owner, **ZENDESK)[0]


def test_a_manager_creates_a_zendesk_source(owner):
    response = api_as(owner).post("/api/helpdesk-sources/", ZENDESK, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["owner"], body["webhook_secret"]) == (owner.pk, None)
    assert (body["lag_seconds"], body["stopped"]) == (None, False)


def test_a_webhook_source_shows_its_secret_once(owner):
    client = api_as(owner)
    created = client.post(
        "/api/helpdesk-sources/", {"name": "Other desk", "slug": "other", "kind": "webhook"}
    ).json()

    assert created["webhook_secret"].startswith("whsec_")
    assert created["webhook_url"] == "/api/helpdesk/webhook/other/"
    assert "webhook_secret" not in client.get(f"/api/helpdesk-sources/{created['id']}/").json()
    assert HelpdeskSource.objects.get().webhook_secret == created["webhook_secret"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"token_env": "SECRET_KEY"}, "token_env"),
        ({"subdomain": "acme.evil.example/"}, "subdomain"),
        ({"token_env": ""}, "non_field_errors"),
    ],
)
def test_bad_settings_answer_400_naming_the_field(owner, change, field):
    response = api_as(owner).post("/api/helpdesk-sources/", {**ZENDESK, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_manager_may_not_point_the_token_at_another_server(own_source, owner):
    response = api_as(owner).patch(
        f"/api/helpdesk-sources/{own_source.pk}/",
        {"api_base_url": "http://attacker.example"},
        format="json",
    )
    assert response.status_code == 200
    own_source.refresh_from_db()
    assert own_source.api_base_url == ""


def test_kind_and_slug_are_fixed_once_made(own_source, owner):
    response = api_as(owner).patch(
        f"/api/helpdesk-sources/{own_source.pk}/", {"slug": "renamed"}, format="json"
    )
    assert response.status_code == 400
    assert "slug" in response.json()


def test_another_managers_source_is_not_found(own_source):
    other = api_as(ManagerFactory())
    assert other.get(f"/api/helpdesk-sources/{own_source.pk}/").status_code == 404
    assert other.post(f"/api/helpdesk-sources/{own_source.pk}/sync/").status_code == 404
    assert other.get("/api/helpdesk-sources/").json()["count"] == 0


@pytest.mark.parametrize("factory", [AgentFactory, CoachFactory, HRFactory])
def test_other_roles_are_refused(own_source, factory):
    client = api_as(factory())
    assert client.get("/api/helpdesk-sources/").status_code == 403
    assert client.get(f"/api/helpdesk-sources/{own_source.pk}/").status_code == 403
    assert client.post(f"/api/helpdesk-sources/{own_source.pk}/sync/").status_code == 403
    assert client.post("/api/helpdesk-sources/", ZENDESK, format="json").status_code == 403


def test_sync_now_records_a_task_intent_with_the_request(own_source, owner):
    response = api_as(owner).post(f"/api/helpdesk-sources/{own_source.pk}/sync/")

    assert response.status_code == 202
    intent = TaskIntent.objects.get(task="helpdesk.tasks.helpdesk_source_sync_task")
    assert intent.args == [own_source.pk]


def test_a_webhook_source_is_not_synced(owner):
    source, _ = services.source_create(owner=owner, name="Hook", slug="hook", kind="webhook")
    response = api_as(owner).post(f"/api/helpdesk-sources/{source.pk}/sync/")
    assert response.status_code == 400


def test_rotating_the_secret_replaces_it(owner):
    source, first = services.source_create(owner=owner, name="Hook", slug="hook", kind="webhook")
    response = api_as(owner).post(f"/api/helpdesk-sources/{source.pk}/rotate-secret/")
    assert response.status_code == 200
    assert response.json()["webhook_secret"] not in ("", first)


def test_the_list_reads_a_fixed_number_of_queries(owner, django_assert_max_num_queries):
    for n in range(12):
        services.source_create(owner=owner, **{**ZENDESK, "slug": f"acme-{n}"})
    client = api_as(owner)
    # session-less client: count, page
    with django_assert_max_num_queries(3):
        response = client.get("/api/helpdesk-sources/")
    assert response.json()["count"] == 12
