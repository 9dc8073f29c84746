"""Each entry point picks its settings, and production refuses to start without its own.

These start the real processes (manage.py, gunicorn, a Celery worker and beat) from a clean
environment: PATH, a HOME of their own and only the variables each test names, so nothing
the developer or CI exported can make them pass.
"""

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery_app import app, ping

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "SECRET_KEY": "entry-point-test-" + "k" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "ATTUNE_JOURNAL_KEYS": "Yi1cEg4pV8LwUeIbbiGyGJzFnWhrG4QVFrJ-4Kp8zKk=",
}
START_TIMEOUT = 30


def _clean_env(home: Path, **variables: str) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": str(home), **variables}


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def _database_url(tmp_path: Path) -> str:
    """The test database when it is PostgreSQL (another process can reach it); otherwise a
    SQLite file, since pytest-django's SQLite test database lives in memory.

    A test that calls this asks for `django_db_setup`: until the test database exists the
    connection still names the developer's database, which a fresh machine does not have
    (and which a test must not touch)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'entry-points.sqlite3'}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _wait_for_line(process: subprocess.Popen, pattern: str) -> re.Match:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        found = re.search(pattern, process.log.read_text())
        if found:
            return found
        if process.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"no line matching {pattern!r}; the log:\n{process.log.read_text()}")


@pytest.fixture
def spawn(tmp_path):
    """Start a process in its own session, logging to a file; kill it (and its children)
    however the test ends."""
    started = []

    def start(name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = tmp_path / f"{name}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, *command], env=env, cwd=ROOT, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        process.log = log
        started.append(process)
        return process

    yield start
    for process in reversed(started):  # beat before the worker it feeds
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Static files collected once with the production settings, as the Docker build does."""
    root = tmp_path_factory.mktemp("static")
    home = tmp_path_factory.mktemp("home")
    env = _clean_env(
        home, DJANGO_SETTINGS_MODULE="config.settings.production", STATIC_ROOT=str(root),
        DATABASE_URL=f"sqlite:///{home / 'unused.sqlite3'}", **PRODUCTION,
    )  # fmt: skip
    result = _run(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    assert result.returncode == 0, result.stderr
    return root


def _gunicorn(spawn, env):
    return spawn(
        "gunicorn",
        ["-m", "gunicorn", "config.wsgi:application", "--bind", "127.0.0.1:0", "--workers", "1"],
        env,
    )


def _get(port: int, path: str, **headers: str) -> tuple[int, str]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        client.request("GET", path, headers=headers)
        response = client.getresponse()
        return response.status, response.read().decode()
    finally:
        client.close()


# --- manage.py, wsgi and asgi --------------------------------------------------------------


def test_manage_py_runs_on_the_local_settings_with_nothing_set(tmp_path):
    code = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"

    result = _run(["manage.py", "shell", "-c", code], _clean_env(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "config.settings.local True" in result.stdout


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_web_entry_points_default_to_production(tmp_path, static_root, module):
    code = f"import {module}; from django.conf import settings; print(settings.SETTINGS_MODULE)"
    env = _clean_env(tmp_path, STATIC_ROOT=str(static_root), **PRODUCTION)

    result = _run(["-c", code], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["config.settings.production"]


# --- gunicorn -----------------------------------------------------------------------------


def test_gunicorn_from_a_clean_environment_serves_production(
    tmp_path, static_root, spawn, django_db_setup
):
    env = _clean_env(
        tmp_path, STATIC_ROOT=str(static_root), DATABASE_URL=_database_url(tmp_path),
        **PRODUCTION,
    )  # fmt: skip
    server = _gunicorn(spawn, env)
    port = int(_wait_for_line(server, r"Listening at: http://127\.0\.0\.1:(\d+)").group(1))
    https = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating proxy says

    health = _get(port, "/health/")  # plain HTTP, as a load balancer probes
    missing = _get(port, "/nope-404", **https)
    sign_in = _get(port, "/accounts/login/", **https)

    assert health == (200, '{"status": "ok"}')
    assert missing[0] == 404
    assert "Page not found" in missing[1]  # our page, in the site layout
    assert "URLconf" not in missing[1]  # the debug page lists the URL patterns
    assert "DEBUG = True" not in missing[1]
    assert sign_in[0] == 200
    assert re.search(r'/static/[^"]+\.[0-9a-f]{12}\.css', sign_in[1])  # from the manifest


@pytest.mark.parametrize(
    ("unset", "replaced", "message"),
    [
        ("SECRET_KEY", {}, "Set the SECRET_KEY environment variable"),
        ("", {"SECRET_KEY": settings.DEVELOPMENT_SECRET_KEY}, "the development key is refused"),
        ("ALLOWED_HOSTS", {}, "Set the ALLOWED_HOSTS environment variable"),
        ("", {"ALLOWED_HOSTS": ""}, "Set the ALLOWED_HOSTS environment variable"),
        ("ATTUNE_JOURNAL_KEYS", {}, "Set the ATTUNE_JOURNAL_KEYS environment variable"),
    ],
    ids=[
        "no-secret-key",
        "development-key",
        "no-allowed-hosts",
        "empty-allowed-hosts",
        "no-journal-key",
    ],
)
def test_gunicorn_refuses_to_start_without_its_secrets(
    tmp_path, static_root, spawn, unset, replaced, message
):
    variables = {**PRODUCTION, **replaced}
    variables.pop(unset, None)
    env = _clean_env(tmp_path, STATIC_ROOT=str(static_root), **variables)

    server = _gunicorn(spawn, env)

    assert server.wait(timeout=START_TIMEOUT) != 0
    assert message in server.log.read_text()


def test_gunicorn_refuses_to_start_before_collectstatic(tmp_path, spawn):
    env = _clean_env(tmp_path, STATIC_ROOT=str(tmp_path / "never-collected"), **PRODUCTION)

    server = _gunicorn(spawn, env)

    assert server.wait(timeout=START_TIMEOUT) != 0
    assert "run `python manage.py collectstatic --noinput`" in server.log.read_text()


# --- Celery worker and beat ---------------------------------------------------------------


def _celery(spawn, name: str, role: str, env: dict[str, str]) -> subprocess.Popen:
    command = ["-m", "celery", "-A", "config", role, "--loglevel=INFO"]
    if role == "worker":
        command += [
            "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"{name}-{os.getpid()}-{time.monotonic_ns()}@%h",
        ]  # fmt: skip
    return spawn(name, command, env)


def _service_env(tmp_path) -> dict[str, str]:
    env = _clean_env(tmp_path, DATABASE_URL=_database_url(tmp_path), **PRODUCTION)
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.TEST_REDIS_URL  # the tests' own Redis database
    return env


@pytest.mark.services
def test_a_worker_from_a_clean_environment_runs_production(tmp_path, spawn, django_db_setup):
    worker = _celery(spawn, "worker", "worker", _service_env(tmp_path))

    _wait_for_line(worker, r"Attune worker ready with settings config\.settings\.production")
    if not settings.REDIS_URL:
        return  # embedded default: the worker has no broker to share with this process
    app.conf.task_always_eager = False
    try:
        assert ping.delay().get(timeout=20) == "pong"
    finally:
        app.conf.task_always_eager = True


@pytest.mark.postgresql
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_beat_from_a_clean_environment_sends_a_task_a_worker_runs(tmp_path, spawn):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    if not settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL: beat and the worker meet through Redis.")
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="entry-point ping", task="attune.ping", interval=every_second)
    env = _service_env(tmp_path)

    worker = _celery(spawn, "worker", "worker", env)
    beat = _celery(spawn, "beat", "beat", env)

    _wait_for_line(beat, r"Attune beat starting with settings config\.settings\.production")
    _wait_for_line(worker, r"Attune worker ready with settings config\.settings\.production")
    _wait_for_line(beat, r"Sending due task entry-point ping \(attune\.ping\)")
    _wait_for_line(worker, r"Task attune\.ping\[[^\]]+\] succeeded")


# --- E-mail -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["filemail:///tmp/attune-mail", "filemail:////tmp/attune-mail"])
def test_a_filemail_url_always_names_an_absolute_directory(tmp_path, url):
    code = "from django.conf import settings; print(settings.EMAIL_FILE_PATH)"

    result = _run(["manage.py", "shell", "-c", code], _clean_env(tmp_path, EMAIL_URL=url))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "/tmp/attune-mail"
