"""A person's last day (`left_on`) never comes before their first (`hired_on`): retention
and attrition measure the time between them."""

import datetime
import importlib

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from cohorts import services as cohort_services
from tests.cohorts.conftest import BEFORE_START, enrol, rollout_program
from tests.factories import AgentFactory, CohortFactory, HRFactory, UserFactory

pytestmark = pytest.mark.django_db
HIRED = datetime.date(2025, 3, 1)
EARLIER = datetime.date(2025, 2, 1)

repair = importlib.import_module(
    "accounts.migrations.0012_user_left_on_after_hired_on"
).clear_hire_dates_after_departure


def test_the_database_refuses_a_departure_before_the_hire():
    agent = AgentFactory(hired_on=HIRED)

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=agent.pk).update(left_on=EARLIER)


def test_validation_names_the_last_day_as_the_field_in_error():
    agent = AgentFactory.build(hired_on=HIRED, left_on=EARLIER)

    with pytest.raises(ValidationError) as error:
        agent.full_clean()

    assert list(error.value.message_dict) == ["left_on"]


def test_leaving_on_the_day_of_hire_is_allowed():
    agent = AgentFactory(hired_on=HIRED, left_on=HIRED)

    agent.full_clean()  # raises nothing


def test_the_admin_shows_the_error_on_the_last_day_and_saves_nothing(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role=User.Role.MANAGER))
    agent = AgentFactory(time_zone="UTC", hired_on=HIRED)

    response = client.post(
        f"/admin/accounts/user/{agent.pk}/change/",
        {
            "email": agent.email,
            "role": "agent",
            "time_zone": "UTC",
            "is_active": "on",
            "hired_on": "2025-03-01",
            "left_on": "2025-02-01",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["left_on"]
    agent.refresh_from_db()
    assert agent.left_on is None


@pytest.mark.postgresql
def test_the_migration_clears_the_hire_date_of_rows_that_break_the_rule():
    kept = AgentFactory(hired_on=EARLIER, left_on=HIRED)
    broken = AgentFactory(hired_on=HIRED)
    # The constraint is already in place in the test database: lift it for the old state
    # (PostgreSQL changes schemas inside the test's transaction, SQLite cannot).
    constraint = User._meta.constraints[-1]
    with transaction.atomic():
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks
        with connection.schema_editor() as editor:
            editor.remove_constraint(User, constraint)
        User.objects.filter(pk=broken.pk).update(left_on=EARLIER)
        repair(global_apps, None)
        with connection.schema_editor() as editor:
            editor.add_constraint(User, constraint)

    broken.refresh_from_db()
    kept.refresh_from_db()
    assert (broken.hired_on, broken.left_on) == (None, EARLIER)
    assert (kept.hired_on, kept.left_on) == (EARLIER, HIRED)


def test_the_insights_answer_for_someone_who_left_on_their_first_day(client):
    """The closest the rule allows to the old 500: a zero-day employment."""
    cohort = CohortFactory(program=rollout_program(), start_date=datetime.date(2025, 1, 6))
    for enrollment in enrol(cohort, 6):
        User.objects.filter(pk=enrollment.agent_id).update(hired_on=HIRED, left_on=HIRED)
    cohort_services.cohort_start(cohort=cohort, now=BEFORE_START)
    client.force_login(HRFactory())

    assert client.get("/api/insights/retention/").status_code == 200
    assert client.get("/insights/").status_code == 200
