"""A write is one transaction: when the request ends in a server error nothing of it stays,
and a refused sign-in still counts (config.middleware.AtomicWritesMiddleware)."""

import pytest
from auditlog.models import LogEntry
from django.db import OperationalError
from rest_framework.test import APIClient

from programs.models import Program
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client():
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(ManagerFactory())
    return client


def test_a_create_cut_before_its_audit_entry_leaves_no_row(manager_client, monkeypatch):
    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(LogEntry.objects, "log_create", connection_lost)

    response = manager_client.post("/api/programs/", {"name": "Half made"}, format="json")

    assert response.status_code == 500
    assert not Program.objects.filter(name="Half made").exists()


def test_a_create_that_succeeds_keeps_its_row_and_its_audit_entry(manager_client):
    response = manager_client.post("/api/programs/", {"name": "Whole"}, format="json")

    assert response.status_code == 201
    program = Program.objects.get(name="Whole")
    assert LogEntry.objects.get_for_object(program).count() == 1


def test_a_refused_api_sign_in_still_counts_towards_the_lock_out(settings):
    from axes.models import AccessAttempt

    ManagerFactory(email="locked@example.test")
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION="Basic bG9ja2VkQGV4YW1wbGUudGVzdDp3cm9uZw==")

    response = client.get("/api/programs/")
    refused = client.post("/api/programs/", {"name": "x"}, format="json")

    assert (response.status_code, refused.status_code) in {(401, 401), (403, 403)}
    assert AccessAttempt.objects.filter(username="locked@example.test").exists()
