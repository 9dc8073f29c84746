"""Rotation advisories and recovery prompts: what an import sets off, told once, to the
right people, and listed in the facilitators' weekly digest."""

import datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, ReminderKind, ReminderOptOut, ReminderSwitch
from cohorts.reminders import digest
from insights.interaction_import import interaction_import
from insights.models import Intensity, Interaction
from jobs.models import TaskIntent
from tests.factories import (
    AgentFactory,
    CohortFactory,
    EnrollmentFactory,
    InteractionFactory,
    ManagerFactory,
    TeamFactory,
)
from wellbeing.advisories import interactions_imported, rotation_advisories_raise
from wellbeing.models import RecoveryPrompt, RotationAdvisory
from wellbeing.reconcile import recovery_prompt_missing, rotation_advisory_missing
from wellbeing.tasks import interactions_imported_task

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 18, tzinfo=datetime.UTC)


@pytest.fixture
def people():
    team = TeamFactory()
    facilitator, team_manager, other_manager = ManagerFactory(), ManagerFactory(), ManagerFactory()
    team.managers.add(team_manager)
    ana = AgentFactory(team=team, email="ana@example.com")
    bo = AgentFactory(team=team, email="bo@example.com")
    cohort = CohortFactory(facilitators=[facilitator])
    EnrollmentFactory(agent=ana, cohort=cohort)
    return {
        "ana": ana,
        "bo": bo,
        "cohort": cohort,
        "facilitator": facilitator,
        "team_manager": team_manager,
        "other_manager": other_manager,
    }


def escalations(agent, count: int, *, start_hour: int = 8, account="ACME"):
    return [
        InteractionFactory(
            agent=agent,
            account=account,
            escalated=True,
            intensity=Intensity.HIGH,
            occurred_at=datetime.datetime(2026, 3, 10, start_hour + n, tzinfo=datetime.UTC),
        )
        for n in range(count)
    ]


def advisory_notes(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=ReminderKind.ROTATION_ADVISORY))


def test_five_escalations_in_a_row_tell_the_agents_managers_once_per_streak(people):
    escalations(people["ana"], 5)

    assert rotation_advisories_raise(accounts=["ACME"]) == 1
    assert rotation_advisories_raise(accounts=["ACME"]) == 0  # a rerun tells nobody again
    escalations(people["ana"], 1, start_hour=14)  # the same streak, longer
    assert rotation_advisories_raise(accounts=["ACME"]) == 0

    advisory = RotationAdvisory.objects.get()
    assert (advisory.agent, advisory.account, advisory.escalations) == (people["ana"], "ACME", 5)
    for manager in (people["facilitator"], people["team_manager"]):
        (note,) = advisory_notes(manager)
        assert note.url == reverse("web:rotation-advisory", args=[advisory.pk])
        assert "ACME" in note.title
    assert advisory_notes(people["other_manager"]) == []
    assert advisory_notes(people["ana"]) == []


def test_four_in_a_row_or_a_streak_broken_by_a_teammate_tells_nobody(people):
    escalations(people["ana"], 3)
    escalations(people["bo"], 1, start_hour=11)
    escalations(people["ana"], 4, start_hour=12)

    assert rotation_advisories_raise(accounts=["ACME"]) == 0
    assert not Notification.objects.exists()


def test_a_new_streak_after_a_break_is_told_again(people):
    escalations(people["ana"], 5)
    rotation_advisories_raise(accounts=["ACME"])
    escalations(people["bo"], 1, start_hour=13)
    escalations(people["ana"], 5, start_hour=14)

    assert rotation_advisories_raise(accounts=["ACME"]) == 1
    assert len(advisory_notes(people["facilitator"])) == 2


def test_the_streak_length_is_a_setting(people, settings):
    settings.ATTUNE_ROTATION_STREAK = 3
    escalations(people["ana"], 3)

    assert rotation_advisories_raise(accounts=["ACME"]) == 1


def test_a_manager_who_opted_out_is_not_told_and_the_switch_stops_all(people):
    ReminderOptOut.objects.create(user=people["team_manager"], kind=ReminderKind.ROTATION_ADVISORY)
    escalations(people["ana"], 5)
    escalations(people["bo"], 5, account="GLOBEX")
    ReminderSwitch.objects.create(kind=ReminderKind.RECOVERY_PROMPT, enqueue_enabled=False)

    rotation_advisories_raise(accounts=["ACME"])

    assert advisory_notes(people["team_manager"]) == []
    assert len(advisory_notes(people["facilitator"])) == 1
    ReminderSwitch.objects.create(kind=ReminderKind.ROTATION_ADVISORY, enqueue_enabled=False)
    assert rotation_advisories_raise(accounts=["GLOBEX"]) == 0


def test_the_weekly_digest_lists_the_advisories_of_the_facilitators_agents(people):
    escalations(people["ana"], 5)
    with time_machine.travel(NOW - datetime.timedelta(days=8)):
        escalations(people["ana"], 5, account="OLD")
        rotation_advisories_raise(accounts=["OLD"])  # last week's: not in this digest
    with time_machine.travel(NOW):
        rotation_advisories_raise(accounts=["ACME"])
        context = digest({"cohort_ids": [people["cohort"].pk]})
        elsewhere = digest({"cohort_ids": [CohortFactory().pk]})

    (listed,) = context["rotation_advisories"]
    assert (listed["account"], listed["escalations"]) == ("ACME", 5)
    assert elsewhere["rotation_advisories"] == []
    text = render_to_string(
        "reminders/weekly_digest.txt",
        {**context, "recipient": people["facilitator"], "base_url": "https://attune.example"},
    )
    assert "took the last 5 escalations of ACME: https://attune.example/wellbeing/" in text


