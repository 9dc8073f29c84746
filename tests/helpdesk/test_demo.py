"""The demo's Zendesk source is filled by a real sync from a local Zendesk-format server."""

import pytest

from helpdesk.demo import DEMO_PORT, DEMO_SLUG, DEMO_TICKETS, demo_helpdesk_create, demo_zendesk
from helpdesk.models import HelpdeskSource
from insights.models import Interaction

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_source_is_synced_once_and_then_points_at_the_demo_server(manager, agents):
    emails = [agent.email for agent in agents]
    source = demo_helpdesk_create(manager=manager, agent_emails=emails)

    assert Interaction.objects.filter(source=DEMO_SLUG).count() == DEMO_TICKETS
    assert source.last_success_at is not None
    assert source.cursor
    assert source.api_base_url == f"http://127.0.0.1:{DEMO_PORT}"
    assert demo_helpdesk_create(manager=manager, agent_emails=emails) is None
    assert HelpdeskSource.objects.count() == 1


def test_the_demo_server_serves_the_same_tickets_first_and_new_ones_after(agents):
    emails = [agent.email for agent in agents]
    first = demo_zendesk(agent_emails=emails).tickets
    more = demo_zendesk(agent_emails=emails, recent=5).tickets
    assert [t["id"] for t in more[: len(first)]] == [t["id"] for t in first]
    assert min(t["updated_at"] for t in more[len(first) :]) > max(t["updated_at"] for t in first)
