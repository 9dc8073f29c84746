"""Background work for cohorts: thin tasks that take ids and call one service."""

from celery import shared_task

from cohorts import services
from cohorts.models import Cohort


@shared_task
def program_cohorts_resync(program_id: int) -> int:
    """After a program changed, re-lay the future schedule of each of its running cohorts."""
    cohorts = Cohort.objects.filter(program_id=program_id, status__in=Cohort.STARTED_STATUSES)
    for cohort in cohorts:
        services.cohort_resync(cohort=cohort)
    return len(cohorts)


@shared_task
def cohort_status_sweep_task() -> dict:
    """Every 15 minutes: scheduled cohorts whose day 1 came start running; cohorts whose
    last day passed (local midnight, in their own time zone) are closed out."""
    return services.cohort_status_sweep()


@shared_task
def refreshers_open_task() -> int:
    """Hourly: open each active refresher schedule's cohort for the quarter under way in
    its time zone, once (see cohorts/services/refreshers.py)."""
    return len(services.refreshers_open_due())
