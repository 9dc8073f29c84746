import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from accounts import reminders
from accounts.models import Outbox, ReminderOptOut, ReminderSwitch
from cohorts import services
from cohorts.models import ScheduleItem
from tests.cohorts.conftest import enrol

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def at(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def _sweep(moment):
    return reminders.reminders_sweep(now=moment, enqueue=False)


def _rows(kind):
    return Outbox.objects.filter(kind=kind)


def test_prework_reminder_the_day_before_it_is_due_except_when_done(started):
    module = started.schedule_items.get(title="Reflective listening")  # due 2 Nov 05:00 UTC
    keen = started.enrollments.first()
    services.prework_mark_done(enrollment=keen, item=module)

    _sweep(at("2026-11-01T04:00"))  # more than a day ahead: nothing yet
    assert not _rows("prework_due").exists()
    _sweep(at("2026-11-01T12:00"))

    rows = _rows("prework_due")
    assert rows.count() == 5
    assert keen.agent_id not in rows.values_list("recipient", flat=True)
    assert set(rows.values_list("slot", flat=True)) == {module.due_at.isoformat()}
    # The link goes to the plan page, where pre-work is marked done, not to the JSON API.
    reminders.outbox_deliver(outbox_id=rows.first().pk, now=at("2026-11-01T12:01"))
    assert f"Mark it done in your plan: https://attune.test{reverse('web:plan')}\n" in (
        mail.outbox[0].body
    )


def test_session_reminders_a_day_and_an_hour_before_with_the_ics(started):
    session = started.schedule_items.get(title="Active listening")  # 4 Nov 15:00 UTC

    _sweep(at("2026-11-03T16:00"))
    _sweep(at("2026-11-04T14:05"))

    assert _rows("session_day_before").count() == 6
    assert _rows("session_hour_before").count() == 6
    row = _rows("session_day_before").first()
    reminders.outbox_deliver(outbox_id=row.pk, now=at("2026-11-04T14:06"))
    message = mail.outbox[0]
    name, ics, mimetype = message.attachments[0]
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert (name, mimetype.split(";")[0]) == ("session.ics", "text/calendar")
    assert str(event["UID"]) == f"attune-scheduleitem-{session.pk}@attune"
    assert "Active listening" in message.subject


def test_an_hour_before_reminder_is_dropped_when_quiet_hours_last_past_the_session(started):
    tokyo = started.enrollments.first().agent
    tokyo.time_zone = "Asia/Tokyo"  # 14:05 UTC is 23:05 in Tokyo
    tokyo.save()

    _sweep(at("2026-11-04T14:05"))

    assert _rows("session_hour_before").count() == 5
    assert not _rows("session_hour_before").filter(recipient=tokyo).exists()


def test_the_day_before_reminder_waits_for_the_recipients_morning(started):
    agent = started.enrollments.first().agent
    agent.time_zone = "America/New_York"
    agent.save()

    _sweep(at("2026-11-04T02:00"))  # 21:00 in New York on 3 November

    row = _rows("session_day_before").get(recipient=agent)
    assert row.deliver_after == at("2026-11-04T13:00")  # 08:00 EST


def test_peer_score_reminder_at_the_end_of_the_coaching_week(started):
    pair = started.coaching_pairs.filter(week=1).first()
    scorer, partner = [m.enrollment.agent for m in pair.members.all()][:2]
    keys = ["tone", "validation", "paraphrase", "question_quality", "actionable_closure"]
    services.peer_score_create(
        pair=pair, scorer=scorer, subject=partner, values=dict.fromkeys(keys, 3)
    )

    _sweep(at("2026-12-01T12:00"))  # week 1 ends 2 December 05:00 UTC

    recipients = set(_rows("peer_score_missing").values_list("recipient", flat=True))
    assert len(recipients) == 5
    assert scorer.pk not in recipients
    assert partner.pk in recipients


def test_monday_digest_for_facilitators_lists_who_is_behind(started, facilitator):
    facilitator.time_zone = "America/New_York"
    facilitator.save()

    _sweep(at("2026-11-02T12:00"))  # 07:00 in New York: not yet
    assert not _rows("weekly_digest").exists()
    _sweep(at("2026-11-02T14:00"))
    _sweep(at("2026-11-02T20:00"))  # later the same Monday: still one

    row = _rows("weekly_digest").get()
    assert (row.recipient, row.slot) == (facilitator, "2026-W45")
    reminders.outbox_deliver(outbox_id=row.pk, now=at("2026-11-02T20:00"))
    body = mail.outbox[0].body
    assert started.name in body
    assert "6 behind" in body
    assert "Reflective listening" in body


def test_sweeping_again_or_twice_at_once_adds_nothing(started):
    _sweep(at("2026-11-03T16:00"))
    before = Outbox.objects.count()

    _sweep(at("2026-11-03T16:05"))
    _sweep(at("2026-11-03T16:05"))

    assert Outbox.objects.count() == before == 6


def test_opted_out_people_and_switched_off_kinds_get_nothing(started):
    agent = started.enrollments.first().agent
    ReminderOptOut.objects.create(user=agent, kind="session_day_before")
    ReminderSwitch.objects.filter(kind="session_hour_before").update(enqueue_enabled=False)

    _sweep(at("2026-11-04T14:05"))

    assert _rows("session_day_before").count() == 5
    assert not _rows("session_hour_before").exists()


def test_withdrawn_agents_and_cancelled_sessions_get_nothing(started):
    services.enrollment_withdraw(enrollment=started.enrollments.first(), now=at("2026-11-01T00:00"))
    ScheduleItem.objects.filter(title="Active listening").update(cancelled=True)

    _sweep(at("2026-11-01T12:00"))
    _sweep(at("2026-11-03T16:00"))

    assert _rows("prework_due").count() == 5
    assert not _rows("session_day_before").exists()


@pytest.mark.parametrize("agents", [4, 40])
def test_the_sweep_query_count_does_not_grow_with_recipients(
    cohort, django_assert_num_queries, agents
):
    enrol(cohort, agents)
    services.cohort_start(cohort=cohort, now=at("2026-10-01T00:00"))

    # 1 switches, 2 the items starting, due or ending within a day, 3-4 the facilitators'
    # cohorts and facilitators (Tuesday 04:00 is still Monday's digest window at UTC-12),
    # 5 the agents assessed lately, 6 the badges expiring, 7 the time zones in use,
    # 8 one INSERT ... SELECT for the workshop's room, 9 the deliverable rows
    with django_assert_num_queries(9):
        reminders.reminders_sweep(now=at("2026-11-03T16:00"), enqueue=False)
        reminders.deliverable_ids(now=at("2026-11-03T16:00"))

    assert _rows("session_day_before").count() == agents


def test_replaying_a_day_with_the_command(started, capsys, settings):
    from django.core.management import call_command

    settings.ATTUNE_REMINDER_SWEEP_MINUTES = 60  # 24 sweeps for the day keep the test quick
    call_command("send_reminders", "--dry-run", "--date", "2026-11-03")
    dry = capsys.readouterr().out
    assert "session_day_before" in dry
    assert not Outbox.objects.exists()

    call_command("send_reminders", "--date", "2026-11-03")

    assert _rows("session_day_before").count() == 6
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "3 November")


