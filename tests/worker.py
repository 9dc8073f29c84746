"""Start a real Celery worker process for the tests that are about Celery.

It runs tests/worker_settings.py against the test's own database and the test Redis
database; `env` adds what a test needs (a mail folder, a media folder)."""

import os
import subprocess
import sys
import time

from django.conf import settings
from django.db import connection


def start_worker(name: str, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "ATTUNE_WORKER_DB_NAME": connection.settings_dict["NAME"],
        **env,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "--pool=solo",
        "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", f"{name}-{os.getpid()}-{time.monotonic_ns()}@%h",
    ]  # fmt: skip
    return subprocess.Popen(command, env=environment, cwd=settings.BASE_DIR)
