"""Every write a person makes through the API is recorded with who made it."""

import base64
import datetime

import pytest
import time_machine
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth.models import Group

from accounts.models import User
from certification.models import CertificationGate
from cohorts import services
from cohorts.models import Experiment, RubricScore, ScheduleItem
from tests.audit.conftest import BEFORE_START, enrol, entries_for, last_entry
from tests.factories import (
    AgentFactory,
    CoachFactory,
    ManagerFactory,
    ProgramFactory,
    RubricFactory,
    UserFactory,
)

UTC = datetime.UTC
CRITERIA = ("tone", "validation", "paraphrase", "question_quality", "actionable_closure")


@pytest.fixture
def started(cohort):
    enrol(cohort, 4)
    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_start(cohort=cohort)
    return cohort


def test_a_program_edit_is_recorded_with_its_actor(manager_api):
    program = ProgramFactory(name="Draft")

    response = manager_api.patch(f"/api/programs/{program.pk}/", {"name": "Renamed"}, format="json")

    assert response.status_code == 200
    entry = last_entry(program)
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["name"] == ["Draft", "Renamed"]
    assert entry.actor == manager_api.user


def test_a_rubric_edit_is_recorded(manager_api):
    rubric = RubricFactory(description="old")

    response = manager_api.patch(
        f"/api/rubrics/{rubric.pk}/", {"description": "new"}, format="json"
    )

    assert response.status_code == 200
    entry = last_entry(rubric)
    assert entry.changes_dict["description"] == ["old", "new"]
    assert entry.actor == manager_api.user


def test_a_gate_edit_is_recorded(manager_api, program):
    gate = CertificationGate.objects.create(program=program)

    response = manager_api.patch(
        f"/api/certification/gates/{gate.pk}/", {"threshold_percent": "80.00"}, format="json"
    )

    assert response.status_code == 200
    entry = last_entry(gate)
    assert entry.changes_dict["threshold_percent"] == ["70.00", "80.00"]
    assert entry.actor == manager_api.user


def test_a_cohort_edit_is_recorded(manager_api, cohort, facilitator):
    manager_api.force_authenticate(facilitator)

    response = manager_api.patch(
        f"/api/cohorts/{cohort.pk}/", {"location": "Room 9"}, format="json"
    )

    assert response.status_code == 200
    entry = last_entry(cohort)
    assert entry.changes_dict["location"] == ["", "Room 9"]
    assert entry.actor == facilitator


def test_a_new_facilitator_is_recorded_on_the_cohort(cohort, facilitator):
    other = ManagerFactory(email="omar@example.com")

    with set_actor(facilitator):
        cohort.facilitators.add(other)

    change = last_entry(cohort).changes_dict["facilitators"]
    assert (change["operation"], change["objects"]) == ("add", [str(other)])


def test_a_schedule_move_is_recorded(manager_api, started, facilitator):
    manager_api.force_authenticate(facilitator)
    session = started.schedule_items.get(title="Active listening")

    response = manager_api.post(
        f"/api/schedule-items/{session.pk}/move/",
        {"starts_at": "2026-11-05T09:00:00-05:00"},
        format="json",
    )

    assert response.status_code == 200
    entry = last_entry(session)
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["starts_at"][1] == "2026-11-05 14:00:00"
    assert entry.changes_dict["moved"] == ["False", "True"]
    assert entry.actor == facilitator


def test_a_score_is_recorded_with_its_scorer(api, started):
    coach = CoachFactory()
    api.force_authenticate(coach)
    body = {
        "rubric": started.program.rubric.pk,
        "subject": started.enrollments.first().agent.pk,
        "context": "qa",
        "values": dict.fromkeys(CRITERIA, 4),
    }

    response = api.post("/api/rubric-scores/", body, format="json")

    assert response.status_code == 201
    entry = last_entry(RubricScore.objects.get(pk=response.json()["id"]))
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == coach


def test_an_experiment_is_recorded_with_its_seed(manager_api, started, facilitator):
    manager_api.force_authenticate(facilitator)
    body = {
        "name": "Longer practice",
        "cohort": started.pk,
        "window_start": "2026-11-01T00:00:00Z",
        "window_end": "2026-12-01T00:00:00Z",
        "seed": 7,
    }

    response = manager_api.post("/api/experiments/", body, format="json")

    assert response.status_code == 201
    entry = last_entry(Experiment.objects.get(pk=response.json()["id"]))
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes_dict["seed"] == ["None", "7"]
    assert entry.actor == facilitator


def test_a_role_change_and_superuser_grant_are_recorded(db):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    person = AgentFactory()

    with set_actor(superuser):
        person.role = User.Role.MANAGER
        person.is_superuser = True
        person.save()

    entry = last_entry(person)
    assert entry.changes_dict["role"] == ["agent", "manager"]
    assert entry.changes_dict["is_superuser"] == ["False", "True"]
    assert entry.actor == superuser


def test_group_and_permission_changes_are_recorded(db):
    person = AgentFactory()
    group = Group.objects.create(name="Editors")

    person.groups.add(group)
    group.permissions.add(*group.permissions.model.objects.filter(codename="change_program"))

    assert last_entry(person).changes_dict["groups"]["objects"] == ["Editors"]
    assert last_entry(group).changes_dict["permissions"]["operation"] == "add"


def test_a_password_change_records_nothing(db):
    person = AgentFactory()
    before = entries_for(person).count()

    person.set_password("a new secret")
    person.save()

    assert entries_for(person).count() == before
    assert "password" not in str(list(entries_for(person).values_list("changes", flat=True)))


def test_the_actor_of_an_http_basic_request_is_recorded(api, db):
    manager = ManagerFactory(email="basic@example.com")  # password "pw"
    program = ProgramFactory(name="Draft")
    token = base64.b64encode(b"basic@example.com:pw").decode()
    api.credentials(HTTP_AUTHORIZATION=f"Basic {token}")

    response = api.patch(f"/api/programs/{program.pk}/", {"name": "By Basic"}, format="json")

    assert response.status_code == 200
    entry = last_entry(program)
    assert (entry.actor, entry.actor_email) == (manager, "basic@example.com")


def test_the_actor_of_a_session_request_is_recorded(client, db):
    manager = ManagerFactory()
    program = ProgramFactory(name="Draft")
    client.force_login(manager)

    response = client.patch(
        f"/api/programs/{program.pk}/", {"name": "By session"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert last_entry(program).actor == manager


def test_work_outside_a_request_records_no_actor(started):
    """Management commands and Celery workers have no request: the actor is the system."""
    session = started.schedule_items.filter(kind=ScheduleItem.Kind.WORKSHOP).first()

    services.schedule_item_move(item=session, starts_at=session.starts_at + datetime.timedelta(1))

    assert last_entry(session).actor is None
