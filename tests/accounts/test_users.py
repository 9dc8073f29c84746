import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import Team, User
from tests.factories import (
    AgentFactory,
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    HRFactory,
    ManagerFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_stored_lowercase():
    user = User.objects.create_user("Ada.Agent@Example.COM", password="pw")

    assert user.email == "ada.agent@example.com"
    assert user.role == User.Role.AGENT
    assert user.check_password("pw")


def test_time_zone_must_be_a_real_zone():
    user = AgentFactory.build(time_zone="Mars/Olympus")

    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()

    assert "time_zone" in excinfo.value.message_dict


def test_me_returns_my_profile(agent_api):
    response = agent_api.get("/api/me/")

    assert response.json()["email"] == agent_api.user.email
    assert response.json()["role"] == "agent"


def test_anonymous_has_no_profile(api):
    assert api.get("/api/me/").status_code in (401, 403)


@pytest.mark.parametrize("client_fixture", ["agent_api", "coach_api", "hr_api"])
def test_only_managers_list_people(request, client_fixture):
    client = request.getfixturevalue(client_fixture)

    assert client.get("/api/users/").status_code == 403


def test_manager_lists_their_own_agents_filtered_by_role(manager_api):
    cohort = CohortFactory(facilitators=[manager_api.user])
    mine = [EnrollmentFactory(cohort=cohort).agent for _ in range(2)]
    AgentFactory.create_batch(2)  # someone else's agents

    response = manager_api.get("/api/users/?role=agent")

    assert response.status_code == 200
    assert {row["email"] for row in response.json()["results"]} == {a.email for a in mine}


def test_the_directory_shows_colleagues_but_not_hr_or_other_managers_agents(manager_api):
    coach, colleague, hr = CoachFactory(), ManagerFactory(), HRFactory()
    stranger = AgentFactory()

    emails = {row["email"] for row in manager_api.get("/api/users/").json()["results"]}

    assert {coach.email, colleague.email, manager_api.user.email} <= emails
    assert hr.email not in emails
    assert stranger.email not in emails
    assert manager_api.get(f"/api/users/{stranger.pk}/").status_code == 404


def test_teams_are_read_by_all_and_written_by_managers(agent_api, manager_api):
    TeamFactory(name="Billing")
    before = Team.objects.count()

    names = [team["name"] for team in agent_api.get("/api/teams/").json()["results"]]
    assert "Billing" in names
    assert agent_api.post("/api/teams/", {"name": "Chat"}, format="json").status_code == 403
    assert manager_api.post("/api/teams/", {"name": "Chat"}, format="json").status_code == 201
    assert Team.objects.count() == before + 1


def test_demo_command_creates_every_role_and_the_playbook(capsys):
    call_command("demo", "--no-serve")
    call_command("demo", "--no-serve")

    out = capsys.readouterr().out
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    assert "manager@attune.example" in out
    assert DEMO_PASSWORD in out
    manager = User.objects.get(email="manager@attune.example")
    assert manager.check_password(DEMO_PASSWORD)
    assert manager.is_staff
    assert manager.has_perm("programs.change_program")
    assert not User.objects.get(email="agent@attune.example").is_staff
    from insights.models import Interaction

    assert Interaction.objects.filter(source="demo-helpdesk").count() == 6 * 30
    # The seeds' case study, loaded once although the demo ran twice (4 windows x 40 x 25).
    assert Interaction.objects.filter(source="case-study").count() == 4 * 40 * 25
    assert "Case study “Case study: mid-size support team”" in out
    from reviews.models import ReviewAssignment

    states = set(ReviewAssignment.objects.values_list("status", flat=True))
    assert states == {"assigned", "submitted", "skipped"}
    assert ReviewAssignment.objects.filter(status="assigned").count() == 2  # due, overdue
    from reviews.models import Dispute

    assert Dispute.objects.filter(status="open").count() == 1
    from insights.models import CalibrationConsensus

    assert CalibrationConsensus.objects.count() == 3  # a calibration with its consensus
