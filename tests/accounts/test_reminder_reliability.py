"""Exactly-once reminders on the real services: PostgreSQL, Redis and a Celery worker
process. Marked `postgresql`: skipped on SQLite, and never skipped in CI's service run."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts import reminders
from accounts.models import Outbox
from tests.factories import AgentFactory

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
