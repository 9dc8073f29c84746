"""The CSV import reached through the API and the admin (the logic is tested in
test_enrollment_import.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import Enrollment
from tests.factories import ManagerFactory, TeamFactory

pytestmark = pytest.mark.django_db

GOOD = b"email,name,team\nada@example.com,Ada,Billing\nbob@example.com,Bob,Billing\n"
ONE_BAD = b"email,name,team\nada@example.com,Ada,Billing\nbob@,Bob,Billing\n"


def _upload(content):
    return SimpleUploadedFile("agents.csv", content, content_type="text/csv")


def test_api_dry_run_shows_the_plan_and_writes_nothing(manager_api, cohort, facilitator):
    TeamFactory(name="Billing")
    manager_api.force_authenticate(facilitator)

    response = manager_api.post(
        f"/api/cohorts/{cohort.pk}/enrollments/import/",
        {"file": _upload(GOOD), "dry_run": "true"},
        format="multipart",
    )

    assert response.status_code == 200
    assert response.json()["counts"]["create"] == 2
    assert not Enrollment.objects.exists()


def test_api_reports_the_bad_row_and_imports_nothing(manager_api, cohort, facilitator):
    TeamFactory(name="Billing")
    manager_api.force_authenticate(facilitator)

    response = manager_api.post(
        f"/api/cohorts/{cohort.pk}/enrollments/import/",
        {"file": _upload(ONE_BAD)},
        format="multipart",
    )

    assert response.status_code == 400
    assert [(e["line"], e["column"]) for e in response.json()["errors"]] == [(3, "email")]
    assert not Enrollment.objects.exists()


def test_api_import_enrols_everyone(manager_api, cohort, facilitator):
    TeamFactory(name="Billing")
    manager_api.force_authenticate(facilitator)

    response = manager_api.post(
        f"/api/cohorts/{cohort.pk}/enrollments/import/",
        {"file": _upload(GOOD)},
        format="multipart",
    )

    assert response.json()["applied"] is True
    assert cohort.enrollments.count() == 2


def test_only_the_cohorts_facilitators_may_import(manager_api, agent_api, cohort):
    for client in (manager_api, agent_api):
        response = client.post(
            f"/api/cohorts/{cohort.pk}/enrollments/import/",
            {"file": _upload(GOOD)},
            format="multipart",
        )
        assert response.status_code in (403, 404)
    assert not Enrollment.objects.exists()


def test_admin_import_page_previews_and_reports_errors(client, cohort):
    TeamFactory(name="Billing")
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))
    url = f"/admin/cohorts/cohort/{cohort.pk}/import-enrollments/"

    preview = client.post(url, {"file": _upload(GOOD), "dry_run": "on"})
    failed = client.post(url, {"file": _upload(ONE_BAD)})
    done = client.post(url, {"file": _upload(GOOD)})

    assert "Dry run: nothing was written" in preview.content.decode()
    assert "nothing was imported" in failed.content.decode()
    assert "Imported 2 rows" in done.content.decode()
    assert cohort.enrollments.count() == 2


def test_admin_cohort_page_links_to_the_import(client, started):
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))

    response = client.get(f"/admin/cohorts/cohort/{started.pk}/change/")

    assert response.status_code == 200
    assert f"/admin/cohorts/cohort/{started.pk}/import-enrollments/" in response.content.decode()


@pytest.mark.parametrize(
    "page",
    [
        "/admin/cohorts/enrollment/",
        "/admin/cohorts/scheduleitem/",
        "/admin/cohorts/coachingpair/",
        "/admin/cohorts/rubricscore/",
    ],
)
def test_admin_lists_render(client, started, page):
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))

    assert client.get(page).status_code == 200


def test_admin_withdraw_action_keeps_history(client, started):
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))
    enrollment = started.enrollments.first()

    client.post(
        "/admin/cohorts/enrollment/",
        {"action": "withdraw", "_selected_action": [enrollment.pk]},
    )

    enrollment.refresh_from_db()
    assert enrollment.status == "withdrawn"
    assert enrollment.events.last().to_status == "withdrawn"
