"""Demo data for exposure and recovery: intensities on the demo interactions, an account
whose last five escalations one agent took (a rotation advisory) and a recent hard
contact (a recovery prompt)."""

import datetime

from django.db import transaction
from django.utils import timezone

from insights.demo import DEMO_SOURCE
from insights.intensity import intensity_derive
from insights.models import Interaction
from wellbeing.advisories import interactions_imported

DEMO_ACCOUNTS = ("Northwind Traders", "Contoso", "Fabrikam", "Tailspin Toys", "Litware")
STREAK_ACCOUNT = DEMO_ACCOUNTS[0]
# The streak comes from another queue's export: the demo helpdesk keeps its 30 per agent.
STREAK_SOURCE = "demo-escalations"


@transaction.atomic
def demo_exposure_create(*, agents: list, now: datetime.datetime | None = None) -> dict:
    """Give the demo interactions accounts and derived intensities, then five escalations
    of STREAK_ACCOUNT in the last hour for the first agent, back to back (gaps of 3
    minutes), and run what an import sets off. Idempotent: does nothing once the streak
    exists."""
    if not agents or Interaction.objects.filter(source=STREAK_SOURCE).exists():
        return {}
    now = now or timezone.now()
    demo = Interaction.objects.filter(source=DEMO_SOURCE)
    for n, pk in enumerate(demo.order_by("pk").values_list("pk", flat=True)):
        if n % 3:  # two contacts in three name their account
            demo.filter(pk=pk).update(account=DEMO_ACCOUNTS[n % len(DEMO_ACCOUNTS)])
    # After every other demo contact (the latest is an hour old): nobody breaks the streak.
    start = now - datetime.timedelta(minutes=55)
    for n in range(5):
        Interaction.objects.create(
            source=STREAK_SOURCE,
            external_id=f"streak-{n}",
            channel="call",
            agent=agents[0],
            occurred_at=start + datetime.timedelta(minutes=13 * n),
            handle_seconds=600,
            escalated=True,
            csat=2 if n % 2 else None,
            account=STREAK_ACCOUNT,
            tags=",complaint,",
        )
    intensity_derive(interactions=demo)
    intensity_derive(interactions=Interaction.objects.filter(source=STREAK_SOURCE))
    return interactions_imported(
        source=STREAK_SOURCE, since=now - datetime.timedelta(days=1), now=now
    )
