"""Fault 5 of #16: the same certification evaluated by two processes at once gives one
decision, one badge and one congratulation e-mail.

Two real Celery workers (separate processes, each with its own PostgreSQL connection, as
in production) run the evaluation task for the same enrolment. The test holds the
enrolment's row until both wait for it, and the badge table until the award queued by the
decision and a duplicate of it (as a republished task would be) both wait to insert, so
each step really races."""

import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from certification.models import BadgeAssertion, CertificationDecision
from certification.tasks import badge_award_task, certification_evaluate_task
from cohorts.models import Enrollment
from config.celery_app import app
from tests.certification import conftest as certification
from tests.faults.support import message_ids_by_recipient, wait_for
from tests.worker import start_worker

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]
# The certification tests' fixtures, found by pytest here (their clock is not frozen: the
# workers run on real time).
program = certification.program
facilitator = certification.facilitator
cohort = certification.cohort
enrollment = certification.enrollment
assessor = certification.assessor
scenario = certification.scenario


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps answering from its first look at the
        # activity statistics unless told to look again.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_two_processes_evaluating_the_same_enrolment_give_one_decision_and_one_badge(
    enrollment,
    scenario,
    assessor,
    tmp_path,
    settings,
):
    if not settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL: it runs real workers against Redis.")
    app.conf.task_always_eager = False
    workers = []
    try:
        certification.meet_the_gate(enrollment, scenario, assessor, when=timezone.now())
        app.control.purge()  # the evaluation that assessment queued: the workers race instead
        assert not CertificationDecision.objects.exists()
        workers += [
            start_worker(
                "evaluate", ATTUNE_WORKER_MAIL_DIR=str(tmp_path), ATTUNE_TEST_MAIL_PAUSE="0.01"
            )
            for _ in range(2)
        ]
        with transaction.atomic():
            with connection.cursor() as cursor:
                table = BadgeAssertion._meta.db_table
                cursor.execute(f'LOCK TABLE "{table}" IN SHARE MODE')
            # Locks taken in a savepoint go when it is rolled back: the row, not the table.
            enrolment_held = transaction.savepoint()
            Enrollment.objects.select_for_update().get(pk=enrollment.pk)
            evaluations = [
                certification_evaluate_task.apply_async((enrollment.pk,), ignore_result=False)
                for _ in range(2)
            ]
            assert wait_for(lambda: _waiting_for_a_lock() == 2, timeout=60), (
                "the two evaluations never waited for the enrolment together"
            )
            transaction.savepoint_rollback(enrolment_held)
            decided = [evaluation.get(timeout=30) for evaluation in evaluations]
            decision = CertificationDecision.objects.get()
            # A duplicate of the award the decision queued itself.
            duplicate_award = badge_award_task.apply_async((decision.pk,), ignore_result=False)
            assert wait_for(lambda: _waiting_for_a_lock() == 2, timeout=30), (
                "the two awards never waited for the badge table together"
            )
        assert duplicate_award.get(timeout=30) == str(BadgeAssertion.objects.get().uuid)
        assert wait_for(lambda: message_ids_by_recipient(tmp_path), timeout=30)
        time.sleep(1)  # a second congratulation, were there one, would be written by now
    finally:
        app.conf.task_always_eager = True
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=20)

    assert decided == [decision.pk, decision.pk]
    assert BadgeAssertion.objects.get().decision == decision
    sent = message_ids_by_recipient(tmp_path)
    assert list(sent) == [enrollment.agent.email]
    assert len(sent[enrollment.agent.email]) == 1
