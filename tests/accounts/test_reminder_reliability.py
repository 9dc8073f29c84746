"""Exactly-once reminders on PostgreSQL: two deliveries of the same rows at once. Marked
`postgresql`: skipped on SQLite, and never skipped in CI's service run. The faults with
real workers (killed workers, concurrent sweeps) are in tests/faults/."""

import threading

import pytest
from django.core import mail
from django.db import connection

from accounts import reminders
from accounts.models import Outbox
from tests.factories import AgentFactory
from tests.faults.support import reminders_due_now

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]


def _rows(count):
    agents = AgentFactory.create_batch(count)
    reminders_due_now(agents)
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


def test_two_workers_delivering_the_same_rows_send_each_once():
    _rows(10)
    ids = list(Outbox.objects.values_list("pk", flat=True))

    _in_threads(lambda: [reminders.outbox_deliver(outbox_id=pk) for pk in ids])

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Outbox.objects.values_list("recipient__email", flat=True)
    )
    assert set(Outbox.objects.values_list("status", flat=True)) == {"sent"}
