"""Wellbeing tasks: thin interfaces that call one service."""

import datetime

from celery import shared_task

from wellbeing import advisories
from wellbeing.reminders import pulse_invitations_queue


@shared_task
def pulse_invitations_task() -> int:
    """Hourly (beat): this month's pulse invitations not yet written; the sweep delivers
    them."""
    return pulse_invitations_queue()


@shared_task
def interactions_imported_task(source: str, since: str) -> dict:
    """After an interaction import committed (a task intent the import recorded): rotation
    advisories and recovery prompts for what it brought in. Idempotent."""
    return advisories.interactions_imported(
        source=source, since=datetime.datetime.fromisoformat(since)
    )
