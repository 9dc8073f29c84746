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
