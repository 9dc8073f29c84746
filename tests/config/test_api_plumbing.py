import pytest
from django.core.exceptions import ValidationError

from config.api import as_drf_validation_error

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served(agent_api):
    response = agent_api.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/programs/{id}/clone/" in response.content


def test_interactive_docs_load_nothing_from_a_cdn(agent_api):
    response = agent_api.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html
    assert "//unpkg" not in html


def test_health_answers_when_the_database_does(client):
    assert client.get("/health/").json() == {"status": "ok"}


def test_django_validation_errors_keep_their_field_names():
    error = as_drf_validation_error(ValidationError({"first_day": ["Overlaps."], "__all__": ["X"]}))

    assert error.detail == {"first_day": ["Overlaps."], "non_field_errors": ["X"]}


def test_plain_django_validation_error_becomes_non_field_error():
    error = as_drf_validation_error(ValidationError("Nope."))

    assert error.detail == {"non_field_errors": ["Nope."]}


@pytest.fixture
def schema(agent_api):
    return agent_api.get("/api/schema/?format=json").json()


def _properties(schema, component):
    return schema["components"]["schemas"][component]["properties"]


def test_schema_marks_what_can_be_null(schema):
    assert _properties(schema, "Program")["owner"]["nullable"] is True
    assert _properties(schema, "ProgramDetail")["rubric_detail"]["nullable"] is True
    assert _properties(schema, "Enrollment")["team"]["nullable"] is True


def test_schema_gives_session_time_as_hours_and_minutes(schema):
    session_time = _properties(schema, "Cohort")["session_time"]

    assert session_time["example"] == "10:00"
    assert "format" not in session_time


def test_schema_allows_an_empty_video_link(schema):
    video_link = _properties(schema, "ScheduleItem")["video_link"]

    assert {"type": "string", "maxLength": 0} in video_link["oneOf"]


def test_schema_does_not_describe_plain_lists_as_pages(schema):
    ok = schema["paths"]["/api/cohorts/{id}/schedule/"]["get"]["responses"]["200"]

    assert ok["content"]["application/json"]["schema"]["type"] == "array"


def test_schema_documents_csv_exports(schema):
    ok = schema["paths"]["/api/insights/funnel/"]["get"]["responses"]["200"]

    assert set(ok["content"]) == {"application/json", "text/csv"}


def test_cohorts_answer_session_time_as_hours_and_minutes(manager_api):
    from tests.factories import CohortFactory

    cohort = CohortFactory(facilitators=[manager_api.user])

    assert manager_api.get(f"/api/cohorts/{cohort.pk}/").json()["session_time"] == "10:00"
