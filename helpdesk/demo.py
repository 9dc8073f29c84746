"""The demo's helpdesk source: a Zendesk source filled by a real sync from a Zendesk-format
server started in process for the purpose, then pointed at the one
`manage.py zendesk_demo_server` serves, so "Sync now" works in the demo too."""

import os

from django.utils import timezone

from helpdesk import services
from helpdesk.models import HelpdeskSource
from helpdesk.zendesk_fake import DEMO_HANDLE_TIME_FIELD, FakeZendesk, demo_data

DEMO_SLUG = "demo-zendesk"
DEMO_EMAIL = "sync@demo.example"
DEMO_TOKEN_ENV = "ATTUNE_HELPDESK_TOKEN_DEMO"
DEMO_TOKEN = "demo-token"
DEMO_PORT = 8765
DEMO_TICKETS = 40


def demo_zendesk(*, agent_emails: list[str], recent: int = 0) -> FakeZendesk:
    """The demo's Zendesk-format server (not started)."""
    data = demo_data(
        agent_emails=agent_emails, count=DEMO_TICKETS, recent=recent, now=timezone.now()
    )
    return FakeZendesk(**data, email=DEMO_EMAIL, token=DEMO_TOKEN, page_size=20)


def demo_helpdesk_create(*, manager, agent_emails: list[str]) -> HelpdeskSource | None:
    """The demo Zendesk source, synced once; None when it exists already (idempotent)."""
    if HelpdeskSource.objects.filter(slug=DEMO_SLUG).exists():
        return None
    # The token lives in the environment, as in production; the demo sets its own.
    os.environ.setdefault(DEMO_TOKEN_ENV, DEMO_TOKEN)
    with demo_zendesk(agent_emails=agent_emails) as server:
        source, _ = services.source_create(
            owner=manager,
            name="Demo Zendesk",
            slug=DEMO_SLUG,
            kind=HelpdeskSource.Kind.ZENDESK,
            subdomain="attune-demo",
            api_base_url=server.url,
            agent_email=DEMO_EMAIL,
            token_env=DEMO_TOKEN_ENV,
            handle_time_field=DEMO_HANDLE_TIME_FIELD,
        )
        services.source_sync(source_id=source.pk)
    HelpdeskSource.objects.filter(pk=source.pk).update(api_base_url=f"http://127.0.0.1:{DEMO_PORT}")
    source.refresh_from_db()
    return source
