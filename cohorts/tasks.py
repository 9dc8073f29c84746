"""Background work for cohorts: thin tasks that take ids and call one service."""

from celery import shared_task

from cohorts import services
from cohorts.models import Cohort


@shared_task
def program_cohorts_resync(program_id: int) -> int:
    """After a program changed, re-lay the future schedule of each of its running cohorts."""
    cohorts = Cohort.objects.filter(program_id=program_id, status=Cohort.Status.RUNNING)
    for cohort in cohorts:
        services.cohort_resync(cohort=cohort)
    return len(cohorts)
