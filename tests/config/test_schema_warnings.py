"""The OpenAPI schema builds without a single warning: a view whose queryset breaks for the
anonymous schema generator, or a path parameter of unknown type, fails here rather than in
the deployment check."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_schema_builds_without_warnings():
    out = io.StringIO()

    call_command("spectacular", "--fail-on-warn", "--validate", stdout=out, stderr=io.StringIO())

    assert "/api/disputes/{id}/resolve/" in out.getvalue()
