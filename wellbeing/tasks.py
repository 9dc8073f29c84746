"""Wellbeing tasks, started by beat: thin interfaces that call one service."""

from celery import shared_task

from wellbeing.reminders import pulse_invitations_queue


@shared_task
def pulse_invitations_task() -> int:
    """Hourly: this month's pulse invitations not yet written; the sweep delivers them."""
    return pulse_invitations_queue()
