"""HR's A/B aggregates come from one fixed SQL query; here they are recomputed in plain
Python from the factory interactions, metric by metric, including the metrics withheld
from HR because a group has fewer than 5 agents with data."""

import datetime
import math
import statistics

import pytest

from cohorts import services as cohort_services
from cohorts.models import Experiment
from insights import reports
from insights.experiment_stats import experiment_group_stats
from insights.models import Interaction
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import CohortFactory, InteractionFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
START = datetime.datetime(2026, 11, 1, tzinfo=UTC)
END = START + datetime.timedelta(days=30)
SECOND = datetime.timedelta(seconds=1)


def _figure(key, answers):
    """One agent's figure from their interactions, as a spreadsheet would compute it."""
    field = {"csat_satisfied_percent": "csat", "csat_mean": "csat", "nps": "nps",
             "aht_seconds": "handle_seconds", "escalation_percent": "escalated",
             "fcr_percent": "resolved_first_contact"}[key]  # fmt: skip
    values = [a[field] for a in answers if a[field] is not None]
    if not values:
        return None
    if key == "csat_satisfied_percent":
        return 100 * sum(v >= 4 for v in values) / len(values)
    if key == "nps":
        return 100 * (sum(v >= 9 for v in values) - sum(v <= 6 for v in values)) / len(values)
    if key in ("csat_mean", "aht_seconds"):
        return sum(values) / len(values)
    return 100 * sum(values) / len(values)  # the share of True


@pytest.fixture
def experiment():
    """14 agents; the control group's agents answer no NPS survey after the first two, so
    NPS has fewer than 5 agents with data there; one treatment agent has no interaction
    in the window (assigned, without data) and one only outside it."""
    cohort = CohortFactory(program=rollout_program())
    enrol(cohort, 14)
    experiment = cohort_services.experiment_create(
        name="A/B", cohort=cohort, window_start=START, window_end=END, seed=5
    )
    assignments = list(experiment.assignments.order_by("agent").values_list("agent", "group"))
    seen = {"treatment": 0, "control": 0}
    for n, (agent_id, group) in enumerate(assignments):
        seen[group] += 1
        if group == "treatment" and seen[group] == 1:
            continue  # assigned, no interaction at all
        when = START + datetime.timedelta(days=2 + n % 20, hours=n)
        if group == "treatment" and seen[group] == 2:
            when = END + datetime.timedelta(hours=1)  # only after the window
        for k in range(2 + n % 4):
            surveyed = (n + k) % 3 != 0
            InteractionFactory(
                agent_id=agent_id, occurred_at=when,
                csat=1 + (n * 7 + k * 3) % 5 if surveyed else None,
                nps=(n * 5 + k * 4) % 11 if surveyed and (group == "treatment" or seen[group] <= 2)
                else None,
                handle_seconds=180 + 37 * n + 101 * k,
                escalated=(n + 2 * k) % 5 == 0,
                resolved_first_contact=(n * k) % 3 != 1,
            )  # fmt: skip
    return experiment


def _by_agent(experiment):
    """{group: {agent: [interactions in the window]}}, every assigned agent included."""
    groups = {"treatment": {}, "control": {}}
    for agent_id, group in experiment.assignments.values_list("agent", "group"):
        groups[group][agent_id] = list(
            Interaction.objects.filter(
                agent_id=agent_id, occurred_at__gte=START, occurred_at__lt=END
            ).values()
        )
    return groups


def test_the_sql_aggregates_equal_a_python_computation(experiment):
    metrics = [reports.METRICS[key] for key in reports.EXPERIMENT_METRICS]

    assigned, stats = experiment_group_stats(
        experiment_id=experiment.pk, start=START, end=END, metrics=metrics, groups=reports.GROUPS
    )

    groups = _by_agent(experiment)
    assert assigned == {group: len(agents) for group, agents in groups.items()}
    for group, agents in groups.items():
        for metric in metrics:
            values = [_figure(metric.key, answers) for answers in agents.values()]
            values = [v for v in values if v is not None]
            found = stats[group, metric.key]
            assert found["agents"] == len(values), (group, metric.key)
            if values:
                assert found["mean"] == pytest.approx(statistics.fmean(values), rel=1e-12)
            if len(values) > 1:
                assert found["variance"] == pytest.approx(
                    statistics.variance(values), rel=1e-9, abs=1e-12
                )
            answered = [
                a for answers in agents.values() for a in answers if a[metric.field] is not None
            ]
            assert int(found["n"] or 0) == len(answered), (group, metric.key)


def test_hr_gets_the_python_welch_result_and_no_metric_under_five_agents(experiment):
    report = reports.experiment_result(experiment)

    groups = _by_agent(experiment)
    nps_agents = {
        group: sum(1 for answers in agents.values() if _figure("nps", answers) is not None)
        for group, agents in groups.items()
    }
    assert nps_agents["control"] < reports.MIN_GROUP <= nps_agents["treatment"]  # not vacuous
    assert report["figures"]["metrics"]["nps"] is None
    assert {row["metric"] for row in report["rows"]} == set(reports.EXPERIMENT_METRICS) - {"nps"}
    assert any("NPS" in note for note in report["notes"])
    csat = report["figures"]["metrics"]["csat_mean"]
    means = {
        group: [_figure("csat_mean", answers) for answers in agents.values()]
        for group, agents in groups.items()
    }
    means = {group: [v for v in values if v is not None] for group, values in means.items()}
    difference = statistics.fmean(means["treatment"]) - statistics.fmean(means["control"])
    standard_error = math.sqrt(
        statistics.variance(means["treatment"]) / len(means["treatment"])
        + statistics.variance(means["control"]) / len(means["control"])
    )
    assert csat["difference"] == pytest.approx(difference, rel=1e-9)
    assert csat["standard_error"] == pytest.approx(standard_error, rel=1e-9)
    assert report["figures"]["agents_assigned"] == {"treatment": 7, "control": 7}


