"""Support resources: everyone signed in reads the active ones; training managers keep
the list, on the pages and the API; nobody else changes it."""

import pytest
from django.urls import reverse

from tests.clients import api_as
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory
from wellbeing.models import SupportResource

pytestmark = pytest.mark.django_db


@pytest.fixture
def resources():
    return (
        SupportResource.objects.create(
            name="Employee assistance line", kind="eap", phone="0800 123 456"
        ),
        SupportResource.objects.create(
            name="Old counsellor", url="https://old.example", is_active=False
        ),
    )


@pytest.mark.parametrize("factory", [AgentFactory, CoachFactory, HRFactory])
def test_everyone_reads_the_active_resources_and_nobody_but_managers_writes(factory, resources):
    client = api_as(factory())

    names = [r["name"] for r in client.get("/api/support-resources/").data["results"]]
    assert names == ["Employee assistance line"]
    created = client.post("/api/support-resources/", {"name": "Mine", "phone": "1"})
    assert created.status_code == 403
    changed = client.patch(f"/api/support-resources/{resources[0].pk}/", {"name": "x"})
    assert changed.status_code == 403
    assert SupportResource.objects.count() == 2


def test_a_manager_adds_and_retires_a_resource_and_sees_retired_ones(resources):
    manager = ManagerFactory()
    client = api_as(manager)

    created = client.post(
        "/api/support-resources/",
        {"name": "Peer listeners", "kind": "peer", "email": "listen@example.com"},
    )
    assert created.status_code == 201, created.data
    assert SupportResource.objects.get(pk=created.data["id"]).updated_by == manager
    retired = client.patch(f"/api/support-resources/{created.data['id']}/", {"is_active": False})
    assert retired.status_code == 200
    assert len(client.get("/api/support-resources/").data["results"]) == 3
    assert len(api_as(AgentFactory()).get("/api/support-resources/").data["results"]) == 1


def test_a_resource_without_any_way_to_reach_it_is_a_400():
    response = api_as(ManagerFactory()).post("/api/support-resources/", {"name": "Nowhere"})

    assert response.status_code == 400
    assert "phone number, an e-mail address or a link" in str(response.data)
    assert not SupportResource.objects.exists()


def test_the_support_page_lists_the_active_resources_for_an_agent(client, resources):
    client.force_login(AgentFactory())

    page = client.get(reverse("web:support")).content.decode()

    assert "Employee assistance line" in page
    assert "tel:0800123456" in page
    assert "Old counsellor" not in page
    assert "Manage this list" not in page
    assert client.get(reverse("web:support-manage")).status_code == 403
    assert client.post(reverse("web:support-new"), {"name": "x", "phone": "1"}).status_code == 403


def test_a_manager_adds_a_resource_on_the_page(client):
    client.force_login(ManagerFactory())

    nowhere = {"name": "Nowhere", "kind": "other", "position": 0}
    bad = client.post(reverse("web:support-new"), nowhere)
    assert bad.status_code == 400
    assert "phone number, an e-mail address or a link" in bad.content.decode()
    good = client.post(
        reverse("web:support-new"),
        {"name": "Counselling service", "kind": "counselling", "url": "care.example.com",
         "position": 1, "is_active": "on"},
    )  # fmt: skip

    assert good.status_code == 302
    assert SupportResource.objects.get().url == "https://care.example.com"
