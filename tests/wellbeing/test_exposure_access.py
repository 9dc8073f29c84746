"""Who sees exposure and recovery: a manager their own agents one by one; HR teams by week,
every cell of 5 agents or more; agents and coaches neither; nobody another manager's
agents."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.models import Intensity
from tests.clients import api_as
from tests.factories import (
    AgentFactory,
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    HRFactory,
    InteractionFactory,
    ManagerFactory,
    TeamFactory,
)
from wellbeing.models import RotationAdvisory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 12, 18, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def high(agent, hours_ago: int, **kwargs):
    return InteractionFactory(
        agent=agent,
        intensity=Intensity.HIGH,
        intensity_reason="escalated",
        occurred_at=NOW - datetime.timedelta(hours=hours_ago),
        **kwargs,
    )


@pytest.fixture
def teams():
    """Mia manages a cohort with Ana (team Blue); Max manages team Red's Rex."""
    mia, max_ = ManagerFactory(), ManagerFactory()
    ana = AgentFactory(team=TeamFactory(name="Blue"), display_name="Ana Agent")
    EnrollmentFactory(agent=ana, cohort=CohortFactory(facilitators=[mia]))
    red = TeamFactory(name="Red")
    red.managers.add(max_)
    rex = AgentFactory(team=red, display_name="Rex Redteam")
    high(ana, 5, account="ACME", escalated=True)
    InteractionFactory(agent=ana, occurred_at=NOW - datetime.timedelta(hours=5, minutes=-3))
    high(rex, 5)
    return {"mia": mia, "max": max_, "ana": ana, "rex": rex}


def test_a_manager_sees_their_own_agents_figures_on_the_page_and_the_api(client, teams):
    client.force_login(teams["mia"])

    page = client.get(reverse("web:exposure")).content.decode()
    data = api_as(teams["mia"]).get("/api/wellbeing/exposure/").data

    assert "Ana Agent" in page
    assert "Rex Redteam" not in page
    (row,) = data["agents"]
    assert row["name"] == "Ana Agent"
    assert row["high_intensity"]["total"] == 1
    assert row["recovery"] == {"gaps": 1, "under_10_minutes": 1, "median_gap_minutes": 3.0}


@pytest.mark.parametrize("factory", [AgentFactory, CoachFactory, HRFactory])
def test_agents_coaches_and_hr_may_not_see_individuals(client, teams, factory):
    user = factory()
    client.force_login(user)

    assert client.get(reverse("web:exposure")).status_code == 403
    assert api_as(user).get("/api/wellbeing/exposure/").status_code == 403


def test_the_agent_whose_figures_they_are_may_not_see_them_either(client, teams):
    client.force_login(teams["ana"])

    assert client.get(reverse("web:exposure")).status_code == 403
    assert client.get(reverse("web:exposure-teams")).status_code == 403
    assert api_as(teams["ana"]).get("/api/wellbeing/exposure/teams/").status_code == 403


def test_another_managers_advisory_and_interactions_are_not_found(client, teams):
    advisory = RotationAdvisory.objects.create(
        agent=teams["ana"],
        account="ACME",
        streak_start=teams["ana"].interactions.first(),
        escalations=5,
    )
    interaction = teams["ana"].interactions.filter(intensity=Intensity.HIGH).get()
    client.force_login(teams["max"])

    assert client.get(reverse("web:rotation-advisory", args=[advisory.pk])).status_code == 404
    url = reverse("web:interaction-intensity", args=[interaction.pk])
    assert client.get(url).status_code == 404
    client.force_login(teams["mia"])
    page = client.get(reverse("web:rotation-advisory", args=[advisory.pk]))
    assert page.status_code == 200
    assert "Rotate ACME" in page.content.decode()


@pytest.mark.parametrize("factory", [AgentFactory, CoachFactory, HRFactory])
def test_nobody_but_managers_opens_an_advisory(client, teams, factory):
    advisory = RotationAdvisory.objects.create(
        agent=teams["ana"],
        account="ACME",
        streak_start=teams["ana"].interactions.first(),
        escalations=5,
    )
    client.force_login(factory())

    assert client.get(reverse("web:rotation-advisory", args=[advisory.pk])).status_code == 403


