"""A manager draws baselines, opens calibrations and runs experiments only on the cohorts
they facilitate and the teams they manage (cohorts/scope.py); nothing else is reachable."""

import pytest

from cohorts.models import CoachingPair, Experiment
from insights.models import BaselineAssessment, CalibrationSession
from tests.factories import (
    AgentFactory,
    CohortFactory,
    EnrollmentFactory,
    InteractionFactory,
    ManagerFactory,
    TeamFactory,
)
from tests.insights.conftest import END, START

WINDOW = {"window_start": "2026-11-01T00:00:00Z", "window_end": "2026-12-01T00:00:00Z"}


@pytest.fixture
def theirs(db):
    """Another manager's cohort, with agents and interactions."""
    cohort = CohortFactory(facilitators=[ManagerFactory()])
    for _ in range(4):
        InteractionFactory(agent=EnrollmentFactory(cohort=cohort).agent, occurred_at=START)
    return cohort


@pytest.fixture
def their_team(db):
    team = TeamFactory()
    team.managers.add(ManagerFactory())
    AgentFactory.create_batch(4, team=team)
    return team


def experiment(manager_api, **target):
    return manager_api.post(
        "/api/experiments/", {"name": "Scripts", **WINDOW, **target}, format="json"
    )


def test_an_experiment_on_another_managers_cohort_is_refused(manager_api, theirs):
    pairs_before = CoachingPair.objects.count()

    response = experiment(manager_api, cohort=theirs.pk)

    assert response.status_code == 400
    assert "does not exist" in response.json()["cohort"][0]
    assert not Experiment.objects.exists()
    assert CoachingPair.objects.count() == pairs_before


def test_an_experiment_on_a_team_the_manager_does_not_manage_is_refused(manager_api, their_team):
    response = experiment(manager_api, teams=[their_team.pk])

    assert response.status_code == 400
    assert "teams" in response.json()
    assert not Experiment.objects.exists()


def test_a_manager_runs_an_experiment_on_their_own_team_and_only_they_read_it(
    manager_api, their_team, api
):
    mine = TeamFactory()
    mine.managers.add(manager_api.user)
    AgentFactory.create_batch(4, team=mine)

    created = experiment(manager_api, teams=[mine.pk])
    outsider = ManagerFactory()
    api.force_authenticate(outsider)
    experiment_id = created.json()["id"]

    assert created.status_code == 201, created.json()
    assert manager_api.get(f"/api/experiments/{experiment_id}/result/").status_code == 200
    assert api.get(f"/api/experiments/{experiment_id}/result/").status_code == 404
    assert api.get(f"/api/experiments/{experiment_id}/result/?export=rows").status_code == 404
    assert api.get("/api/experiments/").json()["results"] == []


def test_an_experiment_spanning_a_team_that_is_not_theirs_is_not_visible(manager_api, their_team):
    from cohorts.services import experiment_create

    mine = TeamFactory()
    mine.managers.add(manager_api.user)
    both = experiment_create(
        name="Two teams",
        teams=[mine, their_team],
        window_start=START,
        window_end=END,
        created_by=manager_api.user,
    )

    # Created by this very manager, yet it lists agents of a team that is not theirs.
    assert manager_api.get(f"/api/experiments/{both.pk}/").status_code == 404


def test_a_baseline_for_another_managers_cohort_or_team_is_refused(
    manager_api, theirs, their_team, rubric, reviewers
):
    body = {
        "name": "Theirs", "window_start": START.isoformat(), "window_end": END.isoformat(),
        "sample_size": 2, "rubric": rubric.pk, "reviewers": [r.pk for r in reviewers],
    }  # fmt: skip

    by_cohort = manager_api.post("/api/baselines/", {**body, "cohort": theirs.pk}, format="json")
    by_team = manager_api.post("/api/baselines/", {**body, "team": their_team.pk}, format="json")

    assert (by_cohort.status_code, by_team.status_code) == (400, 400)
    assert "cohort" in by_cohort.json()
    assert "team" in by_team.json()
    assert not BaselineAssessment.objects.exists()


def test_a_manager_draws_a_baseline_for_a_team_they_manage(manager_api, rubric, reviewers):
    team = TeamFactory()
    team.managers.add(manager_api.user)
    for _ in range(3):
        InteractionFactory(agent=AgentFactory(team=team), occurred_at=START)
    body = {
        "name": "Mine", "team": team.pk, "window_start": START.isoformat(),
        "window_end": END.isoformat(), "sample_size": 2, "rubric": rubric.pk,
        "reviewers": [r.pk for r in reviewers],
    }  # fmt: skip

    response = manager_api.post("/api/baselines/", body, format="json")

    assert response.status_code == 201, response.json()


def test_another_managers_baseline_items_cannot_be_read(manager_api, theirs, rubric, reviewers):
    from insights.services import baseline_create

    baseline = baseline_create(
        name="Theirs", cohort=theirs, window_start=START, window_end=END, sample_size=2,
        rubric=rubric, reviewers=reviewers, created_by=theirs.facilitators.get(),
    )  # fmt: skip

    assert manager_api.get(f"/api/baselines/{baseline.pk}/items/").status_code == 404
    assert manager_api.get(f"/api/baselines/{baseline.pk}/report/").status_code == 404


def test_a_calibration_cannot_use_interactions_outside_the_managers_scope(
    manager_api, theirs, rubric, reviewers
):
    outside = list(theirs.enrollments.values_list("agent__interactions", flat=True))

    response = manager_api.post(
        "/api/calibrations/",
        {"name": "Peek", "rubric": rubric.pk, "interactions": outside[:2],
         "reviewers": [r.pk for r in reviewers]},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert "interactions" in response.json()
    assert not CalibrationSession.objects.exists()
