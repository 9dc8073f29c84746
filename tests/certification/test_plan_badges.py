"""The agent's plan says where each badge stands: valid until, expiring soon (recertify
now), expired (how to recertify), revoked."""

import datetime

import pytest
import time_machine

from certification import services
from tests.certification.conftest import NOW, meet_the_gate

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def certified(enrollment, scenario, assessor, django_capture_on_commit_callbacks):
    meet_the_gate(enrollment, scenario, assessor)
    with django_capture_on_commit_callbacks(execute=True):  # the badge is awarded on commit
        return services.certification_evaluate(enrollment=enrollment, now=NOW)


def _badges_card(client, agent, moment) -> str:
    with time_machine.travel(moment, tick=False):
        client.force_login(agent)
        page = client.get("/plan/").content.decode()
    start = page.index('id="badges"')
    return page[start : page.index("</section>", start)]


def test_a_fresh_badge_says_until_when_it_is_valid(client, certified):
    card = _badges_card(client, certified.agent, NOW + 10 * DAY)

    assert "Valid" in card
    assert f"until {certified.expires_at:%-d %B %Y}" in card
    assert "recertify" not in card


def test_a_badge_in_its_last_90_days_asks_to_recertify_now(client, certified):
    card = _badges_card(client, certified.agent, certified.expires_at - 30 * DAY)

    assert "Expires soon" in card
    assert "recertify now with new assessed interactions and a new live role-play" in card


def test_an_expired_badge_says_so_and_how_to_recertify(client, certified):
    card = _badges_card(client, certified.agent, certified.expires_at + DAY)

    assert "Expired" in card
    assert "Revoked" not in card
    assert "to recertify, you need new assessed interactions" in card


def test_a_revoked_badge_reads_revoked(client, certified, facilitator):
    services.certification_revoke(decision=certified, by=facilitator, reason="Copied answers")

    card = _badges_card(client, certified.agent, NOW + 10 * DAY)

    assert "Revoked" in card
    assert "Valid" not in card
