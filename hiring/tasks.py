"""Hiring tasks: thin interfaces that call one service."""

from celery import shared_task

from hiring import services


@shared_task
def candidates_retention_sweep_task() -> int:
    """Started by beat once a day: delete candidates not hired past the retention period."""
    return services.candidates_retention_sweep()
