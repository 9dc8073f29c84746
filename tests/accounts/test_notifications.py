import datetime
import smtplib

import pytest
from django.core import mail

from accounts import reminders
from accounts.models import Notification, Outbox, ReminderOptOut, ReminderSwitch
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 10, 15, tzinfo=UTC)  # 10:00 in New York
CONTEXT = {"title": "Tone matching", "cohort": "Q4", "due": "Tuesday", "url": "https://x.test/"}


def _row(user, kind="prework_due", when=NOW, **extra):
    return Outbox.objects.create(
        recipient=user,
        kind=kind,
        object_type="scheduleitem",
        object_id=extra.pop("object_id", 1),
        slot=extra.pop("slot", "s"),
        context={**CONTEXT, **extra.pop("context", {})},
        deliver_after=when,
        **extra,
    )


@pytest.mark.parametrize(
    ("local", "zone", "expected_utc"),
    [
        # 21:00 in Paris waits for 08:00 the next morning
        ("2026-11-10T21:00", "Europe/Paris", "2026-11-11T07:00"),
        # 06:30 waits for 08:00 the same morning
        ("2026-11-10T06:30", "Europe/Paris", "2026-11-10T07:00"),
        # daytime is untouched
        ("2026-11-10T12:00", "Europe/Paris", "2026-11-10T11:00"),
        # 22:00 on 31 October in New York (EDT) waits for 08:00 on 1 November (EST, UTC-5)
        ("2026-10-31T22:00", "America/New_York", "2026-11-01T13:00"),
        # and in spring: 23:00 on 7 March (EST) waits for 08:00 on 8 March (EDT, UTC-4)
        ("2026-03-07T23:00", "America/New_York", "2026-03-08T12:00"),
    ],
)
def test_quiet_hours_push_reminders_to_the_local_morning(local, zone, expected_utc):
    from zoneinfo import ZoneInfo

    moment = datetime.datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))

    result = reminders.after_quiet_hours(moment, zone)

    assert result == datetime.datetime.fromisoformat(expected_utc).replace(tzinfo=UTC)


def test_delivery_sends_text_and_html_with_a_one_click_unsubscribe():
    row = _row(AgentFactory())

    assert reminders.outbox_deliver(outbox_id=row.pk, now=NOW)

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert message.subject == "Pre-work due tomorrow: Tone matching"
    assert "Tone matching" in message.body
    assert "Tone matching" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)


def test_delivering_twice_sends_once_and_notifies_once():
    row = _row(AgentFactory())

    first = reminders.outbox_deliver(outbox_id=row.pk, now=NOW)
    second = reminders.outbox_deliver(outbox_id=row.pk, now=NOW)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(outbox=row).count() == 1


def test_nothing_is_sent_before_its_time():
    row = _row(AgentFactory(), when=NOW + datetime.timedelta(hours=1))

    assert not reminders.outbox_deliver(outbox_id=row.pk, now=NOW)
    assert mail.outbox == []


def test_an_smtp_failure_is_recorded_retried_later_and_never_marked_sent(settings):
    settings.EMAIL_BACKEND = "tests.accounts.failing_email.FailingBackend"
    row = _row(AgentFactory())

    with pytest.raises(smtplib.SMTPException):
        reminders.outbox_deliver(outbox_id=row.pk, now=NOW)

    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == ("failed", 1, None)
    assert "SMTPServerDisconnected" in row.last_error
    assert row.deliver_after == NOW + datetime.timedelta(minutes=1)
    # The in-app notification does not wait for the mail server...
    assert Notification.objects.filter(outbox=row).count() == 1
    assert not reminders.outbox_deliver(outbox_id=row.pk, now=NOW)  # too early to retry

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders.deliverable_ids(now=NOW + datetime.timedelta(minutes=1)) == [row.pk]
    assert reminders.outbox_deliver(outbox_id=row.pk, now=NOW + datetime.timedelta(minutes=1))
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert Notification.objects.filter(outbox=row).count() == 1  # ...and is not repeated


def test_backoff_doubles_and_is_capped():
    assert [reminders.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4, 9)] == [
        1,
        2,
        4,
        8,
        120,
    ]


def test_the_delivery_switch_holds_rows_back_without_losing_them():
    row = _row(AgentFactory())
    ReminderSwitch.objects.update_or_create(kind="prework_due", defaults={"deliver_enabled": False})

    assert reminders.deliverable_ids(now=NOW) == []
    assert not reminders.outbox_deliver(outbox_id=row.pk, now=NOW)

    ReminderSwitch.objects.filter(kind="prework_due").update(deliver_enabled=True)
    assert reminders.outbox_deliver(outbox_id=row.pk, now=NOW)


def test_a_row_stuck_sending_is_taken_over_after_the_lease(settings):
    settings.ATTUNE_DELIVERY_LEASE_SECONDS = 60
    row = _row(AgentFactory(), status="sending", claimed_at=NOW, attempts=1)

    assert reminders.deliverable_ids(now=NOW + datetime.timedelta(seconds=30)) == []
    assert reminders.outbox_deliver(outbox_id=row.pk, now=NOW + datetime.timedelta(seconds=61))
    assert len(mail.outbox) == 1


def test_opening_the_unsubscribe_link_only_asks_to_confirm(client):
    user = AgentFactory()
    token = reminders.unsubscribe_token(user_id=user.pk, kind="prework_due")

    response = client.get(f"/reminders/off/{token}/")  # what a mail scanner does

    assert response.status_code == 200
    assert "Turn off “Pre-work due tomorrow” reminders?" in response.content.decode()
    assert not ReminderOptOut.objects.exists()


