"""Start the app in a real web server process (gunicorn) for the tests about faults.

Like tests/worker.py, it runs tests/worker_settings.py against the test's own database;
`env` adds what a test needs (ATTUNE_DB_APPLICATION_NAME names its database sessions)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.db import connection


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(*, workers: int = 2, **env: str) -> tuple[subprocess.Popen, str]:
    """The server process and its base URL, once it answers its liveness probe."""
    port = _free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "ATTUNE_WORKER_DB_NAME": connection.settings_dict["NAME"],
        **env,
    }
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--log-level", "warning", "--graceful-timeout", "5",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=environment, cwd=settings.BASE_DIR)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the web server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/health/", timeout=2):
                return server, base_url
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the web server did not answer within 30 seconds")
