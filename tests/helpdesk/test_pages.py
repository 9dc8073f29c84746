"""The manager's helpdesk pages, and the beat sweep."""

import pytest
from django.test import Client

from helpdesk import services
from helpdesk.models import HelpdeskSource
from insights.models import Interaction
from jobs.models import TaskIntent
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_my_sources_with_their_state(source, manager):
    services.source_sync(source_id=source.pk)
    page = _client(manager).get("/helpdesk/")
    assert page.status_code == 200
    assert "Acme Zendesk" in page.content.decode()
    assert "none" in page.content.decode()  # no errors


def test_the_source_page_shows_a_stopped_sync(source, zendesk_server, manager):
    zendesk_server.token = "expired"
    services.source_sync(source_id=source.pk)
    page = _client(manager).get(f"/helpdesk/{source.pk}/").content.decode()
    assert "Syncing stopped" in page
    assert "refused the API token" in page


def test_a_manager_adds_a_zendesk_source_on_the_page(manager):
    response = _client(manager).post(
        "/helpdesk/",
        {
            "name": "Acme",
            "slug": "acme",
            "kind": "zendesk",
            "enabled": "on",
            "subdomain": "acme",
            "agent_email": "sync@example.com",
            "token_env": "ATTUNE_HELPDESK_TOKEN_ACME",
        },
    )
    source = HelpdeskSource.objects.get()
    assert response.status_code == 302
    assert response.url == f"/helpdesk/{source.pk}/"
    assert source.owner == manager


def test_a_zendesk_source_without_credentials_is_refused_with_a_message(manager):
    response = _client(manager).post("/helpdesk/", {"name": "A", "slug": "a", "kind": "zendesk"})
    assert response.status_code == 200
    assert "needs its subdomain" in response.content.decode()
    assert not HelpdeskSource.objects.exists()


def test_a_webhook_source_shows_its_secret_once_on_the_page(manager):
    response = _client(manager).post(
        "/helpdesk/", {"name": "Hook", "slug": "hook", "kind": "webhook", "enabled": "on"}
    )
    secret = HelpdeskSource.objects.get().webhook_secret
    assert secret in response.content.decode()
    detail = _client(manager).get(f"/helpdesk/{HelpdeskSource.objects.get().pk}/")
    assert secret not in detail.content.decode()


def test_sync_now_on_the_page_records_the_intent(source, manager):
    response = _client(manager).post(f"/helpdesk/{source.pk}/sync/")
    assert response.status_code == 302
    assert TaskIntent.objects.filter(
        task="helpdesk.tasks.helpdesk_source_sync_task", args=[source.pk]
    ).exists()


def test_another_managers_source_page_is_not_found(source):
    client = _client(ManagerFactory())
    assert client.get(f"/helpdesk/{source.pk}/").status_code == 404
    assert client.post(f"/helpdesk/{source.pk}/sync/").status_code == 404
    assert "Acme Zendesk" not in client.get("/helpdesk/").content.decode()


@pytest.mark.parametrize("factory", [AgentFactory, CoachFactory, HRFactory])
def test_other_roles_have_no_helpdesk_pages(source, factory):
    client = _client(factory())
    assert client.get("/helpdesk/").status_code == 403
    assert client.get(f"/helpdesk/{source.pk}/").status_code == 403


def test_the_list_reads_a_fixed_number_of_queries(manager, django_assert_max_num_queries):
    for n in range(10):
        services.source_create(owner=manager, name=f"Desk {n}", slug=f"desk-{n}", kind="webhook")
    client = _client(manager)
    client.get("/helpdesk/")
    # session, user, unread notifications, sources, savepoint pair slack
    with django_assert_max_num_queries(8):
        client.get("/helpdesk/")


@pytest.mark.django_db(transaction=True)
def test_the_sweep_syncs_enabled_zendesk_sources_only(source, manager):
    services.source_create(owner=manager, name="Hook", slug="hook", kind="webhook")
    services.source_create(owner=manager, **{**_fields(source), "slug": "off", "enabled": False})

    assert services.helpdesk_sync_sweep() == 1  # tasks run in process here
    assert Interaction.objects.filter(source="zendesk-acme").count() == 5
    assert not Interaction.objects.filter(source="off").exists()


def _fields(source):
    names = ["name", "kind", "subdomain", "api_base_url", "agent_email", "token_env"]
    return {name: getattr(source, name) for name in names}


def test_the_beat_entry_exists(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="helpdesk.tasks.helpdesk_sync_sweep_task")
    assert task.enabled
    assert task.interval.every == 5
