"""Reconciliation check for insights (see jobs/reconciliation.py): the weekly rollup of
interactions against the interactions, over the recent weeks."""

import datetime

from django.utils import timezone

from accounts.models import User
from insights.interaction_weeks import interaction_weeks_mismatched, interaction_weeks_rebuild
from jobs.reconciliation import Finding

# The current week and the ones before it that are compared: imports mostly write there.
RECENT_WEEKS = 5


def interaction_weeks_out_of_date(now: datetime.datetime, fix: bool) -> list[Finding]:
    """(Agent, week) rows of the rollup that differ from what the interactions give, in the
    recent weeks (a write that bypassed the writers: SQL, a restored backup); fixing
    recomputes those weeks from the interactions. The writers recompute in the same
    transaction as their write, so nothing is in flight."""
    today = timezone.localdate(now)
    since = today - datetime.timedelta(days=today.weekday(), weeks=RECENT_WEEKS - 1)
    found = interaction_weeks_mismatched(since=since)
    if not found:
        return []
    if fix:
        interaction_weeks_rebuild(since=since)
    names = dict(
        User.objects.filter(pk__in={agent for agent, _ in found}).values_list("pk", "email")
    )
    action = "recomputed from the interactions" if fix else "would recompute it"
    return [
        Finding(
            "interaction_weeks_out_of_date",
            f"{names.get(agent, f'agent {agent}')}, week of {week.isoformat()}",
            action,
        )
        for agent, week in found
    ]
