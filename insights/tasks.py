"""Background work for measurement: thin tasks that call one service."""

from celery import shared_task

from insights import services


@shared_task
def measurement_sweep_task() -> dict:
    """Every hour: finished cohorts get their end-of-program assessment, and their follow-up
    on the finish date + 90 days (local midnight, in the cohort's time zone)."""
    return services.measurement_sweep()
