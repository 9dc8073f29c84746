"""The badge in the helpdesk: an agent's private, revocable link to a status document and
an SVG badge that tell the truth within a minute (issue #19)."""

import datetime
import re

import pytest
import time_machine
from auditlog.models import LogEntry

from certification import badge_links, services
from certification.models import BadgeLink
from tests.certification.conftest import NOW, meet_the_gate
from tests.factories import (
    AgentFactory,
    CoachFactory,
    EnrollmentFactory,
    HRFactory,
    ManagerFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def certified(enrollment, scenario, assessor, django_capture_on_commit_callbacks):
    enrollment.agent.display_name = "Ben Agent"
    enrollment.agent.time_zone = "Europe/Berlin"
    enrollment.agent.save()
    meet_the_gate(enrollment, scenario, assessor)
    with django_capture_on_commit_callbacks(execute=True):
        return services.certification_evaluate(enrollment=enrollment, now=NOW)


@pytest.fixture
def agent(certified):
    return certified.agent


@pytest.fixture
def link(agent):
    return badge_links.badge_link_create(agent=agent)


def _paths(link):
    urls = badge_links.badge_link_urls(link)
    return {kind: re.sub(r"^https?://[^/]+", "", url) for kind, url in urls.items()}


def _svg(client, link):
    return client.get(_paths(link)["svg"])


def _status(client, link):
    return client.get(_paths(link)["json"])


# --- The public addresses ------------------------------------------------------------------


def test_the_status_document_says_who_is_certified_until_when_and_nothing_else(
    client, certified, link
):
    response = _status(client, link)

    assert response.status_code == 200
    assert response.json() == {
        "name": "Ben Agent",
        "certified": True,
        "status": "valid",
        "valid_until": certified.expires_at.isoformat(),
        "program": certified.program.name,
        "checked_at": NOW.isoformat(),
    }


def test_the_svg_says_certified_until_the_date_in_the_agents_zone(client, certified, link):
    response = _svg(client, link)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    local = certified.expires_at.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    assert f"Empathy certified until {local.day} {local:%b %Y}" in response.content.decode()


def test_both_may_be_cached_for_a_minute_at_most_and_shown_anywhere(client, link):
    for response in (_svg(client, link), _status(client, link)):
        assert "max-age=60" in response["Cache-Control"]
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Set-Cookie" not in response


def test_revoking_the_certification_empties_the_badge_at_once(client, certified, link):
    before = _svg(client, link).content
    services.certification_revoke(decision=certified, by=ManagerFactory(), reason="Copied.")

    after = _svg(client, link)
    status = _status(client, link).json()

    assert b"Empathy certified" in before
    assert after.status_code == 200
    assert after.content.decode() == badge_links.NEUTRAL_SVG
    assert status["certified"] is False
    assert status["status"] == "revoked"
    assert status["valid_until"] is None


def test_an_expired_certification_shows_nothing(client, certified, link):
    with time_machine.travel(certified.expires_at + DAY, tick=False):
        svg = _svg(client, link).content.decode()
        status = _status(client, link).json()

    assert svg == badge_links.NEUTRAL_SVG
    assert (status["certified"], status["status"]) == (False, "expired")


def test_an_agent_without_a_certification_has_a_neutral_badge(client, db):
    link = badge_links.badge_link_create(agent=AgentFactory())

    assert _svg(client, link).content.decode() == badge_links.NEUTRAL_SVG
    assert _status(client, link).json()["status"] == "none"


def test_a_revoked_link_answers_like_an_unknown_one(client, agent, link):
    paths = _paths(link)
    badge_links.badge_link_revoke(link=link, by=agent)

    svg = client.get(paths["svg"])
    status = client.get(paths["json"])
    unknown = client.get("/badges/helpdesk/" + "0" * 64 + "/status.json")

    assert svg.status_code == 404
    assert svg.content.decode() == badge_links.NEUTRAL_SVG
    assert status.status_code == 404
    assert status.json() == unknown.json() == {"detail": "No such badge link."}


def test_public_addresses_need_no_sign_in_and_no_csrf_token(client, link):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    assert strict.get(_paths(link)["svg"]).status_code == 200
    assert strict.post(_paths(link)["svg"]).status_code == 405


def test_the_secret_is_not_stored(agent, link):
    token = _paths(link)["svg"].split("/")[3]

    assert len(token) == 64
    row = BadgeLink.objects.filter(pk=link.pk).values().get()
    assert token not in {str(value) for value in row.values()}
    assert row["token_digest"] != token


def test_replacing_the_link_stops_the_old_one(client, agent, link):
    old = _paths(link)

    new = badge_links.badge_link_create(agent=agent)

    assert client.get(old["svg"]).status_code == 404
    assert _svg(client, new).status_code == 200
    assert BadgeLink.objects.filter(agent=agent, revoked_at__isnull=True).get() == new
    assert old["svg"] != _paths(new)["svg"]


def test_only_agents_have_a_link(db):
    with pytest.raises(Exception, match="Only agents"):
        badge_links.badge_link_create(agent=CoachFactory())


# --- The agent's plan ----------------------------------------------------------------------


def _badge_section(client, agent) -> str:
    client.force_login(agent)
    page = client.get("/plan/").content.decode()
    start = page.index('id="helpdesk-badge"')
    return page[start : page.index("</section>", start)]


def test_the_agent_creates_copies_replaces_and_revokes_on_the_plan(client, agent):
    assert "Create my helpdesk badge link" in _badge_section(client, agent)

    client.post("/plan/badge-link/")
    link = BadgeLink.objects.get(agent=agent)
    section = _badge_section(client, agent)
    assert badge_links.badge_link_urls(link)["svg"] in section
    assert badge_links.badge_link_urls(link)["json"] in section
    assert 'data-copy="helpdesk-badge-svg"' in section

    assert "stops working at once" in client.get("/plan/badge-link/").content.decode()
    client.post("/plan/badge-link/")
    link.refresh_from_db()
    replacement = BadgeLink.objects.get(agent=agent, revoked_at__isnull=True)
    assert link.revoked_at is not None

    assert client.get(f"/badge-links/{replacement.pk}/revoke/").status_code == 200
    response = client.post(f"/badge-links/{replacement.pk}/revoke/")
    assert response.status_code == 302
    assert not BadgeLink.objects.filter(agent=agent, revoked_at__isnull=True).exists()
    assert "Create my helpdesk badge link" in _badge_section(client, agent)


def test_another_agent_cannot_revoke_the_link(client, link):
    client.force_login(AgentFactory())

    assert client.post(f"/badge-links/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.mark.parametrize("factory", [CoachFactory, HRFactory])
def test_coaches_and_hr_cannot_revoke_or_make_links(client, link, factory):
    client.force_login(factory())

    assert client.post(f"/badge-links/{link.pk}/revoke/").status_code == 403
    assert client.post("/plan/badge-link/").status_code == 403
    assert client.get("/badge-links/").status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


# --- A manager in scope --------------------------------------------------------------------


def test_a_manager_in_scope_lists_and_revokes_an_agents_link(client, facilitator, link):
    client.force_login(facilitator)

    listing = client.get("/badge-links/").content.decode()
    response = client.post(f"/badge-links/{link.pk}/revoke/")

    assert "Ben Agent" in listing
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link.revoked_by == facilitator


def test_a_manager_out_of_scope_sees_no_link(client, link):
    outsider = ManagerFactory()
    client.force_login(outsider)

    assert "Ben Agent" not in client.get("/badge-links/").content.decode()
    assert client.post(f"/badge-links/{link.pk}/revoke/").status_code == 404
    with pytest.raises(Exception, match="Only the agent"):
        badge_links.badge_link_revoke(link=link, by=outsider)
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_managers_list_takes_a_fixed_number_of_queries(
    client, facilitator, cohort, django_assert_max_num_queries
):
    for _ in range(5):
        badge_links.badge_link_create(agent=EnrollmentFactory(cohort=cohort).agent)
    client.force_login(facilitator)

    # session, user, links of the scope with their agents, the menu's unread count
    with django_assert_max_num_queries(6):
        assert client.get("/badge-links/").status_code == 200


def test_revocation_is_in_the_audit_trail_without_the_secret(facilitator, link):
    badge_links.badge_link_revoke(link=link, by=facilitator)

    entries = LogEntry.objects.get_for_object(link)
    assert entries.count() == 2  # made, then revoked
    for entry in entries:
        assert "salt" not in entry.changes_dict
        assert "token_digest" not in entry.changes_dict


def test_revoking_twice_changes_nothing(agent, link):
    first = badge_links.badge_link_revoke(link=link, by=agent)
    second = badge_links.badge_link_revoke(link=link, by=agent)

    assert first.revoked_at == second.revoked_at


def test_a_managers_links_page_in_pages_of_fifty_by_name(client, facilitator, link):
    from certification.badge_link_views import LINKS_PER_PAGE

    team = TeamFactory(name="Many")
    team.managers.add(facilitator)
    for n in range(LINKS_PER_PAGE + 3):
        badge_links.badge_link_create(agent=AgentFactory(team=team, display_name=f"Zed {n:02}"))
    client.force_login(facilitator)

    first = client.get("/badge-links/").content.decode()
    last = client.get("/badge-links/?page=2").content.decode()

    assert f"Live links ({LINKS_PER_PAGE + 4})" in first
    assert "Ben Agent" in first  # by name: Ben first
    assert "Ben Agent" not in last
    assert "Zed 52" in last
    assert "Zed 52" not in first
    assert 'rel="next">Next</a>' in first
    assert 'rel="prev">Previous</a>' in last
