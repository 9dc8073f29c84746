import pytest
from django.core import mail

from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "target"),
    [(AgentFactory, "/plan/"), (ManagerFactory, "/cohorts/"), (HRFactory, "/insights/")],
)
def test_home_sends_each_role_to_its_page(client, factory, target):
    client.force_login(factory())

    assert client.get("/").url == target


def test_home_asks_strangers_to_sign_in(client):
    assert client.get("/").url.startswith("/accounts/login/")


def test_coaches_land_on_their_review_queue(client):
    client.force_login(CoachFactory())

    assert client.get("/").url == "/reviews/"


def test_signing_in_with_the_form(client):
    AgentFactory(email="ada@example.com")

    page = client.get("/accounts/login/").content.decode()
    response = client.post(
        "/accounts/login/", {"username": "ada@example.com", "password": "pw"}, follow=True
    )

    assert '<label for="id_username">E-mail address</label>' in page
    assert response.redirect_chain[-1][0] == "/plan/"


def test_a_wrong_password_says_so(client):
    AgentFactory(email="ada@example.com")

    response = client.post("/accounts/login/", {"username": "ada@example.com", "password": "x"})

    assert "did not match" in response.content.decode()


def test_password_reset_sends_a_link(client):
    AgentFactory(email="ada@example.com")

    client.post("/accounts/password_reset/", {"email": "ada@example.com"})

    assert mail.outbox[0].to == ["ada@example.com"]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_navigation_shows_only_what_the_role_may_see(client):
    client.force_login(AgentFactory())

    page = client.get("/plan/").content.decode()

    assert 'href="/plan/"' in page
    assert 'href="/cohorts/"' not in page
    assert 'href="/insights/"' not in page


def test_signing_out(client):
    client.force_login(AgentFactory())

    response = client.post("/accounts/logout/")

    assert response.url == "/accounts/login/"
    assert client.get("/plan/").status_code == 302


def test_an_agent_plan_lists_nothing_before_enrolment(client):
    client.force_login(AgentFactory())

    page = client.get("/plan/").content.decode()

    assert "not in a running program yet" in page


def test_other_roles_cannot_open_the_plan(client):
    client.force_login(HRFactory())

    assert client.get("/plan/").status_code == 403
