"""Error pages, the favicon and the admin's name: the site's own layout, a way back."""

import pytest

from accounts.models import ReminderSwitch
from tests.factories import AgentFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_forbidden_page_is_in_the_layout_with_the_navigation_and_a_way_back(client):
    client.force_login(ManagerFactory())

    response = client.get("/plan/")

    page = response.content.decode()
    assert response.status_code == 403
    assert 'aria-label="Main"' in page
    assert 'href="/cohorts/"' in page  # the manager's own navigation
    assert "“My plan” is for agents." in page  # why
    assert "Back to your start page" in page


def test_a_missing_page_is_in_the_layout_with_the_navigation(client):
    client.force_login(AgentFactory())

    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert 'href="/plan/"' in page
    assert 'rel="icon"' in page


def test_a_stranger_on_a_missing_page_is_offered_the_sign_in_page(client):
    page = client.get("/badges/no-such-badge/").content.decode()

    assert "Go to the sign-in page" in page
    assert 'aria-label="Main"' not in page


def test_a_server_error_page_renders_without_a_request_context(rf):
    from config.views import server_error

    response = server_error(rf.get("/cohorts/"))

    assert response.status_code == 500
    assert b"Server error" in response.content
    assert b"Go to the sign-in page" in response.content


def test_api_errors_stay_json(client):
    response = client.get("/api/no-such-endpoint/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response.url.endswith("attune/favicon.svg")


def test_the_admin_is_branded_attune(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get("/admin/").content.decode()

    assert "Attune administration" in page
    assert "Django administration" not in page
    assert "attune/favicon.svg" in page


def test_every_reminder_switch_checkbox_in_the_admin_list_has_a_name(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for kind in ReminderSwitch._meta.get_field("kind").choices[:3]:
        ReminderSwitch.objects.get_or_create(kind=kind[0])

    page = client.get("/admin/accounts/reminderswitch/").content.decode()

    switches = ReminderSwitch.objects.count()
    assert switches >= 3
    assert page.count('aria-label="Create ') == switches
    assert page.count('aria-label="Send ') == switches
