"""Review tasks, started by beat: thin interfaces that call one service."""

from celery import shared_task

from reviews.assignment import assignments_create_this_week
from reviews.reminders import overdue_reminders_queue


@shared_task
def review_assignments_weekly_task() -> dict:
    """Monday 02:00: fill every active plan's slots for the week (a rerun adds nothing)."""
    return {str(plan_id): report for plan_id, report in assignments_create_this_week().items()}


@shared_task
def review_overdue_reminders_task() -> int:
    """Hourly: one outbox row per overdue review; the reminders sweep delivers it."""
    return overdue_reminders_queue()