# --- Recovery prompts ----------------------------------------------------------------------


def prompts(agent) -> list[Notification]:
    return list(Notification.objects.filter(user=agent, kind=ReminderKind.RECOVERY_PROMPT))


def test_a_recent_high_intensity_contact_prompts_a_break_once_a_day(people):
    ana = people["ana"]
    InteractionFactory(
        agent=ana,
        source="desk",
        intensity=Intensity.HIGH,
        occurred_at=NOW - datetime.timedelta(hours=2),
    )
    since = NOW - datetime.timedelta(days=30)

    assert interactions_imported(source="desk", since=since, now=NOW)["recovery_prompts"] == 1
    InteractionFactory(
        agent=ana,
        source="desk",
        intensity=Intensity.HIGH,
        occurred_at=NOW - datetime.timedelta(hours=1),
    )
    assert interactions_imported(source="desk", since=since, now=NOW)["recovery_prompts"] == 0

    (note,) = prompts(ana)
    assert "10-15 minutes" in note.title
    assert note.url == reverse("web:support")
    # Absolute links: the prompt is also read where a relative path means nothing.
    assert f"https://attune.test{reverse('web:journal')}" in note.body
    assert f"https://attune.test{reverse('web:support')}" in note.body
    assert "debrief" in note.body
    assert RecoveryPrompt.objects.get().day == datetime.date(2026, 3, 10)


def test_the_next_day_brings_another_prompt_in_the_agents_own_day(people):
    ana = people["ana"]
    ana.time_zone = "America/New_York"
    ana.save()
    # 23:00 on the 9th and 01:00 on the 10th in UTC are both the 9th in New York.
    for hour in (23, 25):
        InteractionFactory(
            agent=ana,
            source="desk",
            intensity=Intensity.HIGH,
            occurred_at=datetime.datetime(2026, 3, 9, tzinfo=datetime.UTC)
            + datetime.timedelta(hours=hour),
        )
        interactions_imported(source="desk", since=NOW - datetime.timedelta(days=9), now=NOW)
    InteractionFactory(agent=ana, source="desk", intensity=Intensity.HIGH, occurred_at=NOW)

    interactions_imported(source="desk", since=NOW - datetime.timedelta(days=9), now=NOW)

    days = sorted(RecoveryPrompt.objects.values_list("day", flat=True))
    assert days == [datetime.date(2026, 3, 9), datetime.date(2026, 3, 10)]
    assert len(prompts(ana)) == 2


def test_an_old_or_low_intensity_contact_prompts_nothing(people):
    ana = people["ana"]
    InteractionFactory(
        agent=ana,
        source="desk",
        intensity=Intensity.HIGH,
        occurred_at=NOW - datetime.timedelta(days=2),
    )
    InteractionFactory(agent=ana, source="desk", intensity=Intensity.MEDIUM, occurred_at=NOW)

    result = interactions_imported(source="desk", since=NOW - datetime.timedelta(days=9), now=NOW)

    assert result == {"rotation_advisories": 0, "recovery_prompts": 0}
    assert not Notification.objects.exists()


def test_an_import_then_its_task_raise_the_advisory_and_the_prompt(people):
    rows = [f"E{n},chat,ana@example.com,2026-03-10T{10 + n:02}:00:00Z,yes,ACME" for n in range(5)]
    data = "\n".join(["external_id,channel,agent_email,occurred_at,escalated,account", *rows])

    with time_machine.travel(NOW):
        interaction_import(data=data.encode(), source="desk")
        intent = TaskIntent.objects.get()
        result = interactions_imported_task(*intent.args)

    assert result == {"rotation_advisories": 1, "recovery_prompts": 1}
    assert Interaction.objects.filter(intensity=Intensity.HIGH).count() == 5
    assert len(advisory_notes(people["facilitator"])) == 1
    assert len(prompts(people["ana"])) == 1


def test_reconciliation_does_what_a_lost_after_import_task_would_have_done():
    """The import's follow-up task never ran (the process died after the import's last
    commit): the reconciliation checks find the streak and the hard contact from the
    stored rows and raise the advisory and the prompt, once."""

    now = timezone.now()
    manager = ManagerFactory()
    agent = AgentFactory()
    EnrollmentFactory(agent=agent, cohort=CohortFactory(facilitators=[manager]))
    for hours in range(5, 0, -1):
        InteractionFactory(
            agent=agent,
            account="Northwind",
            escalated=True,
            intensity="high",
            intensity_reason="escalated",
            occurred_at=now - datetime.timedelta(hours=hours),
            imported_at=now - datetime.timedelta(minutes=30),
        )

    assert len(rotation_advisory_missing(now, fix=False)) == 1
    assert len(recovery_prompt_missing(now, fix=False)) == 1
    assert not RotationAdvisory.objects.exists()
    assert len(rotation_advisory_missing(now, fix=True)) == 1
    assert len(recovery_prompt_missing(now, fix=True)) == 1

    assert RotationAdvisory.objects.get().agent == agent
    assert RecoveryPrompt.objects.get().agent == agent
    assert rotation_advisory_missing(now, fix=False) == []
    assert recovery_prompt_missing(now, fix=False) == []
