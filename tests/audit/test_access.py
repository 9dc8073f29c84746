"""Who reads the audit trail over the API, and that nobody writes it."""

import datetime

import pytest
import time_machine
from auditlog.context import set_actor
from auditlog.models import LogEntry

from accounts.models import User
from tests.factories import AgentFactory, CohortFactory, ManagerFactory, UserFactory

URL = "/api/audit-log/"


@pytest.fixture
def other_manager(db):
    return ManagerFactory(email="omar@example.com")


@pytest.fixture
def other_cohort(program, other_manager):
    return CohortFactory(program=program, name="Omar's", facilitators=[other_manager])


def _edit(cohort, by, location):
    with set_actor(by):
        cohort.location = location
        cohort.save()


def _reprs(response) -> set[str]:
    return {(row["object_type"], row["object_repr"]) for row in response.json()["results"]}


def test_a_manager_reads_their_cohorts_and_the_curriculum_not_another_managers(
    manager_api, facilitator, cohort, other_cohort, other_manager
):
    _edit(cohort, facilitator, "Room 1")
    _edit(other_cohort, other_manager, "Room 2")
    manager_api.force_authenticate(facilitator)

    rows = manager_api.get(URL, {"object_type": "cohorts.cohort"}).json()["results"]
    everything = _reprs(manager_api.get(URL))

    assert {row["object_id"] for row in rows} == {cohort.pk}
    assert ("programs.program", str(cohort.program)) in everything
    assert ("cohorts.cohort", str(other_cohort)) not in everything


def test_a_manager_cannot_read_another_cohorts_entry_by_id(
    manager_api, facilitator, other_cohort, other_manager
):
    _edit(other_cohort, other_manager, "Room 2")
    entry = LogEntry.objects.get_for_object(other_cohort).latest()
    manager_api.force_authenticate(facilitator)

    assert manager_api.get(f"{URL}{entry.pk}/").status_code == 404


def test_role_changes_are_for_superusers_only(manager_api, db):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    person = AgentFactory()
    with set_actor(superuser):
        person.role = User.Role.COACH
        person.save()
    filters = {"object_type": "accounts.user", "object_id": person.pk}

    as_manager = manager_api.get(URL, filters).json()["count"]
    manager_api.force_authenticate(superuser)
    as_superuser = manager_api.get(URL, filters).json()["results"]

    assert as_manager == 0
    assert as_superuser[0]["changes"]["role"] == ["agent", "coach"]
    assert as_superuser[0]["actor"] == superuser.pk


@pytest.mark.parametrize("client_fixture", ["agent_api", "coach_api", "hr_api"])
def test_other_roles_get_403(request, client_fixture):
    client = request.getfixturevalue(client_fixture)

    assert client.get(URL).status_code == 403


def test_anonymous_gets_403(api):
    assert api.get(URL).status_code == 403


def test_nobody_writes_the_audit_trail(db, api):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    with set_actor(superuser):
        person = AgentFactory()
    entry = LogEntry.objects.get_for_object(person).get()
    api.force_authenticate(superuser)

    assert api.post(URL, {"object_repr": "forged"}, format="json").status_code == 405
    assert api.patch(f"{URL}{entry.pk}/", {"object_repr": "x"}, format="json").status_code == 405
    assert api.delete(f"{URL}{entry.pk}/").status_code == 405
    assert LogEntry.objects.get(pk=entry.pk).object_repr == str(person)


def test_entries_filter_by_actor_and_date(manager_api, facilitator, cohort, other_manager):
    cohort.facilitators.add(other_manager)
    with time_machine.travel(datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC)):
        _edit(cohort, facilitator, "September")
    with time_machine.travel(datetime.datetime(2026, 10, 1, 12, tzinfo=datetime.UTC)):
        _edit(cohort, other_manager, "October")
    manager_api.force_authenticate(facilitator)

    by_omar = manager_api.get(URL, {"actor": other_manager.pk}).json()["results"]
    in_september = manager_api.get(URL, {"since": "2026-09-01", "until": "2026-09-30"}).json()

    assert [row["changes"]["location"][1] for row in by_omar] == ["October"]
    assert [row["changes"]["location"][1] for row in in_september["results"]] == ["September"]


def test_the_list_takes_two_queries_however_many_entries(
    manager_api, facilitator, cohort, django_assert_num_queries
):
    for n in range(30):
        _edit(cohort, facilitator, f"Room {n}")
    manager_api.force_authenticate(facilitator)
    manager_api.get(URL)  # warms the per-process content-type cache, as any request would

    # 1. count of visible entries (curriculum types, and ids in scope as subqueries)
    # 2. the page, with its content types and actors joined
    with django_assert_num_queries(2):
        response = manager_api.get(URL)

    assert response.json()["count"] >= 30


def test_reassigning_a_review_is_recorded_and_read_only_in_scope(other_manager, manager_api):
    from reviews.models import ReviewAssignment, ReviewPlan
    from tests.cohorts.conftest import enrol, rollout_program
    from tests.factories import CoachFactory, InteractionFactory

    manager = ManagerFactory()
    cohort = CohortFactory(program=rollout_program(), facilitators=[manager])
    agent = enrol(cohort, 1)[0].agent
    first, second = CoachFactory(), CoachFactory()
    plan = ReviewPlan.objects.create(cohort=cohort)
    plan.coaches.add(first, second)
    assignment = ReviewAssignment.objects.create(
        plan=plan, agent=agent, reviewer=first, slot=1, interaction=InteractionFactory(agent=agent),
        week=datetime.date(2026, 11, 30),
        due_at=datetime.datetime(2026, 12, 6, tzinfo=datetime.UTC),
    )  # fmt: skip
    manager_api.force_authenticate(manager)
    manager_api.post(f"/api/review-assignments/{assignment.pk}/reassign/", {"reviewer": second.pk})

    entry = LogEntry.objects.get_for_object(assignment).latest()
    assert entry.actor == manager
    assert "reviewer" in entry.changes_dict
    query = {"object_type": "reviews.reviewassignment"}
    rows = manager_api.get(URL, query).json()["results"]
    assert [(r["object_id"], r["action"]) for r in rows] == [
        (assignment.pk, "update"),
        (assignment.pk, "create"),
    ]
    manager_api.force_authenticate(other_manager)
    assert manager_api.get(URL, query).json()["results"] == []
