"""Exactly-once reminders on the real services: PostgreSQL, Redis and a Celery worker
process. Marked `postgresql`: skipped on SQLite, and never skipped in CI's service run."""

import collections
import datetime
import signal
import threading
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts import reminders
from accounts.models import Outbox
from config.celery_app import app
from tests.factories import AgentFactory
from tests.worker import start_worker

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
CONTEXT = {"title": "Tone matching", "cohort": "Q4", "due": "Tuesday", "url": "https://x.test/"}
AGENTS = 20


def _rows(count):
    past = timezone.now() - datetime.timedelta(minutes=1)
    agents = AgentFactory.create_batch(count)
    Outbox.objects.bulk_create(
        Outbox(
            recipient=agent,
            kind="prework_due",
            object_type="scheduleitem",
            object_id=1,
            slot="s",
            context=CONTEXT,
            deliver_after=past,
        )
        for agent in agents
    )
    return agents


def _in_threads(target, count=2):
    barrier = threading.Barrier(count)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            target()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def test_two_sweeps_at_once_write_each_reminder_once(started_cohort_due):
    moment, expected = started_cohort_due

    _in_threads(lambda: reminders.reminders_sweep(now=moment, enqueue=False))

    assert Outbox.objects.count() == expected


def test_two_workers_delivering_the_same_rows_send_each_once():
    _rows(10)
    ids = list(Outbox.objects.values_list("pk", flat=True))

    _in_threads(lambda: [reminders.outbox_deliver(outbox_id=pk) for pk in ids])

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Outbox.objects.values_list("recipient__email", flat=True)
    )
    assert set(Outbox.objects.values_list("status", flat=True)) == {"sent"}


@pytest.fixture
def started_cohort_due(db):
    from cohorts.services import cohort_start
    from tests.cohorts.conftest import enrol, rollout_program
    from tests.factories import CohortFactory

    cohort = CohortFactory(program=rollout_program(), start_date=datetime.date(2026, 10, 26))
    enrol(cohort, 12)
    cohort_start(cohort=cohort, now=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC))
    # 3 November 16:00 UTC: the 4 November workshop is tomorrow for all twelve
    return datetime.datetime(2026, 11, 3, 16, tzinfo=datetime.UTC), 12


def _start_worker(mail_dir: Path):
    return start_worker("reliability", ATTUNE_WORKER_MAIL_DIR=str(mail_dir))


def _wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_killed_mid_batch_then_restarted_delivers_each_reminder_once(tmp_path, settings):
    if not settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL: it runs a real worker against Redis.")
    settings.ATTUNE_DELIVERY_LEASE_SECONDS = 2
    agents = _rows(AGENTS)
    sent_files = lambda: list(tmp_path.glob("*.eml"))  # noqa: E731
    app.conf.task_always_eager = False
    worker = _start_worker(tmp_path)
    try:
        reminders.reminders_sweep()  # one batch of 20, about 5 seconds of sending
        assert _wait_for(lambda: len(sent_files()) >= 5), "the worker never started sending"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        delivered_before_the_crash = len(sent_files())
        assert delivered_before_the_crash < AGENTS
        assert Outbox.objects.exclude(status="sent").exists()

        time.sleep(2.1)  # the killed worker's claim on its row runs out
        worker = _start_worker(tmp_path)

        def everything_sent():
            reminders.reminders_sweep()  # what beat does every few minutes
            return not Outbox.objects.exclude(status="sent").exists()

        assert _wait_for(everything_sent, timeout=90), list(
            Outbox.objects.exclude(status="sent").values_list("status", "attempts")
        )
        time.sleep(1)  # let any duplicate batch finish before counting
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=20)

    per_recipient = collections.Counter(path.name.split("-")[0] for path in sent_files())
    assert per_recipient == {agent.email: 1 for agent in agents}
