"""Import tasks: thin interfaces that take ids and call one service."""

from celery import shared_task

from imports import services


@shared_task
def import_job_run_task(job_id: int) -> bool:
    return services.import_job_run(job_id=job_id)


@shared_task
def import_jobs_sweep_task() -> int:
    """Started by beat: jobs whose enqueue was lost (the broker was down) run after all."""
    return services.import_jobs_sweep()
