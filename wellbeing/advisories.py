"""What newly imported interactions set off: rotation advisories to the agent's managers and
a recovery prompt to the agent. Both run after an import commits (a task intent recorded
by the import, see `interactions_imported`) and are idempotent: each is a row unique on
what makes it one (the streak; the agent's day), written with its notifications in one
transaction, so a rerun or a second worker tells nobody twice."""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.links import public_url
from accounts.models import Notification, ReminderKind, ReminderOptOut, ReminderSwitch
from insights.models import Intensity, Interaction
from wellbeing.exposure import account_streaks, rotation_streak
from wellbeing.models import RecoveryPrompt, RotationAdvisory

RECENT = datetime.timedelta(days=1)  # a contact this old still earns a recovery prompt
DIGEST_DAYS = 7


def kind_switched_off(kind: str) -> bool:
    return ReminderSwitch.objects.filter(kind=kind, enqueue_enabled=False).exists()


def _opted_out(kind: str, users) -> set[int]:
    return set(
        ReminderOptOut.objects.filter(kind=kind, user__in=users).values_list("user_id", flat=True)
    )


def agent_managers(*, agent) -> QuerySet:
    """Who is told about an agent's streak: the managers facilitating a cohort the agent is
    enrolled in, and the managers of the agent's team (both have the agent in scope)."""
    User = get_user_model()
    facilitating = Q(facilitated_cohorts__enrollments__agent=agent)
    managing = Q(managed_teams=agent.team_id) if agent.team_id else Q(pk__in=[])
    return User.objects.filter(facilitating | managing, is_active=True).distinct()


def rotation_advisories_raise(*, accounts) -> int:
    """For each of `accounts` whose latest escalations one agent handled in a row, at least
    `rotation_streak()` of them: a RotationAdvisory (once per streak) and an in-app note
    to each of the agent's managers. Returns the advisories added."""
    if kind_switched_off(ReminderKind.ROTATION_ADVISORY):
        return 0
    User = get_user_model()
    wanted = rotation_streak()
    added = 0
    for streak in account_streaks(accounts=accounts).values():
        if streak.length < wanted:
            continue
        agent = User.objects.get(pk=streak.agent_id)
        try:
            with transaction.atomic():
                advisory = RotationAdvisory.objects.create(
                    agent=agent,
                    account=streak.account,
                    streak_start_id=streak.start_id,
                    escalations=streak.length,
                )
                _notify_managers(advisory)
        except IntegrityError:
            continue  # this streak was told already
        added += 1
    return added


def _notify_managers(advisory: RotationAdvisory) -> None:
    managers = list(agent_managers(agent=advisory.agent))
    quiet = _opted_out(ReminderKind.ROTATION_ADVISORY, managers)
    name = advisory.agent.display_name or advisory.agent.email
    Notification.objects.bulk_create(
        Notification(
            user=manager,
            kind=ReminderKind.ROTATION_ADVISORY,
            title=f"Rotate {advisory.account}: {name} took its last "
            f"{advisory.escalations} escalations",
            body="Consider giving this account's next escalation to a teammate; the page "
            "lists who has had the least of it lately.",
            url=reverse("web:rotation-advisory", args=[advisory.pk]),
        )
        for manager in managers
        if manager.pk not in quiet
    )


def recovery_prompts_due(*, interactions: QuerySet, now: datetime.datetime) -> list[tuple]:
    """(agent id, interaction id, local day) of the prompts `interactions` call for and
    that were not sent: each agent's latest high-intensity contact among them in the last
    day, unless the agent was prompted that (their own) day or turned prompts off."""
    recent = (
        interactions.filter(
            intensity=Intensity.HIGH, occurred_at__gte=now - RECENT, occurred_at__lte=now
        )
        .order_by("agent_id", "-occurred_at")
        .values_list("agent_id", "pk", "occurred_at", "agent__time_zone")
    )
    latest = {}
    for agent_id, pk, occurred_at, zone in recent:
        latest.setdefault(agent_id, (pk, occurred_at.astimezone(ZoneInfo(zone or "UTC")).date()))
    quiet = _opted_out(ReminderKind.RECOVERY_PROMPT, list(latest))
    sent = set(
        RecoveryPrompt.objects.filter(agent_id__in=list(latest)).values_list("agent_id", "day")
    )
    return [
        (agent_id, pk, day)
        for agent_id, (pk, day) in latest.items()
        if agent_id not in quiet and (agent_id, day) not in sent
    ]


def recovery_prompts_send(*, interactions: QuerySet, now: datetime.datetime) -> int:
    """Agents with a high-intensity contact among `interactions` in the last day get one
    note suggesting a break and a debrief, at most one per agent and (their own) day.
    Returns the prompts added."""
    if kind_switched_off(ReminderKind.RECOVERY_PROMPT):
        return 0
    added = 0
    for agent_id, pk, day in recovery_prompts_due(interactions=interactions, now=now):
        try:
            with transaction.atomic():
                RecoveryPrompt.objects.create(agent_id=agent_id, day=day, interaction_id=pk)
                Notification.objects.create(
                    user_id=agent_id,
                    kind=ReminderKind.RECOVERY_PROMPT,
                    title="That was a hard one: take 10-15 minutes",
                    body=(
                        "Step away from the queue for 10 to 15 minutes before the next "
                        "contact, and if it helps, ask a teammate for a five-minute debrief.\n"
                        f"Support and counselling: {public_url('web:support')}\n"
                        f"Your private journal: {public_url('web:journal')}"
                    ),
                    url=reverse("web:support"),
                )
        except IntegrityError:
            continue  # prompted already that day (a concurrent run)
        added += 1
    return added


def interactions_imported(
    *, source: str, since: datetime.datetime, now: datetime.datetime | None = None
) -> dict:
    """After an import of `source` committed: the advisories and prompts its rows (those
    imported since `since`) call for."""
    now = now or timezone.now()
    imported = Interaction.objects.filter(source=source, imported_at__gte=since)
    accounts = imported.filter(escalated=True, account__isnull=False).order_by().values("account")
    return {
        "rotation_advisories": rotation_advisories_raise(accounts=accounts),
        "recovery_prompts": recovery_prompts_send(interactions=imported, now=now),
    }


def rotation_advisories_for_digest(*, cohort_ids, now: datetime.datetime) -> list[dict]:
    """The rotation advisories of the last DIGEST_DAYS about agents of these cohorts."""
    advisories = (
        RotationAdvisory.objects.filter(
            agent__enrollments__cohort__in=cohort_ids,
            created_at__gte=now - datetime.timedelta(days=DIGEST_DAYS),
        )
        .select_related("agent")
        .distinct()
        .order_by("-created_at")
    )
    return [
        {
            "agent": advisory.agent.display_name or advisory.agent.email,
            "account": advisory.account,
            "escalations": advisory.escalations,
            "path": reverse("web:rotation-advisory", args=[advisory.pk]),
        }
        for advisory in advisories
    ]
