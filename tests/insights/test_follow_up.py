"""The end-of-program and three-month follow-up assessments, and the comparison."""

import datetime
from collections import Counter

import pytest
from django.db import IntegrityError
from rest_framework.test import APIClient

from insights import services
from insights.models import BaselineAssessment
from insights.selectors import assessment_comparison
from tests.factories import (
    AgentFactory,
    CoachFactory,
    EnrollmentFactory,
    HRFactory,
    InteractionFactory,
    ManagerFactory,
)
from tests.insights.conftest import (
    CLOSED_AT,
    END_OF_PROGRAM,
    FOLLOW_UP,
    FOLLOW_UP_DUE,
    START,
    UTC,
    WINDOW_START,
    _baseline,
    finished_cohort,
    make_interactions,
)

pytestmark = pytest.mark.django_db


def _follow_ups():
    return BaselineAssessment.objects.filter(kind=FOLLOW_UP)


def test_the_follow_up_is_drawn_at_local_midnight_90_days_after_across_dst(finished):
    agent = EnrollmentFactory(cohort=finished).agent
    InteractionFactory(agent=agent, occurred_at=FOLLOW_UP_DUE - datetime.timedelta(hours=2))

    # 04:30 UTC is midnight in EDT but 23:30 on 2 November in EST: not yet.
    services.measurement_sweep(now=FOLLOW_UP_DUE - datetime.timedelta(minutes=30))
    assert not _follow_ups().exists()

    services.measurement_sweep(now=FOLLOW_UP_DUE)
    follow_up = _follow_ups().get()
    assert follow_up.cohort == finished
    assert (follow_up.window_start, follow_up.window_end) == (WINDOW_START, FOLLOW_UP_DUE)
    assert follow_up.items.count() == 1


def test_the_window_is_the_same_whenever_the_sweep_runs(finished):
    services.measurement_sweep(now=FOLLOW_UP_DUE + datetime.timedelta(days=5, hours=7))

    follow_up = _follow_ups().get()
    assert (follow_up.window_start, follow_up.window_end) == (WINDOW_START, FOLLOW_UP_DUE)


def test_a_rerun_draws_nothing_more(finished):
    services.measurement_sweep(now=FOLLOW_UP_DUE)
    counts = services.measurement_sweep(now=FOLLOW_UP_DUE + datetime.timedelta(hours=1))

    assert counts == {END_OF_PROGRAM: 0, FOLLOW_UP: 0}
    assert _follow_ups().count() == 1
    assert BaselineAssessment.objects.filter(kind=END_OF_PROGRAM).count() == 1


def test_the_database_allows_one_follow_up_per_cohort(finished, rubric, reviewers):
    services.measurement_sweep(now=FOLLOW_UP_DUE)

    with pytest.raises(IntegrityError):
        BaselineAssessment.objects.create(
            name="again", kind=FOLLOW_UP, cohort=finished, rubric=rubric, seed=1,
            window_start=START, window_end=START + datetime.timedelta(days=1),
        )  # fmt: skip


def test_unfinished_cohorts_get_nothing(manager, rubric):
    for status in ("scheduled", "running", "cancelled"):
        cohort = finished_cohort(manager, status=status)
        cohort.program.rubric = rubric
        cohort.program.save(update_fields=["rubric"])

    counts = services.measurement_sweep(now=FOLLOW_UP_DUE + datetime.timedelta(days=30))

    assert counts == {END_OF_PROGRAM: 0, FOLLOW_UP: 0}
    assert not BaselineAssessment.objects.exists()


def test_the_end_of_program_assessment_samples_the_last_30_days(finished):
    agent = EnrollmentFactory(cohort=finished).agent
    InteractionFactory(agent=agent, occurred_at=CLOSED_AT - datetime.timedelta(hours=1))
    InteractionFactory(agent=agent, occurred_at=CLOSED_AT - datetime.timedelta(days=31))

    counts = services.measurement_sweep(now=CLOSED_AT + datetime.timedelta(minutes=15))

    end = BaselineAssessment.objects.get(kind=END_OF_PROGRAM)
    assert counts == {END_OF_PROGRAM: 1, FOLLOW_UP: 0}
    assert end.window_end == CLOSED_AT
    assert end.window_start == datetime.datetime(2026, 7, 7, 4, tzinfo=UTC)
    assert end.items.count() == 1


def test_an_early_close_counts_from_the_day_it_closed(manager, rubric):
    closed = datetime.datetime(2026, 7, 20, 15, tzinfo=UTC)  # 20 July, 11:00 in New York
    cohort = finished_cohort(manager, closed_at=closed)
    cohort.program.rubric = rubric
    cohort.program.save(update_fields=["rubric"])

    assert services.cohort_finished_on(cohort=cohort) == datetime.date(2026, 7, 20)
    services.measurement_sweep(now=datetime.datetime(2026, 10, 18, 4, tzinfo=UTC))
    assert _follow_ups().get().window_end == datetime.datetime(2026, 10, 18, 4, tzinfo=UTC)


def test_the_follow_up_uses_the_baselines_rubric_reviewers_and_links_it(
    finished, rubric, reviewers
):
    baseline = _baseline(finished, rubric, reviewers)

    services.measurement_sweep(now=FOLLOW_UP_DUE)

    follow_up = _follow_ups().get()
    assert follow_up.compared_to == baseline
    assert follow_up.rubric == rubric
    assert set(follow_up.reviewers.all()) == set(reviewers)
    assert (follow_up.sample_size, follow_up.seed) == (10, 3)


def test_without_a_baseline_the_facilitators_review(finished, manager):
    finished.facilitators.add(AgentFactory())  # not a reviewer: left out

    services.measurement_sweep(now=FOLLOW_UP_DUE)

    follow_up = _follow_ups().get()
    assert follow_up.compared_to is None
    assert list(follow_up.reviewers.all()) == [manager]