def _python_stats(experiment, start, end, metrics):
    """{(group, metric): (agents with a figure, mean of the figures)} over [start, end)."""
    found = {}
    for group in reports.GROUPS:
        agents = experiment.assignments.filter(group=group).values_list("agent", flat=True)
        answers = [
            list(
                Interaction.objects.filter(
                    agent_id=agent, occurred_at__gte=start, occurred_at__lt=end
                ).values()
            )
            for agent in agents
        ]
        for metric in metrics:
            values = [_figure(metric.key, rows) for rows in answers]
            values = [v for v in values if v is not None]
            found[group, metric.key] = (len(values), statistics.fmean(values) if values else None)
    return found


@pytest.fixture
def new_york(settings):
    """Weeks begin at midnight in New York, whose clocks went back on 1 November 2026."""
    settings.TIME_ZONE = "America/New_York"


@pytest.mark.parametrize("after_the_end", [False, True])
@pytest.mark.parametrize("zone", ["UTC", "new_york"])
def test_whole_weeks_come_from_the_rollup_and_the_partial_ones_from_the_interactions(
    request, zone, after_the_end
):
    # The rollup's weeks are set when rows are written: the zone comes before the data.
    if zone != "UTC":
        request.getfixturevalue(zone)
    experiment = request.getfixturevalue("experiment")
    end = START + datetime.timedelta(days=26, hours=7)  # a Friday: a partial last week
    control = list(experiment.assignments.filter(group="control").values_list("agent", flat=True))
    # In the partial first week (START is a Sunday), in the partial last week, and (or
    # not) after the end in that same week, which the last week's rollup row would count.
    InteractionFactory(agent_id=control[0], occurred_at=START + 3 * SECOND, csat=1)
    InteractionFactory(agent_id=control[1], occurred_at=end - SECOND, csat=5, handle_seconds=9)
    if after_the_end:
        InteractionFactory(agent_id=control[1], occurred_at=end, csat=1, handle_seconds=9000)
    metrics = [reports.METRICS[key] for key in reports.EXPERIMENT_METRICS]

    assigned, stats = experiment_group_stats(
        experiment_id=experiment.pk, start=START, end=end, metrics=metrics, groups=reports.GROUPS
    )

    expected = _python_stats(experiment, START, end, metrics)
    assert sum(assigned.values()) == 14
    for (group, key), (agents, mean) in expected.items():
        assert stats[group, key]["agents"] == agents, (group, key)
        assert stats[group, key]["mean"] == pytest.approx(mean, rel=1e-12), (group, key)


def test_hrs_ab_result_is_two_queries(hr_api, experiment, django_assert_num_queries):
    # the experiment's window, scoped to the reader; every aggregate (agents assigned
    # included), from the weekly rollup and the partial weeks' interactions
    with django_assert_num_queries(2):
        response = hr_api.get(f"/api/experiments/{experiment.pk}/result/")
    assert response.status_code == 200


def test_hr_reads_by_id_what_the_experiment_gives(experiment):
    experiments = Experiment.objects.all()

    by_id = reports.hr_experiment_result(experiments, pk=experiment.pk)

    assert by_id == reports.experiment_result(experiment)
    assert by_id["figures"]["window"] == {"from": START.isoformat(), "to": END.isoformat()}


def test_hr_reads_by_id_a_window_of_their_own(experiment):
    start = START + datetime.timedelta(days=3, hours=5, microseconds=7)
    experiments = Experiment.objects.all()

    by_id = reports.hr_experiment_result(experiments, pk=experiment.pk, start=start, days=12)

    assert by_id == reports.experiment_result(experiment, start=start, days=12)
    assert by_id["figures"]["window"]["to"] == (start + datetime.timedelta(days=12)).isoformat()


def test_the_window_of_the_experiment_ends_days_after_its_start(experiment):
    # Interactions just inside and just outside the last day, counted in SQL from the
    # experiment's own start.
    agent = experiment.assignments.filter(group="control").first().agent_id
    InteractionFactory(agent_id=agent, occurred_at=START + datetime.timedelta(days=5) - SECOND)
    InteractionFactory(agent_id=agent, occurred_at=START + datetime.timedelta(days=5))

    by_id = reports.hr_experiment_result(Experiment.objects.all(), pk=experiment.pk, days=5)

    assert by_id == reports.experiment_result(experiment, days=5)


def test_an_experiment_outside_the_readers_experiments_is_not_found(experiment):
    others = Experiment.objects.exclude(pk=experiment.pk)

    assert reports.hr_experiment_result(others, pk=experiment.pk) is None
    assert reports.hr_experiment_result(Experiment.objects.none(), pk=experiment.pk) is None
    assert reports.hr_experiment_result(Experiment.objects.all(), pk=2**70) is None


def test_an_experiment_nobody_is_assigned_to_has_no_agents_in_either_group(experiment):
    experiment.assignments.all().delete()

    report = reports.hr_experiment_result(Experiment.objects.all(), pk=experiment.pk)

    assert report == reports.experiment_result(experiment)
    assert report["figures"]["agents_assigned"] is None  # under 5: withheld from HR
    assert report["figures"]["metrics"] == dict.fromkeys(reports.EXPERIMENT_METRICS)


@pytest.mark.parametrize("pk", ["999999", "abc", "99999999999999999999999"])
def test_hr_asking_for_an_unknown_experiment_gets_a_404(hr_api, experiment, pk):
    assert hr_api.get(f"/api/experiments/{pk}/result/").status_code == 404
