import datetime

import pytest

from helpdesk import services, zendesk
from helpdesk.zendesk_fake import FakeZendesk
from tests.factories import AgentFactory, ManagerFactory, TeamFactory

TOKEN_ENV = "ATTUNE_HELPDESK_TOKEN_TEST"
T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def ticket(ticket_id, *, assignee=1, minutes=0, **extra):
    moment = (T0 + datetime.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "id": ticket_id,
        "created_at": moment,
        "updated_at": moment,
        "status": "solved",
        "assignee_id": assignee,
        "via": {"channel": "email"},
        "tags": [],
        "satisfaction_rating": {"score": "good"},
        **extra,
    }


@pytest.fixture
def manager(db):
    return ManagerFactory(email="maya@example.com")


@pytest.fixture
def agents(manager):
    team = TeamFactory(name="Billing")
    team.managers.add(manager)
    return [AgentFactory(email=f"agent{n}@example.com", team=team) for n in (1, 2)]


@pytest.fixture
def zendesk_server(agents):
    """A Zendesk-format server with five tickets of the manager's two agents, two a page."""
    users = [{"id": n, "email": agent.email} for n, agent in enumerate(agents, start=1)]
    fake = FakeZendesk(
        tickets=[ticket(100 + n, assignee=1 + n % 2, minutes=n) for n in range(5)],
        users=users,
        metric_sets=[{"ticket_id": 100 + n, "reopens": 0, "replies": 1, "group_stations": 1,
                      "full_resolution_time_in_minutes": {"calendar": 30}} for n in range(5)],
        page_size=2,
    )  # fmt: skip
    with fake:
        yield fake


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch, settings):
    """Backoff and Retry-After waits are recorded, not slept."""
    waits = []
    monkeypatch.setattr(zendesk, "_sleep", waits.append)
    monkeypatch.setenv(TOKEN_ENV, "good-token")
    return waits


@pytest.fixture
def source(manager, zendesk_server):
    created, _ = services.source_create(
        owner=manager,
        name="Acme Zendesk",
        slug="zendesk-acme",
        kind="zendesk",
        subdomain="acme",
        api_base_url=zendesk_server.url,
        agent_email="sync@example.com",
        token_env=TOKEN_ENV,
    )
    return created
