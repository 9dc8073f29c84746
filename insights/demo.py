"""Demo helpdesk interactions, so the measurement endpoints have something to show."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from insights.models import Interaction

DEMO_SOURCE = "demo-helpdesk"
CHANNELS = ("call", "call", "chat", "chat", "chat", "email")


@transaction.atomic
def demo_interactions_create(*, agents: list[User], per_agent: int = 30) -> int:
    """Thirty interactions per demo agent over the last 60 days, with a seed so every demo
    looks the same. Idempotent: does nothing once the demo source has rows."""
    if Interaction.objects.filter(source=DEMO_SOURCE).exists():
        return 0
    rng = random.Random(2026)
    now = timezone.now()
    rows = []
    for agent in agents:
        for n in range(per_agent):
            escalated = rng.random() < 0.09
            rows.append(
                Interaction(
                    source=DEMO_SOURCE,
                    external_id=f"{agent.pk}-{n}",
                    channel=rng.choice(CHANNELS),
                    agent=agent,
                    occurred_at=now - datetime.timedelta(hours=rng.randrange(1, 60 * 24)),
                    csat=rng.choice((3, 4, 4, 4, 5, 5)) if rng.random() < 0.6 else None,
                    nps=rng.randrange(4, 11) if rng.random() < 0.3 else None,
                    understood=rng.randrange(5, 11) if rng.random() < 0.3 else None,
                    handle_seconds=rng.randrange(180, 900),
                    escalated=escalated,
                    resolved_first_contact=not escalated and rng.random() < 0.75,
                    repeat_contact=rng.random() < 0.1,
                )
            )
    Interaction.objects.bulk_create(rows)
    return len(rows)
