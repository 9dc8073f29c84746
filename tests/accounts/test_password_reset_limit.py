"""Password-reset requests are rate limited per address and per e-mail address."""

import pytest
from django.core import mail

from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def _request_reset(client, email, ip="127.0.0.1"):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=ip)


def test_three_requests_for_one_address_send_three_links_and_the_fourth_sends_none(client):
    AgentFactory(email="ada@example.com")
    for _ in range(3):
        _request_reset(client, "ada@example.com")

    fourth = _request_reset(client, "ada@example.com")

    assert len(mail.outbox) == 3
    # The answer does not change: it never says whether the limit was reached.
    assert fourth.status_code == 302
    assert fourth.url == "/accounts/password_reset/done/"


def test_the_limit_per_e_mail_address_holds_from_any_address(client):
    AgentFactory(email="ada@example.com")
    for number in range(5):
        _request_reset(client, "Ada@example.com", ip=f"10.0.0.{number}")

    assert len(mail.outbox) == 3


def test_one_address_may_ask_ten_times_in_an_hour(client):
    emails = [f"person{n}@example.com" for n in range(12)]
    for email in emails:
        AgentFactory(email=email)
    for email in emails:
        _request_reset(client, email)

    assert len(mail.outbox) == 10


def test_an_unknown_address_is_answered_like_a_known_one(client):
    response = _request_reset(client, "nobody@example.com")

    assert response.url == "/accounts/password_reset/done/"
    assert mail.outbox == []
