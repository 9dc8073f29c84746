"""A delivery batch survives a lost database connection: the row is tried again on a new
connection and the batch goes on (accounts/tasks.py). A row whose attempt was cut stays
claimed until its lease runs out."""

import datetime

import psycopg
import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import OperationalError, connection
from django.db.models.signals import pre_save
from django.utils import timezone

from accounts import reminders
from accounts.models import Notification, Outbox
from accounts.tasks import RECONNECT_ATTEMPTS, outbox_deliver_batch
from tests.accounts.test_reminder_reliability import _rows
from tests.database_sessions import backend_terminate

# Not in the test's transaction: replacing a lost connection closes the old one.
pytestmark = pytest.mark.django_db(transaction=True)


def _ids():
    return list(Outbox.objects.order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def deliveries(monkeypatch):
    """Every call of outbox_deliver, by row; `lose` names rows whose next call fails as a
    terminated session does, before it claims anything."""
    calls, lose = [], []
    deliver = reminders.outbox_deliver

    def delivering(*, outbox_id, **kwargs):
        calls.append(outbox_id)
        if outbox_id in lose:
            lose.remove(outbox_id)
            cause = psycopg.errors.AdminShutdown("terminating connection due to administrator")
            raise OperationalError(str(cause)) from cause
        return deliver(outbox_id=outbox_id, **kwargs)

    monkeypatch.setattr(reminders, "outbox_deliver", delivering)
    return calls, lose


def test_a_row_whose_connection_was_lost_is_tried_again_and_the_batch_goes_on(deliveries):
    calls, lose = deliveries
    _rows(3)
    first, second, third = _ids()
    lose.append(second)

    sent = outbox_deliver_batch([first, second, third])

    assert sent == 3
    assert calls == [first, second, second, third]
    assert set(Outbox.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 3


def test_a_row_that_keeps_losing_its_connection_is_tried_a_bounded_number_of_times(deliveries):
    calls, lose = deliveries
    _rows(2)
    first, second = _ids()
    lose.extend([first] * (RECONNECT_ATTEMPTS + 5))

    sent = outbox_deliver_batch([first, second])

    assert sent == 1
    assert calls == [first] * (RECONNECT_ATTEMPTS + 1) + [second]
    assert Outbox.objects.get(pk=first).status == "pending"  # for the next sweep
    assert Outbox.objects.get(pk=second).status == "sent"


def test_a_row_that_fails_for_another_reason_is_not_tried_again(deliveries, settings):
    calls, _lose = deliveries
    settings.EMAIL_BACKEND = "tests.accounts.test_delivery_reconnects.RefusingBackend"
    _rows(2)
    first, second = _ids()

    sent = outbox_deliver_batch([first, second])

    assert sent == 0
    assert calls == [first, second]
    assert set(Outbox.objects.values_list("status", flat=True)) == {"failed"}


class RefusingBackend(locmem.EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


# --- On PostgreSQL, with the worker's own session terminated -------------------------------


class SessionCuttingBackend(locmem.EmailBackend):
    """Sends, then has the sending session terminated, as if an administrator or a
    failover cut it between sending a row's e-mail and marking the row sent."""

    cut_for: set[str] = set()

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if any(message.to[0] in self.cut_for for message in messages):
            self.cut_for.difference_update(message.to[0] for message in messages)
            backend_terminate(connection.connection.info.backend_pid)
        return sent


def _terminate_before(monkeypatch, outbox_id):
    deliver = reminders.outbox_deliver

    def delivering(*, outbox_id: int, **kwargs):
        if outbox_id == target:
            target_done.append(outbox_id)
            if len(target_done) == 1:
                connection.ensure_connection()
                backend_terminate(connection.connection.info.backend_pid)
        return deliver(outbox_id=outbox_id, **kwargs)

    target, target_done = outbox_id, []
    monkeypatch.setattr(reminders, "outbox_deliver", delivering)


@pytest.mark.postgresql
@pytest.mark.services
def test_a_batch_whose_session_is_terminated_between_rows_delivers_every_row(monkeypatch):
    _rows(4)
    ids = _ids()
    _terminate_before(monkeypatch, ids[1])

    sent = outbox_deliver_batch(ids)

    assert sent == 4
    assert set(Outbox.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(Notification.objects.values_list("outbox_id", flat=True)) == ids
    assert len(mail.outbox) == 4


@pytest.mark.postgresql
@pytest.mark.services
def test_a_row_cut_between_sending_and_marking_is_sent_again_after_its_lease(settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_delivery_reconnects.SessionCuttingBackend"
    agents = _rows(3)
    first, cut, third = _ids()
    SessionCuttingBackend.cut_for = {agents[1].email}

    sent = outbox_deliver_batch([first, cut, third])

    assert sent == 2
    assert dict(Outbox.objects.values_list("pk", "status")) == {
        first: "sent",
        cut: "sending",  # its e-mail left, but nobody could record it
        third: "sent",
    }
    assert reminders.outbox_deliver(outbox_id=cut) is False  # still claimed
    assert reminders.outbox_deliver(outbox_id=cut, now=_lease_over(settings)) is True

    assert Notification.objects.filter(outbox_id=cut).count() == 1
    resent = [m for m in mail.outbox if m.to == [agents[1].email]]
    # Sent twice, which is the documented window, as one message to servers and clients.
    assert [m.extra_headers["Message-ID"] for m in resent] == [reminders.outbox_message_id(cut)] * 2


@pytest.mark.postgresql
@pytest.mark.services
def test_a_row_cut_while_its_notification_is_made_stays_claimed_not_failed(settings):
    _rows(2)
    cut, other = _ids()

    def cut_the_session(sender, instance, **kwargs):
        if instance.outbox_id == cut and not Notification.objects.filter(outbox_id=cut).exists():
            pre_save.disconnect(cut_the_session, sender=Notification)
            backend_terminate(connection.connection.info.backend_pid)

    pre_save.connect(cut_the_session, sender=Notification)
    try:
        sent = outbox_deliver_batch([cut, other])
    finally:
        pre_save.disconnect(cut_the_session, sender=Notification)

    assert sent == 1
    row = Outbox.objects.get(pk=cut)
    assert (row.status, row.attempts, row.last_error) == ("sending", 1, "")
    assert len(mail.outbox) == 1  # only the other row's: the cut came before sending
    assert reminders.outbox_deliver(outbox_id=cut, now=_lease_over(settings)) is True
    assert Notification.objects.filter(outbox_id=cut).count() == 1


def _lease_over(settings):
    return timezone.now() + datetime.timedelta(seconds=settings.ATTUNE_DELIVERY_LEASE_SECONDS + 1)
