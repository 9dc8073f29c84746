"""The suite runs against the services the environment names, and fails if it cannot.

`.ci/run` runs the whole suite a second time with DATABASE_URL pointing at PostgreSQL and
REDIS_URL at Redis; these tests prove that second run really used them.
"""

import os
import subprocess
import sys

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from config.celery_app import app, ping

pytestmark = pytest.mark.services


def test_database_is_the_one_database_url_names(db):
    url = os.environ.get("DATABASE_URL", "sqlite://")
    expected = "postgresql" if url.startswith(("postgres", "pgsql")) else "sqlite"

    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_real_worker_runs_a_task_sent_through_redis(settings):
    if not settings.REDIS_URL:
        # Embedded default: no broker, the task runs in process.
        assert ping.delay().get(timeout=5) == "pong"
        return
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
            assert ping.delay().get(timeout=20) == "pong"
    finally:
        app.conf.task_always_eager = True


def test_tests_use_their_own_redis_database_number():
    if not settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL == "memory://"
        assert settings.CELERY_TASK_ALWAYS_EAGER
        return
    # Never the developer's database: tests must not see or disturb their queues.
    assert settings.CELERY_BROKER_URL.rsplit("/", 1)[1] != settings.REDIS_URL.rsplit("/", 1)[1]
    # Each pytest-xdist worker its own: gw0 the first number, gw1 the next, and so on.
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    base = int(os.environ.get("TEST_REDIS_DB", "11"))
    assert settings.CELERY_BROKER_URL.endswith(f"/{base + worker}")
    assert settings.CELERY_RESULT_BACKEND == settings.CELERY_BROKER_URL


def test_a_worker_past_the_last_redis_database_is_refused():
    environment = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "TEST_REDIS_DB": "15",
        "PYTEST_XDIST_WORKER": "gw1",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    command = [sys.executable, "-c", "import django; django.setup()"]

    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)

    assert result.returncode != 0
    assert "Test worker gw1 would use Redis database 16" in result.stderr