def test_no_interactions_is_recorded_not_a_failure(finished):
    services.measurement_sweep(now=FOLLOW_UP_DUE)

    follow_up = _follow_ups().get()
    assert follow_up.items.count() == 0
    assert follow_up.note == services.NO_INTERACTIONS


def test_the_follow_up_sample_is_stratified_like_the_baseline(finished, rubric, reviewers):
    agents = [EnrollmentFactory(cohort=finished).agent for _ in range(3)]
    _baseline(finished, rubric, reviewers)
    make_interactions(
        agents, {"call": 60, "chat": 30, "email": 10}, when=FOLLOW_UP_DUE - datetime.timedelta(1)
    )

    services.measurement_sweep(now=FOLLOW_UP_DUE)

    channels = Counter(_follow_ups().get().items.values_list("interaction__channel", flat=True))
    assert channels == {"call": 6, "chat": 3, "email": 1}


# --- The comparison, on a small dataset computed by hand -----------------------------------


def _row(comparison, key):
    return {
        cell["kind"]: cell
        for cell in next(r for r in comparison["rows"] if r["key"] == key)["cells"]
    }


def test_the_comparison_puts_baseline_end_and_follow_up_side_by_side(compared):
    baseline, follow_up = compared

    comparison = assessment_comparison(assessment=follow_up)

    kinds = [a["kind"] for a in comparison["assessments"]]
    assert kinds == ["baseline", "end_of_program", "follow_up"]
    assert comparison == assessment_comparison(assessment=baseline)


def test_the_comparison_figures_and_changes(compared):
    _, follow_up = compared
    comparison = assessment_comparison(assessment=follow_up)

    tone = _row(comparison, "criterion:tone")
    assert tone["baseline"] | {"kind": 0} == {"kind": 0, "value": 2.5, "count": 2, "change": None}
    assert (tone["follow_up"]["value"], tone["follow_up"]["change"]) == (4.5, 2.0)
    validation = _row(comparison, "criterion:validation")
    assert (validation["follow_up"]["value"], validation["follow_up"]["change"]) == (3.0, 1.5)
    # Percent: the mean over scores of the mean of value / 5: baseline (30 + 50) / 2 = 40,
    # follow-up (70 + 80) / 2 = 75.
    rubric = _row(comparison, "rubric_percent")
    assert (rubric["baseline"]["value"], rubric["follow_up"]["value"]) == (40.0, 75.0)
    assert rubric["follow_up"]["change"] == 35.0
    csat = _row(comparison, "csat")
    assert (csat["baseline"]["value"], csat["follow_up"]["value"]) == (3.5, 5.0)
    assert (csat["follow_up"]["change"], csat["follow_up"]["count"]) == (1.5, 2)
    aht = _row(comparison, "aht_seconds")
    assert (aht["baseline"]["value"], aht["follow_up"]["change"]) == (500.0, -100.0)
    escalation = _row(comparison, "escalation_rate")
    assert (escalation["baseline"]["value"], escalation["follow_up"]["change"]) == (0.5, -0.5)
    fcr = _row(comparison, "first_contact_resolution")
    assert (fcr["baseline"]["value"], fcr["follow_up"]["value"]) == (0.0, 0.5)
    # The end of program sampled nothing (no interactions in its window): n = 0, no change.
    assert _row(comparison, "csat")["end_of_program"] == {
        "kind": "end_of_program", "value": None, "count": 0, "change": None,
    }  # fmt: skip


# --- Who reads it --------------------------------------------------------------------------


def test_the_api_comparison_for_the_cohorts_manager(compared, manager):
    _, follow_up = compared
    client = APIClient()
    client.force_authenticate(manager)

    response = client.get(f"/api/baselines/{follow_up.pk}/comparison/")

    assert response.status_code == 200
    assert [a["kind"] for a in response.json()["assessments"]][-1] == "follow_up"


@pytest.mark.parametrize("who", [ManagerFactory, HRFactory, AgentFactory, CoachFactory])
def test_the_api_comparison_is_hidden_from_others(compared, who):
    _, follow_up = compared
    client = APIClient()
    client.force_authenticate(who())

    assert client.get(f"/api/baselines/{follow_up.pk}/comparison/").status_code == 404


def test_beat_runs_the_sweep_every_hour(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="insights.tasks.measurement_sweep_task")

    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "hours")


def test_the_task_draws_what_is_due(finished, time_machine):
    from insights.tasks import measurement_sweep_task

    time_machine.move_to(FOLLOW_UP_DUE, tick=False)

    assert measurement_sweep_task() == {END_OF_PROGRAM: 1, FOLLOW_UP: 1}


def test_without_a_reviewer_nothing_is_drawn_and_the_next_run_tries_again(finished, manager):
    finished.facilitators.set([AgentFactory()])

    services.measurement_sweep(now=FOLLOW_UP_DUE)
    assert not _follow_ups().exists()

    finished.facilitators.add(manager)
    services.measurement_sweep(now=FOLLOW_UP_DUE + datetime.timedelta(hours=1))
    assert _follow_ups().count() == 1


def test_a_sweep_with_nothing_due_reads_once_per_kind(finished, django_assert_num_queries):
    # 1. finished cohorts closed by now without an end-of-program assessment: none (drawn)
    # 2. finished cohorts closed 88 days before now without a follow-up: none yet
    services.measurement_sweep(now=CLOSED_AT + datetime.timedelta(hours=1))

    with django_assert_num_queries(2):
        services.measurement_sweep(now=CLOSED_AT + datetime.timedelta(days=10))
