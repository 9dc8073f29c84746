"""Role-plays on pages: a manager (or a facilitating coach) books one; the booked assessor
records the rubric scores, the outcome and notes; nobody else does."""

import datetime

import pytest
from django.urls import reverse

from certification.models import RolePlayAssessment
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import (
    AgentFactory,
    CoachFactory,
    CohortFactory,
    HRFactory,
    ManagerFactory,
    ScenarioCardFactory,
)

pytestmark = pytest.mark.django_db
KEYS = ("tone", "validation", "paraphrase", "question_quality", "actionable_closure")


@pytest.fixture
def manager(db):
    return ManagerFactory()


@pytest.fixture
def cohort(manager):
    cohort = CohortFactory(
        program=rollout_program(), facilitators=[manager], time_zone="Europe/Berlin"
    )
    enrol(cohort, 2)
    return cohort


@pytest.fixture
def scenario(cohort):
    return ScenarioCardFactory(program=cohort.program, title="Double charge")


@pytest.fixture
def coach(db):
    return CoachFactory(display_name="Ada Assessor")


def _book(client, cohort, scenario, assessor, **extra):
    enrollment = cohort.enrollments.order_by("pk").first()
    return client.post(reverse("web:role-play-book", args=[cohort.pk]), {
        "enrollment": enrollment.pk, "scenario": scenario.pk, "assessor": assessor.pk, **extra,
    })  # fmt: skip


def test_a_manager_books_in_the_cohorts_time_zone(client, manager, cohort, scenario, coach):
    client.force_login(manager)

    response = _book(client, cohort, scenario, coach, scheduled_at="2026-12-10T10:00")

    play = RolePlayAssessment.objects.get()
    assert response.url == reverse("web:role-play", args=[play.pk])
    assert play.assessor == coach
    assert play.scheduled_at == datetime.datetime(2026, 12, 10, 9, tzinfo=datetime.UTC)


def test_booking_twice_is_a_form_error(client, manager, cohort, scenario, coach):
    client.force_login(manager)
    _book(client, cohort, scenario, coach)

    response = _book(client, cohort, scenario, coach)

    assert response.status_code == 200
    assert "A role-play is already booked" in response.content.decode()


@pytest.mark.parametrize("factory", [ManagerFactory, CoachFactory, AgentFactory, HRFactory])
def test_people_outside_the_cohort_cannot_book(client, cohort, factory):
    client.force_login(factory())

    assert client.get(reverse("web:role-play-book", args=[cohort.pk])).status_code == 404


def _booked(client, manager, cohort, scenario, coach):
    client.force_login(manager)
    _book(client, cohort, scenario, coach)
    return RolePlayAssessment.objects.get()


def test_the_assessor_records_the_result(client, manager, cohort, scenario, coach):
    play = _booked(client, manager, cohort, scenario, coach)
    client.force_login(coach)
    assert "Double charge" in client.get(reverse("web:role-play", args=[play.pk])).content.decode()

    response = client.post(reverse("web:role-play", args=[play.pk]), {
        **{f"score_{k}": "4" for k in KEYS}, "passed": "yes", "notes": "Steady under pressure.",
    })  # fmt: skip

    assert response.status_code == 302
    play.refresh_from_db()
    assert (play.status, play.notes) == ("passed", "Steady under pressure.")
    assert play.score.percent == 80


def test_a_missing_score_is_a_form_error(client, manager, cohort, scenario, coach):
    play = _booked(client, manager, cohort, scenario, coach)
    client.force_login(coach)

    response = client.post(
        reverse("web:role-play", args=[play.pk]), {"score_tone": "4", "passed": "yes"}
    )

    assert response.status_code == 200
    assert "needs a score" in response.content.decode()
    play.refresh_from_db()
    assert play.status == "booked"


def test_only_the_assessor_records(client, manager, cohort, scenario, coach):
    play = _booked(client, manager, cohort, scenario, coach)
    data = {**{f"score_{k}": "4" for k in KEYS}, "passed": "yes"}

    assert client.post(reverse("web:role-play", args=[play.pk]), data).status_code == 403
    client.force_login(CoachFactory())
    assert client.get(reverse("web:role-play", args=[play.pk])).status_code == 404
    client.force_login(play.enrollment.agent)
    assert client.get(reverse("web:role-play", args=[play.pk])).status_code == 404
