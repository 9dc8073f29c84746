import os

import pytest
from django.core.cache import cache
from kombu.exceptions import OperationalError
from rest_framework.test import APIClient

from tests.clients import api_as
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgresql") and not _on_postgresql():
        pytest.skip("needs PostgreSQL (set DATABASE_URL); .ci/run runs it there")


def _on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql"))


def pytest_collection_modifyitems(config, items):
    # With ATTUNE_FORBID_SKIPS set (CI sets it for the run on PostgreSQL and Redis) a
    # skipped test fails: a service test that cannot run must never pass quietly.
    if not os.environ.get("ATTUNE_FORBID_SKIPS"):
        return
    config.pluginmanager.register(_SkipsFail(), "attune-skips-fail")


class _SkipsFail:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.skipped and not hasattr(report, "wasxfail"):
            report.outcome = "failed"
            report.longrepr = f"skipped, and ATTUNE_FORBID_SKIPS forbids it: {report.longrepr}"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()


@pytest.fixture(autouse=True)
def _broker_not_backing_off():
    # A test that made publishing fail leaves the process backing off from the broker.
    from jobs.services import broker_backoff_reset

    broker_backoff_reset()


@pytest.fixture
def api():
    return APIClient()


def _client_for(user):
    return api_as(user)


@pytest.fixture
def manager_api(db):
    return _client_for(ManagerFactory())


@pytest.fixture
def agent_api(db):
    return _client_for(AgentFactory())


@pytest.fixture
def coach_api(db):
    return _client_for(CoachFactory())


@pytest.fixture
def hr_api(db):
    return _client_for(HRFactory())


@pytest.fixture
def broker_down(monkeypatch):
    """Every publication of every task fails as it does with Redis unreachable."""
    calls = []

    def refuse(self, *args, **kwargs):
        calls.append(self.name)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("celery.app.task.Task.apply_async", refuse)
    return calls