def _team_of(size: int, name: str):
    team = TeamFactory(name=name)
    agents = [AgentFactory(team=team) for _ in range(size)]
    for agent in agents:
        high(agent, 30)
        InteractionFactory(agent=agent, occurred_at=NOW - datetime.timedelta(hours=29, minutes=50))
    return agents


def test_hr_sees_teams_by_week_and_every_cell_under_5_agents_is_withheld(client):
    five = _team_of(5, "Five")
    _team_of(4, "Four")
    hr = HRFactory()
    client.force_login(hr)

    data = api_as(hr).get("/api/wellbeing/exposure/teams/").data
    page = client.get(reverse("web:exposure-teams")).content.decode()

    rows = {row["team"]: row for row in data["rows"]}
    assert rows["Five"]["agents"] == 5
    assert rows["Five"]["high_intensity_contacts"] == 5
    assert rows["Five"]["no_recovery_share"] == 0.0  # each gap was 10 minutes: recovery
    withheld = {key: value for key, value in rows["Four"].items() if key not in ("team", "week")}
    assert set(withheld.values()) == {None}
    assert any("Four" in note and "fewer than 5" in note for note in data["notes"])
    for agent in five:
        assert agent.email not in page
        assert agent.email not in str(data)


def test_recovery_cells_need_5_agents_with_a_gap_of_their_own(client):
    agents = _team_of(5, "Five")
    agents[0].interactions.exclude(intensity="high").delete()  # no contact after the high one

    data = api_as(HRFactory()).get("/api/wellbeing/exposure/teams/").data

    (row,) = data["rows"]
    assert row["agents"] == 5
    assert (row["recovery_gaps"], row["no_recovery_share"]) == (None, None)


def test_the_api_takes_as_many_queries_for_one_agent_as_for_many(teams):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert api_as(teams["mia"]).get("/api/wellbeing/exposure/").status_code == 200
        return len(context)

    one = queries()
    cohort = teams["ana"].enrollments.get().cohort
    for _ in range(4):
        agent = AgentFactory(team=teams["ana"].team)
        EnrollmentFactory(agent=agent, cohort=cohort)
        high(agent, 3, account="ACME", escalated=True)

    assert queries() == one


def test_a_manager_reads_team_exposure_of_their_own_agents_only(client):
    five = _team_of(5, "Five")
    _team_of(5, "Other")
    manager = ManagerFactory()
    five[0].team.managers.add(manager)
    client.force_login(manager)

    data = api_as(manager).get("/api/wellbeing/exposure/teams/").data
    page = client.get(reverse("web:exposure-teams")).content.decode()

    assert {row["team"] for row in data["rows"]} == {"Five"}
    assert "Other" not in page


def _mixed_team(per_zone: int) -> None:
    """Agents of one team in Auckland and Los Angeles, each with a high-intensity contact
    at 20:00 UTC on 8 March 2026: Monday morning in Auckland (ISO week 11), Sunday noon in
    Los Angeles (week 10), the day the United States moved its clocks forward."""
    team = TeamFactory(name="Mixed")
    moment = datetime.datetime(2026, 3, 8, 20, tzinfo=datetime.UTC)
    for zone in ("Pacific/Auckland", "America/Los_Angeles"):
        for _ in range(per_zone):
            agent = AgentFactory(team=team, time_zone=zone)
            InteractionFactory(agent=agent, intensity=Intensity.HIGH, occurred_at=moment)
            InteractionFactory(agent=agent, occurred_at=moment + datetime.timedelta(minutes=30))


def test_hr_cells_put_each_agent_in_their_own_week_across_a_dst_change():
    _mixed_team(5)

    data = api_as(HRFactory()).get("/api/wellbeing/exposure/teams/").data

    cells = {row["week"]: row for row in data["rows"]}
    assert set(cells) == {"2026-W10", "2026-W11"}
    for week in ("2026-W10", "2026-W11"):
        assert cells[week]["agents"] == 5
        assert cells[week]["high_intensity_contacts"] == 5
        assert cells[week]["recovery_gaps"] == 5
        assert cells[week]["no_recovery_share"] == 0.0  # 30 minutes: recovered


def test_hr_team_figures_take_as_many_queries_for_many_agents_as_for_few():
    hr = HRFactory()

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert api_as(hr).get("/api/wellbeing/exposure/teams/").status_code == 200
        return len(context)

    _mixed_team(1)
    few = queries()
    _mixed_team(6)

    assert queries() == few
