"""Uploads are bounded, and a report stays readable however bad the file."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import Enrollment
from config.uploads import REPORTED_ERRORS
from insights.models import Interaction
from tests.factories import CohortFactory, EnrollmentFactory, TeamFactory
from tests.insights.test_interaction_import import HEADER, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(manager_api):
    TeamFactory(name="Billing")
    return CohortFactory(facilitators=[manager_api.user])


def enrol(client, cohort, data: bytes, query=""):
    upload = SimpleUploadedFile("agents.csv", data, content_type="text/csv")
    return client.post(
        f"/api/cohorts/{cohort.pk}/enrollments/import/{query}",
        {"file": upload, "dry_run": "true"},
        format="multipart",
    )


def bad_rows(count: int) -> bytes:
    lines = ["email,name,team"] + [f"bad{n},Name {n},Billing" for n in range(count)]
    return "\n".join(lines).encode()


def test_an_enrolment_file_over_the_limit_is_refused_with_its_size(manager_api, cohort, settings):
    settings.ATTUNE_ENROLLMENT_UPLOAD_MAX_BYTES = 1_000

    response = enrol(manager_api, cohort, bad_rows(100))

    assert response.status_code == 400
    assert response.json()["file"] == [
        "The file is 2.1\xa0KB; enrolment takes files of up to 1000\xa0bytes. "
        "Split it into smaller files and import each."
    ]
    assert not Enrollment.objects.exists()


def test_the_cohort_page_refuses_an_oversized_file_too(client, manager_api, cohort, settings):
    settings.ATTUNE_ENROLLMENT_UPLOAD_MAX_BYTES = 1_000
    client.force_login(manager_api.user)
    upload = SimpleUploadedFile("agents.csv", bad_rows(100), content_type="text/csv")

    page = client.post(f"/cohorts/{cohort.pk}/enrol/", {"file": upload, "action": "preview"})

    assert "Split it into smaller files" in page.content.decode()


def test_a_report_lists_the_first_thousand_errors_and_counts_them_all(manager_api, cohort):
    body = enrol(manager_api, cohort, bad_rows(REPORTED_ERRORS + 200)).json()

    assert len(body["errors"]) == body["errors_shown"] == REPORTED_ERRORS
    assert body["counts"]["errors"] == REPORTED_ERRORS + 200


def test_every_error_downloads_as_csv(manager_api, cohort):
    response = enrol(manager_api, cohort, bad_rows(REPORTED_ERRORS + 200), query="?errors=csv")

    assert response.streaming  # written while sent, never whole in memory
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert len(rows) == REPORTED_ERRORS + 200
    assert rows[0]["line"] == "2"
    assert rows[0]["column"] == "email"


def test_an_interaction_file_is_imported_as_a_stream_with_its_errors_capped(manager_api):
    agent = EnrollmentFactory(
        cohort=CohortFactory(facilitators=[manager_api.user]), agent__email="ana@example.com"
    ).agent
    lines = [HEADER, row("OK-1")] + [row(f"B{n}", channel="fax") for n in range(1_100)]
    upload = SimpleUploadedFile("i.csv", "\r\n".join(lines).encode(), content_type="text/csv")

    body = manager_api.post(
        "/api/interactions/import/",
        {"file": upload, "source": "helpdesk"},
        format="multipart",
    ).json()

    assert body["created"] == 1
    assert Interaction.objects.get().agent == agent
    assert len(body["rejected"]) == REPORTED_ERRORS
    assert body["rejected_total"] == body["rejected_rows"] == 1_100


def test_every_interaction_error_downloads_as_a_streamed_csv(manager_api):
    EnrollmentFactory(
        cohort=CohortFactory(facilitators=[manager_api.user]), agent__email="ana@example.com"
    )
    lines = [HEADER] + [row(f"B{n}", channel="fax") for n in range(1_100)]
    upload = SimpleUploadedFile("i.csv", "\r\n".join(lines).encode(), content_type="text/csv")

    response = manager_api.post(
        "/api/interactions/import/?errors=csv",
        {"file": upload, "source": "helpdesk"},
        format="multipart",
    )

    assert (response.status_code, response.streaming) == (200, True)
    assert response["Content-Disposition"] == 'attachment; filename="interaction-errors.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1_100
    assert rows[-1] == {"line": "1101", "column": "channel", "reason": "unknown channel “fax”"}


def test_an_interaction_file_over_the_limit_is_refused(manager_api, settings):
    settings.ATTUNE_INTERACTION_UPLOAD_MAX_BYTES = 100
    upload = SimpleUploadedFile("i.csv", (HEADER + "\r\n" + row("T1")).encode())

    response = manager_api.post(
        "/api/interactions/import/", {"file": upload, "source": "helpdesk"}, format="multipart"
    )

    assert response.status_code == 400
    assert "Split it into smaller files" in response.json()["file"][0]
