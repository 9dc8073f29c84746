"""Large imports run on a worker; the request records the job first, so nothing is lost."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import Enrollment
from imports import services
from imports.models import ImportJob
from insights.models import Interaction
from tests.factories import CohortFactory, EnrollmentFactory, ManagerFactory, TeamFactory
from tests.insights.test_interaction_import import HEADER, row

pytestmark = pytest.mark.django_db


def upload(name="agents.csv", data=b"email,name,team\nana@example.com,Ana,Billing\n"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def cohort(manager_api):
    TeamFactory(name="Billing")
    return CohortFactory(facilitators=[manager_api.user])


def start(client, **fields):
    return client.post("/api/import-jobs/", fields, format="multipart")


def test_an_enrolment_job_answers_202_and_the_worker_enrols(
    manager_api, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = start(manager_api, kind="enrolment", cohort=cohort.pk, file=upload())

    assert response.status_code == 202, response.json()
    assert response["Location"] == f"/api/import-jobs/{response.json()['id']}/"
    job = manager_api.get(response["Location"]).json()
    assert job["status"] == "done"
    assert job["report"]["applied"] is True
    assert Enrollment.objects.filter(cohort=cohort, agent__email="ana@example.com").exists()


def test_an_interaction_job_reports_progress_and_its_errors_download_as_csv(
    manager_api, django_capture_on_commit_callbacks
):
    EnrollmentFactory(
        cohort=CohortFactory(facilitators=[manager_api.user]), agent__email="ana@example.com"
    )
    data = "\r\n".join([HEADER, row("T1"), row("T2", channel="fax")]).encode()

    with django_capture_on_commit_callbacks(execute=True):
        created = start(
            manager_api, kind="interactions", source="helpdesk", file=upload("i.csv", data)
        ).json()
    job = manager_api.get(f"/api/import-jobs/{created['id']}/").json()
    errors = manager_api.get(job["errors_url"])

    assert (job["status"], job["rows_done"], job["report"]["created"]) == ("done", 2, 1)
    assert Interaction.objects.count() == 1
    assert errors.streaming  # the stored file is sent in blocks
    assert errors["Content-Disposition"] == f'attachment; filename="import-{job["id"]}-errors.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(errors.streaming_content).decode())))
    assert [(r["line"], r["column"]) for r in rows] == [("3", "channel")]


def test_the_work_survives_a_broker_that_is_down(
    manager_api, cohort, django_capture_on_commit_callbacks, monkeypatch
):
    from imports import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.import_job_run_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = start(manager_api, kind="enrolment", cohort=cohort.pk, file=upload())
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (response.status_code, job.status) == (202, "queued")

    monkeypatch.undo()
    import datetime

    later = job.created_at + services.REQUEUE_AFTER + datetime.timedelta(seconds=1)
    assert services.import_jobs_sweep(now=later) == 1

    job.refresh_from_db()
    assert job.status == "done"
    assert Enrollment.objects.filter(cohort=cohort).count() == 1


def test_a_job_runs_once_however_often_it_is_enqueued(manager_api, cohort):
    job = services.import_job_create(
        kind="enrolment", by=manager_api.user, upload=upload(), cohort=cohort
    )

    ran = [services.import_job_run(job_id=job.pk) for _ in range(3)]

    assert ran == [True, False, False]
    assert Enrollment.objects.filter(cohort=cohort).count() == 1


def test_a_job_is_only_for_a_cohort_in_scope_and_only_its_maker_reads_it(manager_api, cohort, api):
    theirs = CohortFactory(facilitators=[ManagerFactory()])

    refused = start(manager_api, kind="enrolment", cohort=theirs.pk, file=upload())
    job = services.import_job_create(
        kind="enrolment", by=manager_api.user, upload=upload(), cohort=cohort
    )
    api.force_authenticate(ManagerFactory())

    assert refused.status_code == 400
    assert "cohort" in refused.json()
    assert api.get(f"/api/import-jobs/{job.pk}/").status_code == 404
    assert api.get("/api/import-jobs/").json()["results"] == []


def test_a_file_over_the_limit_never_becomes_a_job(manager_api, cohort, settings):
    settings.ATTUNE_ENROLLMENT_UPLOAD_MAX_BYTES = 10

    response = start(manager_api, kind="enrolment", cohort=cohort.pk, file=upload())

    assert response.status_code == 400
    assert "Split it into smaller files" in response.json()["file"][0]
    assert not ImportJob.objects.exists()


def test_the_page_follows_a_job_and_stops_reloading_when_it_is_done(
    client, manager_api, cohort, django_capture_on_commit_callbacks
):
    client.force_login(manager_api.user)
    with django_capture_on_commit_callbacks(execute=False):
        started = client.post(
            f"/cohorts/{cohort.pk}/enrol/background/", {"file": upload()}, follow=True
        )
    job = ImportJob.objects.get()
    waiting = started.content.decode()
    services.import_job_run(job_id=job.pk)
    done = client.get(f"/imports/{job.pk}/").content.decode()

    assert 'http-equiv="refresh"' in waiting
    assert "Waiting for a worker" in waiting
    assert 'http-equiv="refresh"' not in done
    assert "everyone was enrolled" in done
