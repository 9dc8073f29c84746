"""The admin gives a training manager no way to raise their own rights, to act as someone
else, or to read people's data outside the pages' scope (superusers only there)."""

import pytest
from auditlog.models import LogEntry

from accounts.demo import training_managers_group
from accounts.models import User
from tests.factories import AgentFactory, ManagerFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLES_DATA = [
    "accounts/user",
    "accounts/team",
    "accounts/notification",
    "accounts/outbox",
    "accounts/apitoken",
    "accounts/invitation",
    "cohorts/cohort",
    "cohorts/enrollment",
    "cohorts/scheduleitem",
    "cohorts/coachingpair",
    "cohorts/rubricscore",
    "cohorts/experiment",
    "certification/roleplayassessment",
    "certification/certificationdecision",
    "certification/badgeassertion",
    "insights/interaction",
    "insights/baselineassessment",
    "insights/calibrationsession",
    "practice/drillanswer",
    "practice/findingmark",
    "practice/exerciselog",
    "practice/scenariosuggestion",
    "practice/cohortdeck",
]


@pytest.fixture
def staff_manager(client):
    """A training manager as the demo makes them: staff, in the Training managers group."""
    manager = ManagerFactory(is_staff=True)
    manager.groups.add(training_managers_group())
    client.force_login(manager)
    return manager


@pytest.fixture
def superuser(client):
    root = UserFactory(is_staff=True, is_superuser=True, role=User.Role.MANAGER)
    client.force_login(root)
    return root


def test_a_manager_cannot_make_themselves_superuser(client, staff_manager):
    url = f"/admin/accounts/user/{staff_manager.pk}/change/"
    crafted = {
        "email": staff_manager.email,
        "role": "manager",
        "time_zone": "UTC",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }

    assert client.get(url).status_code == 403
    assert client.post(url, crafted).status_code == 403
    staff_manager.refresh_from_db()
    assert not staff_manager.is_superuser


def test_a_manager_cannot_set_someone_elses_password(client, staff_manager):
    agent = AgentFactory()
    url = f"/admin/accounts/user/{agent.pk}/password/"

    response = client.post(url, {"password1": "taken-over-123", "password2": "taken-over-123"})

    assert response.status_code == 403
    agent.refresh_from_db()
    assert not agent.check_password("taken-over-123")


def test_a_manager_cannot_change_roles_groups_or_team_managers(client, staff_manager):
    agent = AgentFactory()
    team = agent.team

    role = client.post(f"/admin/accounts/user/{agent.pk}/change/", {"role": "manager"})
    teams = client.post(
        f"/admin/accounts/team/{team.pk}/change/",
        {"name": team.name, "managers": [staff_manager.pk]},
    )
    groups = client.get("/admin/auth/group/")

    assert (role.status_code, teams.status_code, groups.status_code) == (403, 403, 403)
    agent.refresh_from_db()
    assert agent.role == User.Role.AGENT
    assert not team.managers.exists()


def test_the_managers_group_grants_only_the_curriculum():
    apps = set(
        training_managers_group().permissions.values_list("content_type__app_label", flat=True)
    )
    models = set(
        training_managers_group()
        .permissions.filter(content_type__app_label="certification")
        .values_list("content_type__model", flat=True)
    )

    practice = set(
        training_managers_group()
        .permissions.filter(content_type__app_label="practice")
        .values_list("content_type__model", flat=True)
    )

    assert apps == {"programs", "certification", "practice"}
    assert models == {"certificationgate", "badgeclass"}
    assert practice == {"framework", "frameworkstep", "exercise", "scenariodeck", "deckcard"}


@pytest.mark.parametrize("model", PEOPLES_DATA)
def test_peoples_data_is_not_in_a_managers_admin_even_with_every_permission(
    client, staff_manager, model
):
    from django.contrib.auth.models import Permission

    staff_manager.user_permissions.set(Permission.objects.all())

    assert client.get(f"/admin/{model}/").status_code == 403


def test_a_managers_admin_shows_the_curriculum_and_no_peoples_data(client, staff_manager):
    index = client.get("/admin/").content.decode()

    assert "Rubric scores" not in index
    assert "Cohorts" not in index
    assert "Programs" in index
    assert client.get("/admin/programs/program/").status_code == 200


def test_the_interaction_import_in_the_admin_is_for_superusers(client, staff_manager):
    assert client.get("/admin/insights/interaction/import/").status_code == 403


def test_a_superuser_changes_a_role_and_the_audit_trail_records_it(client, superuser):
    agent = AgentFactory(time_zone="UTC")

    response = client.post(
        f"/admin/accounts/user/{agent.pk}/change/",
        {
            "email": agent.email,
            "display_name": agent.display_name,
            "role": "coach",
            "time_zone": "UTC",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.role == User.Role.COACH
    entry = LogEntry.objects.get_for_object(agent).latest("timestamp")
    assert "role" in entry.changes_dict


def test_a_superuser_still_reaches_peoples_data(client, superuser):
    ProgramFactory()
    for model in PEOPLES_DATA:
        assert client.get(f"/admin/{model}/").status_code == 200, model
