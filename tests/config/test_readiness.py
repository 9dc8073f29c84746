"""/health/ready/: the readiness probe says which dependency is down, quickly."""

import time

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_ready_when_the_database_answers_and_tasks_run_in_process(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/health/ready/")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "broker": "in process"}


def test_a_dead_broker_is_named_and_answered_within_seconds(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    started = time.monotonic()

    response = client.get("/health/ready/")

    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "database": "ok", "broker": "down"}
    assert time.monotonic() - started < 10


def test_a_database_that_does_not_answer_is_named(client, settings, monkeypatch):
    from config import views

    settings.REDIS_URL = ""

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", unreachable)

    response = client.get("/health/ready/")

    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.services
def test_ready_against_the_real_broker_when_one_is_configured(client, settings):
    import os

    if not os.environ.get("REDIS_URL"):
        pytest.skip("no REDIS_URL: the embedded default has no broker")
    settings.REDIS_URL = os.environ["REDIS_URL"]

    response = client.get("/health/ready/")

    assert response.json()["broker"] == "ok"
    assert response.status_code == 200


def test_liveness_does_not_depend_on_the_broker(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    assert client.get("/health/").status_code == 200
