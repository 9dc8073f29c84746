"""An import job on the real services: PostgreSQL, Redis and a Celery worker process.
Marked `postgresql`: skipped on SQLite, and never skipped in CI's service run."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import Enrollment
from config.celery_app import app
from imports import services
from imports.models import ImportJob
from tests.factories import CohortFactory, ManagerFactory, TeamFactory
from tests.worker import start_worker

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]


def test_a_worker_process_runs_an_enrolment_job_end_to_end(tmp_path, settings):
    if not settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL: it runs a real worker against Redis.")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    TeamFactory(name="Billing")
    manager = ManagerFactory()
    cohort = CohortFactory(facilitators=[manager])
    rows = "".join(f"agent{n}@example.com,Agent {n},Billing\n" for n in range(30))
    upload = SimpleUploadedFile("agents.csv", ("email,name,team\n" + rows).encode())
    app.conf.task_always_eager = False
    worker = start_worker("imports", ATTUNE_WORKER_MEDIA_ROOT=str(tmp_path))
    try:
        job = services.import_job_create(
            kind="enrolment", by=manager, upload=upload, cohort=cohort
        )  # autocommit: enqueued to Redis at once
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.finished:
                break
            time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=20)

    assert job.status == ImportJob.Status.DONE, job.failure
    assert job.rows_done == 30
    assert Enrollment.objects.filter(cohort=cohort).count() == 30
