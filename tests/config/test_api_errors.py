"""The API answers every error in JSON with a 4xx for what the client can fix, never a 500."""

import pytest
from django.test import Client

from certification.models import RolePlayAssessment
from cohorts.models import Cohort
from programs import services as program_services
from programs.models import Rubric, ScenarioCard
from tests.factories import (
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    ManagerFactory,
    RubricCriterionFactory,
    ScenarioCardFactory,
)

pytestmark = pytest.mark.django_db


def test_deleting_a_cohort_with_enrolments_is_a_conflict_naming_them(manager_api):
    cohort = CohortFactory(facilitators=[manager_api.user])
    EnrollmentFactory.create_batch(2, cohort=cohort)

    response = manager_api.delete(f"/api/cohorts/{cohort.pk}/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "It cannot be deleted while these refer to it: 2 enrollments."
    }
    assert Cohort.objects.filter(pk=cohort.pk).exists()


def test_deleting_a_scenario_card_a_role_play_uses_is_a_conflict(manager_api):
    enrollment = EnrollmentFactory()
    card = ScenarioCardFactory(program=enrollment.program)
    RolePlayAssessment.objects.create(enrollment=enrollment, scenario=card, assessor=CoachFactory())

    response = manager_api.delete(f"/api/scenario-cards/{card.pk}/")

    assert response.status_code == 409
    assert "1 role play assessment" in response.json()["detail"]
    assert ScenarioCard.objects.filter(pk=card.pk).exists()


def test_deleting_a_rubric_a_newer_version_points_to_is_a_conflict(manager_api):
    criterion = RubricCriterionFactory()
    program_services.rubric_new_version(rubric=criterion.rubric)

    response = manager_api.delete(f"/api/rubrics/{criterion.rubric.pk}/")

    assert response.status_code == 409
    assert "1 rubric" in response.json()["detail"]
    assert Rubric.objects.filter(pk=criterion.rubric.pk).exists()


def test_the_admin_refuses_to_delete_a_cohort_with_enrolments_without_crashing():
    manager = ManagerFactory(is_staff=True, is_superuser=True)
    enrollment = EnrollmentFactory()
    client = Client()
    client.force_login(manager)

    response = client.post(f"/admin/cohorts/cohort/{enrollment.cohort.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200
    assert b"would require deleting the following protected related objects" in response.content
    assert Cohort.objects.filter(pk=enrollment.cohort.pk).exists()


def test_a_body_nested_too_deep_is_a_400(manager_api):
    response = manager_api.post("/api/programs/", "[" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert "nests deeper than" in response.json()["detail"]


def test_a_body_nested_a_little_too_deep_is_a_400_too(manager_api):
    response = manager_api.post(
        "/api/programs/", '{"name": ' + "[" * 40 + "]" * 40 + "}", content_type="application/json"
    )

    assert response.status_code == 400


def test_a_bare_list_of_messages_comes_under_non_field_errors(manager_api):
    criterion = RubricCriterionFactory()
    program_services.rubric_publish(rubric=criterion.rubric)

    response = manager_api.delete(f"/api/rubrics/{criterion.rubric.pk}/")

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]


@pytest.mark.urls("tests.config.error_urls")
def test_an_unhandled_error_under_the_api_is_a_json_500(agent_api):
    client = Client(raise_request_exception=False)
    client.force_login(agent_api.user)

    response = client.get("/api/test-boom/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error; it has been logged."}


@pytest.mark.urls("tests.config.error_urls")
def test_a_figure_json_cannot_hold_is_a_400_not_a_500(agent_api):
    response = agent_api.get("/api/test-infinite/")

    assert response.status_code == 400
    assert "too large" in response.json()["detail"]


def test_an_unknown_api_address_is_a_json_404(agent_api):
    response = agent_api.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_is_still_an_html_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_schema_documents_the_conflict_of_a_delete(agent_api):
    schema = agent_api.get("/api/schema/?format=json").json()

    responses = schema["paths"]["/api/cohorts/{id}/"]["delete"]["responses"]
    assert set(responses) >= {"204", "403", "404", "409"}
