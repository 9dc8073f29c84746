"""Personal API tokens: how they are stored, used, listed and revoked."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_hash, api_token_revoke
from tests.factories import AgentFactory, ManagerFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- Storage ------------------------------------------------------------------------------


def test_only_a_hash_of_the_secret_is_stored():
    token, secret = api_token_create(user=AgentFactory(), name="export")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in [str(value) for value in stored.values()]
    assert stored["secret_hash"] == api_token_hash(secret)
    assert secret.startswith(stored["prefix"])
    assert len(secret) > 40


def test_live_tokens_of_one_person_have_distinct_names():
    user = AgentFactory()
    api_token_create(user=user, name="export")

    with pytest.raises(ValidationError) as error:
        api_token_create(user=user, name="export")
    assert "name" in error.value.message_dict


def test_a_revoked_tokens_name_can_be_used_again():
    user = AgentFactory()
    old, _ = api_token_create(user=user, name="export")
    api_token_revoke(token=old)

    new, _ = api_token_create(user=user, name="export")

    assert new.pk != old.pk


def test_two_people_may_name_their_tokens_alike():
    api_token_create(user=AgentFactory(), name="export")
    api_token_create(user=AgentFactory(), name="export")

    assert ApiToken.objects.count() == 2


# --- Authentication -----------------------------------------------------------------------


def test_a_token_signs_its_owner_in(api):
    user = AgentFactory(email="ada@example.com")
    _, secret = api_token_create(user=user, name="export")

    response = api.get("/api/me/", **_bearer(secret))

    assert response.status_code == 200
    assert response.json()["email"] == "ada@example.com"


def test_a_revoked_token_is_refused_with_401(api):
    token, secret = api_token_create(user=AgentFactory(), name="export")
    api_token_revoke(token=token)

    response = api.get("/api/me/", **_bearer(secret))

    assert response.status_code == 401
    assert response.json()["detail"] == "This API token was revoked."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_refused_with_401(api):
    _, secret = api_token_create(user=AgentFactory(), name="export")

    response = api.get("/api/me/", **_bearer(secret[:-4] + "AAAA"))

    assert response.status_code == 401


def test_a_deactivated_persons_token_is_refused(api):
    user = AgentFactory()
    _, secret = api_token_create(user=user, name="export")
    user.is_active = False
    user.save()

    assert api.get("/api/me/", **_bearer(secret)).status_code == 401


def test_anonymous_requests_still_get_403(api):
    assert api.get("/api/me/").status_code == 403


def test_last_used_is_written_at_most_once_a_minute(api):
    token, secret = api_token_create(user=AgentFactory(), name="export")
    with time_machine.travel(START, tick=False) as traveller:
        api.get("/api/me/", **_bearer(secret))
        traveller.shift(datetime.timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            api.get("/api/me/", **_bearer(secret))
        token.refresh_from_db()
        assert token.last_used_at == START
        assert not [q for q in queries if q["sql"].startswith("UPDATE")]

        traveller.shift(datetime.timedelta(seconds=31))
        api.get("/api/me/", **_bearer(secret))
        token.refresh_from_db()
        assert token.last_used_at == START + datetime.timedelta(seconds=61)


# --- API endpoints ------------------------------------------------------------------------


def test_creating_a_token_answers_its_secret_once(agent_api, api):
    created = agent_api.post("/api/me/tokens/", {"name": "export"}, format="json")
    listed = agent_api.get("/api/me/tokens/")

    assert created.status_code == 201
    assert created.json()["token"].startswith(created.json()["prefix"])
    assert listed.json() == [{k: v for k, v in created.json().items() if k != "token"}]
    assert api.get("/api/me/", **_bearer(created.json()["token"])).status_code == 200


def test_a_duplicate_name_is_a_400_naming_the_field(agent_api):
    agent_api.post("/api/me/tokens/", {"name": "export"}, format="json")

    response = agent_api.post("/api/me/tokens/", {"name": "export"}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()


def test_people_list_only_their_own_live_tokens(agent_api):
    api_token_create(user=agent_api.user, name="mine")
    revoked, _ = api_token_create(user=agent_api.user, name="old")
    api_token_revoke(token=revoked)
    api_token_create(user=AgentFactory(), name="theirs")

    names = [row["name"] for row in agent_api.get("/api/me/tokens/").json()]

    assert names == ["mine"]


def test_listing_tokens_is_one_query(agent_api, django_assert_num_queries):
    for number in range(5):
        api_token_create(user=agent_api.user, name=f"script {number}")

    # 1: the person's live tokens (no pagination count, nothing joined).
    with django_assert_num_queries(1):
        response = agent_api.get("/api/me/tokens/")

    assert len(response.json()) == 5


def test_a_token_request_costs_one_query_to_authenticate(api, django_assert_num_queries):
    _, secret = api_token_create(user=AgentFactory(), name="export")
    api.get("/api/me/", **_bearer(secret))

    # 1: the token and its owner, by prefix. last_used_at was written a moment ago.
    with django_assert_num_queries(1):
        api.get("/api/me/", **_bearer(secret))


def test_revoking_my_token_through_the_api(agent_api, api):
    token, secret = api_token_create(user=agent_api.user, name="export")

    response = agent_api.post(f"/api/me/tokens/{token.pk}/revoke/")

    assert response.status_code == 204
    assert api.get("/api/me/", **_bearer(secret)).status_code == 401


def test_nobody_revokes_someone_elses_token_through_the_api(agent_api, api):
    token, secret = api_token_create(user=AgentFactory(), name="export")

    response = agent_api.post(f"/api/me/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert api.get("/api/me/", **_bearer(secret)).status_code == 200


def test_a_token_can_manage_tokens(api):
    _, secret = api_token_create(user=AgentFactory(), name="script")

    response = api.post("/api/me/tokens/", {"name": "second"}, format="json", **_bearer(secret))

    assert response.status_code == 201


def test_the_schema_documents_the_bearer_scheme(manager_api):
    schema = manager_api.get("/api/schema/", {"format": "json"}).json()

    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiToken"]["description"],
    }
    assert schema["components"]["securitySchemes"]["basicAuth"] == {
        "type": "http",
        "scheme": "basic",
    }
    assert "/api/me/tokens/{id}/revoke/" in schema["paths"]


# --- Pages --------------------------------------------------------------------------------


def test_the_page_creates_a_token_and_shows_its_secret_once(client):
    user = AgentFactory()
    client.force_login(user)

    created = client.post("/account/tokens/", {"name": "nightly export"})
    secret = created.context["secret"]
    later = client.get("/account/tokens/")

    assert secret in created.content.decode()
    assert created["Cache-Control"] == "no-store"
    assert secret not in later.content.decode()
    assert "nightly export" in later.content.decode()
    assert ApiToken.objects.get().secret_hash == api_token_hash(secret)


def test_the_page_lists_only_my_tokens(client):
    user = AgentFactory()
    api_token_create(user=user, name="mine")
    api_token_create(user=AgentFactory(), name="theirs")
    client.force_login(user)

    page = client.get("/account/tokens/").content.decode()

    assert "mine" in page
    assert "theirs" not in page


def test_the_page_says_when_a_name_is_taken(client):
    user = AgentFactory()
    api_token_create(user=user, name="export")
    client.force_login(user)

    response = client.post("/account/tokens/", {"name": "export"})

    assert "You already have a token with this name." in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_revoking_my_token_on_the_page(client):
    user = AgentFactory()
    token, _ = api_token_create(user=user, name="export")
    client.force_login(user)

    response = client.post(f"/account/tokens/{token.pk}/revoke/")

    token.refresh_from_db()
    assert response.url == "/account/tokens/"
    assert token.revoked_at is not None


def test_user_b_cannot_revoke_user_as_token_on_the_page(client):
    token, _ = api_token_create(user=AgentFactory(), name="export")
    client.force_login(AgentFactory())

    response = client.post(f"/account/tokens/{token.pk}/revoke/")

    token.refresh_from_db()
    assert response.status_code == 404
    assert token.revoked_at is None


def test_revoking_needs_a_post(client):
    user = AgentFactory()
    token, _ = api_token_create(user=user, name="export")
    client.force_login(user)

    assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 405


def test_revoking_needs_the_csrf_token(client):
    user = AgentFactory()
    token, _ = api_token_create(user=user, name="export")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)

    assert strict.post(f"/account/tokens/{token.pk}/revoke/").status_code == 403


def test_the_page_asks_strangers_to_sign_in(client):
    assert client.get("/account/tokens/").url.startswith("/accounts/login/")


def test_the_navigation_links_to_the_tokens_page(client):
    client.force_login(AgentFactory())

    assert 'href="/account/tokens/"' in client.get("/plan/").content.decode()


# --- Admin --------------------------------------------------------------------------------


def test_the_admin_lists_tokens_without_any_secret(client):
    token, secret = api_token_create(user=AgentFactory(), name="export")
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))

    listing = client.get("/admin/accounts/apitoken/").content.decode()
    detail = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()

    assert "export" in listing
    for page in (listing, detail):
        assert secret not in page
        assert token.secret_hash not in page


def test_a_superuser_revokes_tokens_in_the_admin(client):
    token, _ = api_token_create(user=AgentFactory(), name="export")
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))

    client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None


def test_staff_who_are_not_superusers_cannot_revoke_in_the_admin(client):
    token, _ = api_token_create(user=AgentFactory(), name="export")
    staff = ManagerFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    client.force_login(staff)

    listing = client.get("/admin/accounts/apitoken/")
    revoking = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )

    token.refresh_from_db()
    # Credentials are for superusers only in the admin, whatever a permission grants.
    assert (listing.status_code, revoking.status_code) == (403, 403)
    assert token.revoked_at is None
