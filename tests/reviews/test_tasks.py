import datetime

import pytest
import time_machine
from django.core import mail
from django_celery_beat.models import PeriodicTask

from accounts.models import Outbox, ReminderOptOut, ReminderSwitch
from accounts.reminders import outbox_deliver
from reviews.assignment import assignment_reassign, assignment_skip
from reviews.models import ReviewAssignment
from reviews.reminders import overdue_reminders_queue
from reviews.tasks import review_assignments_weekly_task, review_overdue_reminders_task
from tests.factories import CohortFactory, ReviewAssignmentFactory, ReviewPlanFactory
from tests.reviews.conftest import NOW, WEEK, enrol, interactions, submit

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# Beat's weekly run: Monday 02:00 UTC (Monday 03:00 in Berlin, Sunday 22:00 in New York).
MONDAY_RUN = datetime.datetime(2026, 10, 26, 2, tzinfo=UTC)
DUE = datetime.datetime(2026, 11, 1, 22, 59, tzinfo=UTC)  # Sunday 23:59 in Berlin
AFTER_DUE = DUE + datetime.timedelta(hours=1)


# --- Weekly assignments --------------------------------------------------------------------


def test_the_weekly_task_assigns_every_active_plan_on_its_cohorts_calendar(coaches):
    berlin = ReviewPlanFactory(coaches=coaches)
    new_york = ReviewPlanFactory(
        coaches=coaches, cohort=CohortFactory(time_zone="America/New_York")
    )
    paused = ReviewPlanFactory(coaches=coaches, active=False)
    for plan in (berlin, new_york, paused):
        interactions(enrol(plan).agent, 3)

    with time_machine.travel(MONDAY_RUN, tick=False):
        reports = review_assignments_weekly_task()

    assert reports[str(berlin.pk)]["created"] == 3
    assert reports[str(new_york.pk)]["created"] == 3
    assert str(paused.pk) not in reports
    # Still Sunday evening in New York: the week assigned is the one about to start.
    assert set(ReviewAssignment.objects.values_list("week", flat=True)) == {WEEK}
    assert not ReviewAssignment.objects.filter(plan=paused).exists()


def test_rerunning_the_weekly_task_adds_nothing(plan):
    interactions(enrol(plan).agent, 5)
    with time_machine.travel(MONDAY_RUN, tick=False):
        review_assignments_weekly_task()
        reports = review_assignments_weekly_task()

    assert reports[str(plan.pk)]["created"] == 0
    assert ReviewAssignment.objects.count() == 3


def test_beat_runs_the_weekly_task_on_monday_at_two_and_the_reminders_hourly():
    weekly = PeriodicTask.objects.get(task="reviews.tasks.review_assignments_weekly_task")
    overdue = PeriodicTask.objects.get(task="reviews.tasks.review_overdue_reminders_task")

    crontab = weekly.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "2", "1")
    assert str(crontab.timezone) == "UTC"
    assert (overdue.interval.every, overdue.interval.period) == (1, "hours")
    assert weekly.enabled
    assert overdue.enabled


# --- Overdue reminders ---------------------------------------------------------------------


@pytest.fixture
def overdue(plan, coaches):
    return ReviewAssignmentFactory(
        plan=plan, agent=enrol(plan).agent, reviewer=coaches[0], slot=1, due_at=DUE
    )


def _rows():
    return Outbox.objects.filter(kind="review_overdue")


def test_an_overdue_review_reminds_its_reviewer_once(overdue):
    with time_machine.travel(AFTER_DUE, tick=False):
        review_overdue_reminders_task()
        review_overdue_reminders_task()

    row = _rows().get()
    assert (row.recipient, row.object_type, row.object_id) == (
        overdue.reviewer,
        "reviewassignment",
        overdue.pk,
    )


def test_a_review_not_yet_due_reminds_nobody(overdue):
    overdue_reminders_queue(now=DUE - datetime.timedelta(minutes=1))

    assert not _rows().exists()


@pytest.mark.parametrize("close", ["submit", "skip"])
def test_a_closed_review_reminds_nobody(overdue, close):
    if close == "submit":
        submit(overdue)
    else:
        assignment_skip(assignment=overdue, reason="Duplicate", by=None)

    overdue_reminders_queue(now=AFTER_DUE)

    assert not _rows().exists()


def test_a_paused_plan_reminds_nobody(overdue):
    overdue.plan.active = False
    overdue.plan.save()

    overdue_reminders_queue(now=AFTER_DUE)

    assert not _rows().exists()


def test_a_reassigned_review_reminds_the_new_reviewer_once(overdue, coaches):
    overdue_reminders_queue(now=AFTER_DUE)
    with time_machine.travel(NOW, tick=False):
        assignment_reassign(assignment=overdue, reviewer=coaches[1], by=None)

    overdue_reminders_queue(now=AFTER_DUE)
    overdue_reminders_queue(now=AFTER_DUE)

    assert sorted(_rows().values_list("recipient", flat=True)) == sorted(c.pk for c in coaches)


def test_the_switch_and_an_opt_out_stop_the_reminder(overdue, coaches):
    ReminderSwitch.objects.create(kind="review_overdue", enqueue_enabled=False)
    overdue_reminders_queue(now=AFTER_DUE)
    assert not _rows().exists()

    ReminderSwitch.objects.all().delete()
    ReminderOptOut.objects.create(user=coaches[0], kind="review_overdue")
    overdue_reminders_queue(now=AFTER_DUE)
    assert not _rows().exists()


def test_a_reminder_found_at_night_waits_for_the_morning(overdue):
    overdue.reviewer.time_zone = "Europe/Berlin"
    overdue.reviewer.save()

    overdue_reminders_queue(now=AFTER_DUE)  # Monday 00:59 in Berlin

    # 08:00 on Monday 2 November in Berlin (winter time).
    assert _rows().get().deliver_after == datetime.datetime(2026, 11, 2, 7, tzinfo=UTC)


def test_the_reminder_is_delivered_by_the_outbox(overdue):
    overdue_reminders_queue(now=AFTER_DUE)
    row = _rows().get()

    assert outbox_deliver(outbox_id=row.pk, now=row.deliver_after)

    (message,) = mail.outbox
    assert message.to == [overdue.reviewer.email]
    assert str(overdue.agent) in message.subject
    assert f"/reviews/{overdue.pk}/" in message.body  # the review page


def test_finding_overdue_reviews_takes_a_fixed_number_of_queries(
    plan, coaches, django_assert_num_queries
):
    for _ in range(5):
        ReviewAssignmentFactory(
            plan=plan, agent=enrol(plan).agent, reviewer=coaches[0], slot=1, due_at=DUE
        )

    # 1 switches, 2 overdue reviews not yet reminded (with reviewer, agent, cohort),
    # 3 opt-outs, 4 the outbox insert.
    with django_assert_num_queries(4):
        overdue_reminders_queue(now=AFTER_DUE)
    assert _rows().count() == 5
