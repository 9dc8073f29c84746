"""Reconciliation checks for wellbeing (see jobs/reconciliation.py): the work an import of
interactions sets off is recorded as a task intent after the import's last commit; should
the process die in between, these find what it would have done, from the stored rows, and
do it. Both are idempotent: an advisory is unique per streak, a prompt per agent and day.
"""

import datetime

from accounts.models import ReminderKind, User
from insights.models import Interaction
from jobs.reconciliation import Finding
from wellbeing.advisories import (
    RECENT,
    kind_switched_off,
    recovery_prompts_due,
    recovery_prompts_send,
    rotation_advisories_raise,
)
from wellbeing.exposure import account_streaks, rotation_streak
from wellbeing.models import RotationAdvisory


def _imported_recently(now: datetime.datetime):
    return Interaction.objects.filter(imported_at__gte=now - RECENT)


def rotation_advisory_missing(now: datetime.datetime, fix: bool) -> list[Finding]:
    """Accounts escalated in what was imported in the last day whose current streak is
    long enough for an advisory that was not raised."""
    if kind_switched_off(ReminderKind.ROTATION_ADVISORY):
        return []
    accounts = (
        _imported_recently(now)
        .filter(escalated=True, account__isnull=False)
        .order_by()
        .values("account")
    )
    wanted = rotation_streak()
    streaks = [s for s in account_streaks(accounts=accounts).values() if s.length >= wanted]
    told = set(
        RotationAdvisory.objects.filter(
            streak_start_id__in=[s.start_id for s in streaks]
        ).values_list("streak_start_id", flat=True)
    )
    missing = [s for s in streaks if s.start_id not in told]
    if fix and missing:
        rotation_advisories_raise(accounts=[s.account for s in missing])
    action = "raised the advisory and told the managers" if fix else "would raise the advisory"
    return [
        Finding(
            "rotation_advisory_missing",
            f"{s.account}: {s.length} escalations in a row by agent {s.agent_id}",
            action,
        )
        for s in missing
    ]


def recovery_prompt_missing(now: datetime.datetime, fix: bool) -> list[Finding]:
    """Agents with a high-intensity contact imported in the last day who were not
    prompted to take a break that day."""
    if kind_switched_off(ReminderKind.RECOVERY_PROMPT):
        return []
    due = recovery_prompts_due(interactions=_imported_recently(now), now=now)
    if fix and due:
        recovery_prompts_send(interactions=_imported_recently(now), now=now)
    emails = dict(User.objects.filter(pk__in=[d[0] for d in due]).values_list("pk", "email"))
    action = "sent the prompt" if fix else "would send the prompt"
    return [
        Finding("recovery_prompt_missing", f"{emails.get(agent)} on {day.isoformat()}", action)
        for agent, _, day in due
    ]