def test_confirming_turns_one_kind_off(client):
    user = AgentFactory()
    token = reminders.unsubscribe_token(user_id=user.pk, kind="prework_due")

    response = client.post(f"/reminders/off/{token}/")

    assert response.status_code == 200
    assert "no more “Pre-work due tomorrow” reminders" in response.content.decode()
    assert list(ReminderOptOut.objects.values_list("user", "kind")) == [(user.pk, "prework_due")]


def test_a_mail_clients_one_click_post_unsubscribes_without_a_csrf_token(client):
    from django.test import Client

    user = AgentFactory()
    token = reminders.unsubscribe_token(user_id=user.pk, kind="session_day_before")
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        f"/reminders/off/{token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert ReminderOptOut.objects.filter(user=user, kind="session_day_before").exists()


def test_an_unsubscribe_link_expires(client, settings):
    import datetime

    import time_machine

    user = AgentFactory()
    with time_machine.travel(NOW, tick=False):
        token = reminders.unsubscribe_token(user_id=user.pk, kind="prework_due")
    later = NOW + datetime.timedelta(days=settings.ATTUNE_UNSUBSCRIBE_LINK_DAYS + 1)

    with time_machine.travel(later, tick=False):
        shown = client.get(f"/reminders/off/{token}/")
        posted = client.post(f"/reminders/off/{token}/")

    assert (shown.status_code, posted.status_code) == (410, 410)
    assert "has expired" in posted.content.decode()
    assert not ReminderOptOut.objects.exists()


def test_a_tampered_unsubscribe_link_changes_nothing(client):
    user = AgentFactory()
    token = reminders.unsubscribe_token(user_id=user.pk, kind="prework_due")

    response = client.get(f"/reminders/off/{token[:-2]}xx/")

    assert response.status_code == 400
    assert not ReminderOptOut.objects.exists()


def test_undo_turns_the_kind_back_on(client):
    user = AgentFactory()
    token = reminders.unsubscribe_token(user_id=user.pk, kind="badge_expiring")
    client.post(f"/reminders/off/{token}/")
    assert ReminderOptOut.objects.exists()

    client.post(f"/reminders/on/{token}/")

    assert not ReminderOptOut.objects.exists()


def test_notifications_api_lists_counts_and_marks_read(agent_api):
    for n in range(3):
        reminders.outbox_deliver(outbox_id=_row(agent_api.user, object_id=n).pk, now=NOW)
    other = AgentFactory()
    reminders.outbox_deliver(outbox_id=_row(other, object_id=9).pk, now=NOW)
    mine = agent_api.get("/api/notifications/").json()["results"]

    assert len(mine) == 3
    assert agent_api.get("/api/notifications/unread-count/").json() == {"unread": 3}
    agent_api.post(f"/api/notifications/{mine[0]['id']}/read/")
    assert agent_api.get("/api/notifications/unread-count/").json() == {"unread": 2}
    assert agent_api.post("/api/notifications/read-all/").json() == {"read": 2}
    theirs = Notification.objects.get(user=other)
    assert agent_api.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404


def test_preferences_turn_kinds_off_and_on(agent_api):
    agent_api.put(
        "/api/me/reminders/", [{"kind": "weekly_digest", "enabled": False}], format="json"
    )
    prefs = {p["kind"]: p["enabled"] for p in agent_api.get("/api/me/reminders/").json()}
    bad = agent_api.put("/api/me/reminders/", [{"kind": "nope", "enabled": False}], format="json")

    assert prefs["weekly_digest"] is False
    assert prefs["prework_due"] is True
    assert bad.status_code == 400


def test_the_migration_created_the_beat_schedule_and_switches():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="Reminder sweep")

    assert task.task == "accounts.tasks.reminders_sweep_task"
    assert task.interval.every == 5
    assert ReminderSwitch.objects.count() == 7


def test_every_attempt_at_one_reminder_carries_the_same_message_id(monkeypatch):
    """A crash after the SMTP server took the message but before the row was marked sent
    makes the next attempt send it again: with the same Message-ID, servers and clients
    see one message, not two."""
    row = _row(AgentFactory())
    sent_ids = []
    real_update = Outbox.objects.filter

    def crash_after_sending(*args, **kwargs):
        if mail.outbox and len(sent_ids) == 0:
            sent_ids.append(mail.outbox[-1].extra_headers["Message-ID"])
            raise ConnectionError("the database went away after the send")
        return real_update(*args, **kwargs)

    monkeypatch.setattr(Outbox.objects, "filter", crash_after_sending)
    with pytest.raises(ConnectionError):
        reminders.outbox_deliver(outbox_id=row.pk, now=NOW)
    monkeypatch.undo()
    Outbox.objects.filter(pk=row.pk).update(deliver_after=NOW)

    assert reminders.outbox_deliver(outbox_id=row.pk, now=NOW + datetime.timedelta(hours=1))

    second = mail.outbox[-1].extra_headers["Message-ID"]
    assert len(mail.outbox) == 2  # the documented window: the message went out twice...
    assert sent_ids == [second]  # ...as one message
    assert second == reminders.outbox_message_id(row.pk)
    assert second == f"<outbox-{row.pk}@attune.test>"  # the host of ATTUNE_PUBLIC_BASE_URL
    assert Notification.objects.filter(outbox=row).count() == 1
