"""A strict Content-Security-Policy on every page: scripts from this site only."""

import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/docs/", "/health/"])
def test_pages_carry_a_policy_that_runs_no_foreign_or_inline_script(client, path):
    policy = directives(client.get(path))

    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"]


def test_the_api_docs_load_their_script_from_a_file_not_inline(admin_client):
    page = admin_client.get("/api/docs/").content.decode()

    assert "<script>" not in page
