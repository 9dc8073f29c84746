"""Background work for wellbeing: thin tasks that call one service."""

import datetime

from celery import shared_task

from wellbeing import advisories


@shared_task
def interactions_imported_task(source: str, since: str) -> dict:
    """After an interaction import committed (a task intent the import recorded): rotation
    advisories and recovery prompts for what it brought in. Idempotent."""
    return advisories.interactions_imported(
        source=source, since=datetime.datetime.fromisoformat(since)
    )
