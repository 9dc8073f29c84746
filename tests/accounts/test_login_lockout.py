"""Sign-in lock-out (django-axes) on every login path: the pages and HTTP Basic on the API."""

import base64
import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.test import RequestFactory

from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["/accounts/login/", "/admin/login/", "/api-auth/login/"]
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def ada():
    # Staff, so that the admin's sign-in page would let her in too.
    return AgentFactory(email="ada@example.com", is_staff=True)


def _sign_in(client, path, password, email="ada@example.com", **extra):
    return client.post(path, {"username": email, "password": password}, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", LOGIN_PAGES)
def test_fifty_wrong_passwords_lock_the_page_out_even_for_the_right_one(client, ada, path):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(50):
            response = _sign_in(client, path, "wrong")
        assert response.status_code == 429
        assert 'id="locked-out"' in response.content.decode()
        assert "paused for 15 minutes" in response.content.decode()

        traveller.shift(datetime.timedelta(minutes=14))
        right = _sign_in(client, path, "pw")

        assert right.status_code == 429
        assert not _signed_in(client)


@pytest.mark.parametrize("path", LOGIN_PAGES)
def test_the_right_password_works_again_after_the_cool_off(client, ada, path):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(50):
            _sign_in(client, path, "wrong")
        traveller.shift(datetime.timedelta(minutes=15, seconds=1))

        response = _sign_in(client, path, "pw")

        assert response.status_code == 302
        assert _signed_in(client)


def test_the_lock_starts_at_the_fifth_failure(client, ada):
    for _ in range(4):
        assert _sign_in(client, "/accounts/login/", "wrong").status_code == 200

    assert _sign_in(client, "/accounts/login/", "wrong").status_code == 429


def test_a_successful_sign_in_resets_the_count(client, ada):
    for _ in range(4):
        _sign_in(client, "/accounts/login/", "wrong")
    _sign_in(client, "/accounts/login/", "pw")
    client.logout()
    for _ in range(4):
        _sign_in(client, "/accounts/login/", "wrong")

    assert _sign_in(client, "/accounts/login/", "pw").status_code == 302


def test_the_lock_is_per_address_and_ip(client, ada):
    for _ in range(5):
        _sign_in(client, "/accounts/login/", "wrong")

    response = _sign_in(client, "/accounts/login/", "pw", REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 302


def test_changing_the_case_of_the_address_counts_as_the_same_address(client, ada):
    for email in ["ADA@example.com", "Ada@Example.com", "ada@EXAMPLE.com", "aDa@example.com"]:
        _sign_in(client, "/accounts/login/", "wrong", email=email)
    _sign_in(client, "/accounts/login/", "wrong", email="ada@example.COM")

    assert _sign_in(client, "/accounts/login/", "pw").status_code == 429


def test_single_sign_on_attempts_without_a_password_are_not_counted(ada):
    request = RequestFactory().get("/oidc/callback/")
    for _ in range(10):
        authenticate(request)

    assert not AccessAttempt.objects.exists()


# --- HTTP Basic on the API ----------------------------------------------------------------


def _basic(password, email="ada@example.com"):
    token = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_fifty_wrong_basic_passwords_lock_the_api_out_even_for_the_right_one(api, ada):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(50):
            response = api.get("/api/me/", **_basic("wrong"))
        assert response.status_code == 429
        assert response.json()["detail"].startswith("Too many failed sign-in attempts")
        assert response["Retry-After"] == "900"

        traveller.shift(datetime.timedelta(minutes=14))
        right = api.get("/api/me/", **_basic("pw"))

        assert right.status_code == 429


def test_basic_works_again_after_the_cool_off(api, ada):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(50):
            api.get("/api/me/", **_basic("wrong"))
        traveller.shift(datetime.timedelta(minutes=15, seconds=1))

        response = api.get("/api/me/", **_basic("pw"))

    assert response.status_code == 200
    assert response.json()["email"] == "ada@example.com"


def test_a_wrong_basic_password_before_the_limit_is_a_plain_refusal(api, ada):
    response = api.get("/api/me/", **_basic("wrong"))

    assert response.status_code == 403
    assert response.json()["detail"] == "Invalid username/password."


def test_page_and_api_failures_add_up(client, api, ada):
    for _ in range(3):
        _sign_in(client, "/accounts/login/", "wrong")
    for _ in range(2):
        api.get("/api/me/", **_basic("wrong"))

    assert _sign_in(client, "/accounts/login/", "pw").status_code == 429
