"""Imports in the background: record the job with its file, run it once on a worker.

The request writes the job and its file in one transaction and enqueues the task after
commit; should the broker be down then, `import_jobs_sweep` finds the job still queued and
enqueues it again. A worker claims a job with a conditional UPDATE, so a job enqueued twice
runs once.
"""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cohorts.enrollment_import import enrollment_import
from cohorts.scope import managed_agents
from config.uploads import errors_csv_content
from imports.models import ImportJob
from insights.interaction_import import interaction_import

logger = logging.getLogger(__name__)

# A job still queued this long after it was made is enqueued again by the sweep.
REQUEUE_AFTER = datetime.timedelta(minutes=2)
# How often a running import writes its progress (rows).
PROGRESS_EVERY = 5_000


def _enqueue(job_id: int) -> None:
    from imports.tasks import import_job_run_task

    try:
        import_job_run_task.delay(job_id)
    except Exception:  # the broker is down: the job waits for the sweep
        logger.warning("Import job %s could not be queued; the sweep will retry", job_id)


@transaction.atomic
def import_job_create(*, kind: str, by, upload, cohort=None, **options) -> ImportJob:
    """Store the upload and the job; a worker picks it up once this commits."""
    job = ImportJob(kind=kind, created_by=by, cohort=cohort, size=upload.size, **options)
    job.file.save(upload.name or "upload.csv", upload, save=False)
    job.save()
    from imports.tasks import import_job_run_task
    from jobs.services import intent_record

    intent_record(task=import_job_run_task, args=[job.pk])
    return job


def _claim(job_id: int) -> ImportJob | None:
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    return (
        ImportJob.objects.select_related("cohort", "created_by").get(pk=job_id) if claimed else None
    )


def _progress(job_id: int):
    def report(rows: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_done=rows)

    return report


def _run(job: ImportJob) -> tuple[dict, list]:
    with job.file.open("rb") as data:
        if job.kind == ImportJob.Kind.ENROLMENT:
            report = enrollment_import(
                cohort=job.cohort, data=data.read(), dry_run=job.dry_run, by=job.created_by
            )
            return report.as_dict(), report.errors
        report = interaction_import(
            data=data,
            source=job.source,
            mapping=job.mapping or "attune",
            dry_run=job.dry_run,
            progress=_progress(job.pk),
            agents=managed_agents(user=job.created_by),
        )
        return report.as_dict(), report.rejected


def import_job_run(*, job_id: int) -> bool:
    """Run a queued job once; returns whether this call ran it."""
    job = _claim(job_id)
    if job is None:
        return False
    try:
        report, errors = _run(job)
    except Exception as error:
        logger.exception("Import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            failure=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return True
    if errors:
        job.errors_file.save(f"job-{job.pk}-errors.csv", ContentFile(errors_csv_content(errors)))
    job.report = report
    # An enrolment report lists its rows and counts them; an interaction report counts them.
    job.rows_done = report["counts"]["rows"] if "counts" in report else report["rows"]
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["report", "rows_done", "status", "finished_at", "errors_file"])
    return True


def import_jobs_sweep(*, now=None) -> int:
    """Enqueue again the jobs still waiting well after they were made; returns how many."""
    now = now or timezone.now()
    waiting = list(
        ImportJob.objects.filter(
            status=ImportJob.Status.QUEUED, created_at__lt=now - REQUEUE_AFTER
        ).values_list("pk", flat=True)
    )
    for job_id in waiting:
        _enqueue(job_id)
    return len(waiting)