def test_the_command_sends_in_process_without_a_broker(started, capsys, settings):
    from django.core.management import call_command

    settings.ATTUNE_REMINDER_SWEEP_MINUTES = 60
    with time_machine.travel(at("2026-11-04T00:00"), tick=False):
        call_command("send_reminders", "--date", "2026-11-03")

    assert len(mail.outbox) == _rows("session_day_before").count() == 6
    assert "6 sent now" in capsys.readouterr().out.splitlines()[-1]


def test_the_command_leaves_delivery_to_the_workers_when_a_broker_runs(
    started, capsys, settings, monkeypatch
):
    from types import SimpleNamespace

    from django.core.management import call_command

    settings.ATTUNE_REMINDER_SWEEP_MINUTES = 60
    settings.CELERY_TASK_ALWAYS_EAGER = False  # what REDIS_URL gives
    queued = []
    monkeypatch.setattr("accounts.tasks.outbox_deliver_batch", SimpleNamespace(delay=queued.append))

    with time_machine.travel(at("2026-11-04T00:00"), tick=False):
        call_command("send_reminders", "--date", "2026-11-03")

    assert mail.outbox == []
    assert sorted(pk for batch in queued for pk in batch) == sorted(
        Outbox.objects.values_list("pk", flat=True)
    )
    assert "queued for the workers in 1 batch(es)" in capsys.readouterr().out


def test_no_prework_reminder_for_an_agent_held_out_as_an_experiments_control(started):
    from cohorts.models import Experiment, ExperimentAssignment

    module = started.schedule_items.get(title="Reflective listening")
    held_out, exposed = [e.agent for e in started.enrollments.all()[:2]]
    experiment = Experiment.objects.create(
        name="No pre-work nudges",
        window_start=module.starts_at - datetime.timedelta(days=7),
        window_end=module.ends_at + datetime.timedelta(days=7),
        seed=1,
    )
    ExperimentAssignment.objects.create(experiment=experiment, agent=held_out, group="control")
    ExperimentAssignment.objects.create(experiment=experiment, agent=exposed, group="treatment")

    _sweep(at("2026-11-01T12:00"))

    recipients = set(_rows("prework_due").values_list("recipient", flat=True))
    assert exposed.pk in recipients
    assert held_out.pk not in recipients
    assert len(recipients) == 5


@pytest.mark.parametrize("agents", [4, 40])
def test_reminders_decided_one_by_one_are_written_in_one_statement(
    cohort, django_assert_num_queries, agents
):
    enrol(cohort, agents)
    services.cohort_start(cohort=cohort, now=at("2026-10-01T00:00"))

    # 1 switches, 2 items within a day, 3-4 coaching pair members and their peer scores,
    # 5-6 the digest's cohorts and facilitators (still Monday at UTC-12), 7 the agents
    # assessed lately, 8 the badges expiring, 9 the opt-outs, 10 one INSERT for every
    # peer-score reminder, 11 the time zones, 12 the next coaching session's set
    with django_assert_num_queries(12):
        reminders.reminders_sweep(now=at("2026-12-01T12:00"), enqueue=False)

    assert _rows("peer_score_missing").count() == agents
