"""DRF throttles: signed-in callers and anonymous callers each have a request rate."""

import pytest
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(monkeypatch):
    # The rates are read once, when DRF loads; lower them for this test only.
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "3/minute")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/minute")


def test_a_signed_in_caller_over_the_rate_gets_429(agent_api, low_rates):
    statuses = [agent_api.get("/api/me/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_each_caller_has_their_own_allowance(agent_api, low_rates):
    for _ in range(3):
        agent_api.get("/api/me/")
    agent_api.force_authenticate(AgentFactory())

    assert agent_api.get("/api/me/").status_code == 200


def test_an_anonymous_caller_over_the_rate_gets_429(api, low_rates):
    statuses = [api.get("/api/schema/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_the_default_rates_leave_room_for_normal_use(agent_api):
    assert {agent_api.get("/api/me/").status_code for _ in range(100)} == {200}
