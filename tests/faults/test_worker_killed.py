"""Fault 1 of #16: the worker is killed with SIGKILL three times while it delivers 2,000
reminders, and restarted each time. Nothing may be lost, no in-app notification doubled;
an e-mail may go out twice only in the window between sending it and committing its
"sent" mark (at most one message per kill, since a solo worker sends one at a time), and
the second copy carries the same Message-ID as the first.

Real services: PostgreSQL, Redis and a Celery worker process (tests/worker.py)."""

import signal
import time

import pytest

from accounts import reminders
from accounts.models import Notification, Outbox, User
from config.celery_app import app
from tests.faults.support import (
    mail_count,
    message_ids_by_recipient,
    reminders_due_now,
    wait_for,
)
from tests.worker import start_worker

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
REMINDERS = 2000
KILLS = 3
SENT_BETWEEN_KILLS = 250
MAIL_PAUSE_SECONDS = "0.002"
LEASE_SECONDS = 2  # as in tests/worker_settings.py


def _reminders_for_new_agents(count: int) -> None:
    # bulk_create: 2,000 agents through the factory would take longer than the delivery.
    agents = User.objects.bulk_create(
        User(email=f"killed{n}@example.com", role=User.Role.AGENT) for n in range(count)
    )
    reminders_due_now(agents)


def _queued_tasks() -> int:
    with app.connection_for_write() as connection:
        # Redis forgets an empty queue: declaring it again answers 0 instead of NOT_FOUND.
        return connection.default_channel.queue_declare(app.conf.task_default_queue).message_count


def test_a_worker_killed_three_times_loses_nothing_and_resends_only_in_the_window(
    tmp_path, settings
):
    if not settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL: it runs a real worker against Redis.")
    settings.ATTUNE_DELIVERY_LEASE_SECONDS = LEASE_SECONDS  # the sweeps here, as the worker
    _reminders_for_new_agents(REMINDERS)
    app.control.purge()  # batches a killed worker of an earlier run left in the test queue

    def start():
        return start_worker(
            "killed",
            ATTUNE_WORKER_MAIL_DIR=str(tmp_path),
            ATTUNE_TEST_MAIL_PAUSE=MAIL_PAUSE_SECONDS,
        )

    last_sweep = time.monotonic()

    def everything_sent() -> bool:
        nonlocal last_sweep
        if not Outbox.objects.exclude(status=Outbox.Status.SENT).exists():
            return True
        # What beat does every few minutes, here as soon as the queue runs dry: queue the
        # rows of the batches that died with a worker, and the rows whose claim ran out.
        if _queued_tasks() == 0 and time.monotonic() - last_sweep > LEASE_SECONDS:
            reminders.reminders_sweep()
            last_sweep = time.monotonic()
        return False

    app.conf.task_always_eager = False
    worker = start()
    try:
        reminders.reminders_sweep()
        for _ in range(KILLS):
            target = mail_count(tmp_path) + SENT_BETWEEN_KILLS
            assert wait_for(lambda n=target: mail_count(tmp_path) >= n, timeout=90), (
                f"the worker is not sending ({mail_count(tmp_path)} e-mails)"
            )
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            assert Outbox.objects.exclude(status=Outbox.Status.SENT).exists()
            worker = start()
        # About 30 s on an idle two-core machine; the margin is for a busy CI runner.
        assert wait_for(everything_sent, timeout=180), list(
            Outbox.objects.exclude(status=Outbox.Status.SENT).values_list("status", "attempts")
        )[:20]
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=20)

    rows = Outbox.objects.select_related("recipient")
    expected = {row.recipient.email: reminders.outbox_message_id(row.pk) for row in rows}
    sent = message_ids_by_recipient(tmp_path)
    assert sent.keys() == expected.keys()  # nobody's reminder was lost
    assert {to: set(ids) for to, ids in sent.items()} == {to: {i} for to, i in expected.items()}
    duplicates = sum(len(ids) - 1 for ids in sent.values())
    print(f"{duplicates} e-mail(s) sent twice after {KILLS} kills")  # shown with -s
    assert duplicates <= KILLS, f"{duplicates} e-mails sent twice after {KILLS} kills"
    assert sorted(Notification.objects.values_list("outbox_id", flat=True)) == sorted(
        row.pk for row in rows
    )
