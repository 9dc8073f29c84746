"""Fault 2 of #16: two beats and two manual sweeps at the same moment write each reminder
once, and the deliveries they all queue send each one once.

Two sweeps run as beat's task on two real Celery workers, two as `manage.py send_reminders`
(with a broker configured, as in production, it queues delivery for the workers). The test
holds a lock on the outbox table until all four have worked out what is due and wait to
write it, so the four writes race for the same rows."""

import datetime
import io
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Notification, Outbox, ReminderKind, ReminderSwitch
from accounts.reminders import outbox_message_id
from accounts.tasks import reminders_sweep_task
from cohorts.models import ScheduleItem
from config.celery_app import app
from tests.faults.support import message_ids_by_recipient, wait_for
from tests.worker import start_worker

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
AGENTS = 30
SWEEPS = 4
NO_QUIET_HOURS = {"ATTUNE_QUIET_HOURS_START": "00:00", "ATTUNE_QUIET_HOURS_END": "00:00"}


@pytest.fixture
def workshop_tomorrow(db, settings):
    """A cohort of AGENTS whose only reminder due now is the day-before one for a workshop
    in three hours, whatever the time of day the test runs at."""
    from cohorts.services import cohort_start
    from tests.cohorts.conftest import enrol, rollout_program
    from tests.factories import CohortFactory

    # Real time (the workers' clock): quiet hours off, or a run at night finds nothing due.
    settings.ATTUNE_QUIET_HOURS_START = settings.ATTUNE_QUIET_HOURS_END = "00:00"
    now = timezone.now()
    cohort = CohortFactory(
        program=rollout_program(), start_date=now.date() + datetime.timedelta(days=7)
    )
    enrol(cohort, AGENTS)
    cohort_start(cohort=cohort, now=now)
    workshop = cohort.schedule_items.filter(kind=ScheduleItem.Kind.WORKSHOP).first()
    cohort.schedule_items.exclude(pk=workshop.pk).update(cancelled=True)
    ScheduleItem.objects.filter(pk=workshop.pk).update(
        starts_at=now + datetime.timedelta(hours=3), ends_at=now + datetime.timedelta(hours=4)
    )
    for kind in set(ReminderKind.values) - {ReminderKind.SESSION_DAY_BEFORE}:
        ReminderSwitch.objects.update_or_create(kind=kind, defaults={"enqueue_enabled": False})
    return cohort


def _waiting_to_write_the_outbox() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks JOIN pg_class ON pg_class.oid = pg_locks.relation "
            "WHERE pg_class.relname = 'accounts_outbox' AND NOT pg_locks.granted "
            "AND pg_locks.database = (SELECT oid FROM pg_database "
            "WHERE datname = current_database())"
        )
        return cursor.fetchone()[0]


def _manual_run(errors: list) -> None:
    try:
        call_command("send_reminders", stdout=io.StringIO())
    except Exception as error:  # reported by the test's assertion
        errors.append(error)
    finally:
        connection.close()


def test_two_beats_and_two_manual_sweeps_at_once_send_each_reminder_once(
    workshop_tomorrow, tmp_path, settings
):
    if not settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL: it runs real workers against Redis.")
    settings.CELERY_TASK_ALWAYS_EAGER = False  # send_reminders queues, as with a broker
    app.control.purge()
    app.conf.task_always_eager = False
    workers = [
        start_worker(
            "sweeps", ATTUNE_WORKER_MAIL_DIR=str(tmp_path), ATTUNE_TEST_MAIL_PAUSE="0.01",
            **NO_QUIET_HOURS,
        )
        for _ in range(2)
    ]  # fmt: skip
    errors = []
    manual = [threading.Thread(target=_manual_run, args=(errors,)) for _ in range(2)]
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE accounts_outbox IN SHARE MODE")
            # Results are ignored unless asked for (CELERY_TASK_IGNORE_RESULT); the test reads them.
            beats = [reminders_sweep_task.apply_async(ignore_result=False) for _ in range(2)]
            for thread in manual:
                thread.start()
            assert wait_for(lambda: _waiting_to_write_the_outbox() == SWEEPS, timeout=60), (
                f"only {_waiting_to_write_the_outbox()} of {SWEEPS} sweeps reached the write"
            )
        for thread in manual:
            thread.join(timeout=30)
        swept = [beat.get(timeout=30) for beat in beats]

        def everything_sent():
            return not Outbox.objects.exclude(status=Outbox.Status.SENT).exists()

        assert wait_for(everything_sent, timeout=60)
    finally:
        app.conf.task_always_eager = True
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=20)

    assert errors == []
    # Each beat found the reminders due (the reminders of a cohort come as one set) and
    # reached the write; together the sweeps added each row once, whoever came first.
    assert all(result["due"] >= 1 for result in swept)
    assert sum(result["written"] for result in swept) <= AGENTS
    assert Outbox.objects.count() == AGENTS
    rows = Outbox.objects.select_related("recipient")
    assert Notification.objects.count() == AGENTS
    assert sorted(Notification.objects.values_list("outbox_id", flat=True)) == sorted(
        row.pk for row in rows
    )
    sent = message_ids_by_recipient(tmp_path)
    assert sent == {row.recipient.email: [outbox_message_id(row.pk)] for row in rows}
    assert mail.outbox == []  # the manual runs queued delivery rather than sending
