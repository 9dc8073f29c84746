"""Benchmark: the same API request signed in with a personal token and with a session."""

import base64
import time

from django.conf import global_settings
from django.core.cache import cache
from django.test import Client, override_settings

from accounts.models import User
from accounts.services import api_token_create
from bench.__main__ import Result, median_time

REQUESTS = 50
URL = "/api/me/"


def _basic_seconds(user: User) -> float:
    """One HTTP Basic request with Django's default (production) password hasher: the
    password is hashed again on every request, which is why scripts use tokens."""
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        user.set_password("bench-password")
        user.save(update_fields=["password"])
        credentials = base64.b64encode(f"{user.email}:bench-password".encode()).decode()
        client = Client(HTTP_AUTHORIZATION=f"Basic {credentials}")
        cache.clear()
        start = time.perf_counter()
        assert client.get(URL).status_code == 200
        return time.perf_counter() - start


def api_auth(*, repeat: int) -> Result:
    """`REQUESTS` GETs of /api/me/ through the whole stack (middleware, DRF, throttles)
    with `Authorization: Bearer <token>`, against the same GETs with a browser's session
    cookie (the baseline: a session is what a person's own pages cost)."""
    user = User.objects.create_user("bench-api@bench.example", password="bench-password")
    _, secret = api_token_create(user=user, name="bench")
    with_token = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    with_session = Client()
    with_session.force_login(user)

    def requests(client):
        def run():
            for _ in range(REQUESTS):
                response = client.get(URL)
                assert response.status_code == 200, response.status_code

        return run

    # The first request imports the URLconf and the views: not what either side costs.
    assert with_token.get(URL).status_code == with_session.get(URL).status_code == 200
    # Throttle counts live in the cache: start each run with none, so no run is refused.
    attune = median_time(requests(with_token), repeat=repeat, before=cache.clear)
    baseline = median_time(requests(with_session), repeat=repeat, before=cache.clear)
    print(
        f"api_auth: {attune / REQUESTS * 1000:.2f} ms a request with a token, "
        f"{baseline / REQUESTS * 1000:.2f} ms with a session, "
        f"{_basic_seconds(user) * 1000:.0f} ms with HTTP Basic (PBKDF2, once)"
    )
    return Result("api_auth", attune, baseline, REQUESTS)
