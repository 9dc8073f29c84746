"""The helpdesk badge links through the API: the agent's own, a manager's agents', and
nobody else's (issue #19)."""

from urllib.parse import urlsplit

import pytest

from certification import badge_links
from certification.models import BadgeLink
from tests.clients import api_as
from tests.factories import AgentFactory, CoachFactory, HRFactory, ManagerFactory, TeamFactory

pytestmark = pytest.mark.django_db
URL = "/api/badge-links/"


@pytest.fixture
def team():
    return TeamFactory(name="Billing")


@pytest.fixture
def manager(team):
    manager = ManagerFactory()
    team.managers.add(manager)
    return manager


@pytest.fixture
def agent(team):
    return AgentFactory(team=team, display_name="Ada Agent")


def test_an_agent_makes_their_link_and_alone_sees_its_addresses(agent, manager, client):
    response = api_as(agent).post(URL)

    assert response.status_code == 201, response.data
    link = BadgeLink.objects.get(agent=agent)
    assert response.data["live"] is True
    assert response.data["svg"] == badge_links.badge_link_urls(link)["svg"]
    assert response.data["json"].endswith("/status.json")
    assert client.get(urlsplit(response.data["json"]).path).status_code == 200
    seen_by_manager = api_as(manager).get(f"{URL}{link.pk}/").data
    assert seen_by_manager["agent_name"] == "Ada Agent"
    assert (seen_by_manager["svg"], seen_by_manager["json"]) == (None, None)


def test_each_listed_link_signs_its_addresses_once(agent, monkeypatch):
    api_as(agent).post(URL)
    api_as(agent).post(URL)  # the first is revoked: it shows no addresses
    signed = []
    original = badge_links.badge_link_urls
    monkeypatch.setattr(
        badge_links, "badge_link_urls", lambda link: signed.append(link.pk) or original(link)
    )

    rows = api_as(agent).get(URL).data["results"]

    live = [row for row in rows if row["live"]]
    assert len(rows) == 2
    assert live[0]["svg"].startswith("http")
    assert live[0]["json"].endswith("/status.json")
    assert signed == [live[0]["id"]]


def test_making_a_link_again_replaces_the_live_one(agent):
    first = api_as(agent).post(URL).data

    second = api_as(agent).post(URL).data

    assert first["id"] != second["id"]
    assert BadgeLink.objects.get(pk=first["id"]).revoked_at is not None
    assert badge_links.badge_link_live(agent=agent).pk == second["id"]
    listed = api_as(agent).get(f"{URL}?live=true").data["results"]
    assert [row["id"] for row in listed] == [second["id"]]


def test_the_agent_revokes_their_link_and_its_addresses_stop_answering(agent, client):
    made = api_as(agent).post(URL).data
    svg_path = urlsplit(made["svg"]).path
    assert client.get(svg_path).status_code == 200

    response = api_as(agent).post(f"{URL}{made['id']}/revoke/")

    assert response.status_code == 200
    assert response.data["live"] is False
    assert response.data["svg"] is None
    assert client.get(svg_path).status_code == 404
    again = api_as(agent).post(f"{URL}{made['id']}/revoke/")
    assert again.status_code == 200
    assert again.data["revoked_at"] == response.data["revoked_at"]  # unchanged


def test_a_manager_lists_and_revokes_their_agents_links_but_makes_none(agent, manager):
    link = badge_links.badge_link_create(agent=agent)
    elsewhere = badge_links.badge_link_create(agent=AgentFactory(team=TeamFactory(name="Chat")))
    client = api_as(manager)

    listed = client.get(URL).data["results"]
    revoked = client.post(f"{URL}{link.pk}/revoke/")

    assert [row["id"] for row in listed] == [link.pk]
    assert revoked.status_code == 200
    link.refresh_from_db()
    assert link.revoked_by == manager
    assert client.get(f"{URL}{elsewhere.pk}/").status_code == 404
    assert client.post(f"{URL}{elsewhere.pk}/revoke/").status_code == 404
    assert client.post(URL).status_code == 403
    elsewhere.refresh_from_db()
    assert elsewhere.revoked_at is None


def test_another_agent_reads_and_revokes_nothing_of_theirs(agent):
    link = badge_links.badge_link_create(agent=agent)
    other = api_as(AgentFactory(team=agent.team))

    assert other.get(URL).data["results"] == []
    assert other.get(f"{URL}{link.pk}/").status_code == 404
    assert other.post(f"{URL}{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.mark.parametrize("role", [CoachFactory, HRFactory])
def test_coaches_and_hr_have_no_badge_links(agent, role):
    link = badge_links.badge_link_create(agent=agent)
    client = api_as(role())

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{link.pk}/").status_code == 403
    assert client.post(f"{URL}{link.pk}/revoke/").status_code == 403
    assert client.post(URL).status_code == 403


def test_the_list_is_two_queries_however_many_links(manager, team, django_assert_num_queries):
    for _ in range(6):
        badge_links.badge_link_create(agent=AgentFactory(team=team))
    client = api_as(manager)

    # the page's count, the page's links with their agents
    with django_assert_num_queries(2):
        response = client.get(URL)

    assert response.data["count"] == 6
