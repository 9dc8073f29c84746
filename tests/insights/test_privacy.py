"""HR's privacy rule, cell by cell: a figure is shown only with 5 or more agents behind it
(the agents who contribute to that very statistic), in the JSON, the CSV exports and the
page alike, whether a filter was applied or not. Each test here failed before the rule was
applied per cell."""

import csv
import datetime
import io

import pytest

from cohorts import services as cohort_services
from cohorts.models import RubricScore
from cohorts.services.scores import rubric_score_week_add
from insights import reports
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import AgentFactory, CohortFactory, InteractionFactory, TeamFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
MONDAY = datetime.datetime(2026, 11, 2, 12, tzinfo=UTC)


def _csv(response):
    assert response.streaming  # written while sent, never whole in memory
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def big_and_small(facilitator):
    big = CohortFactory(program=rollout_program(), name="Big cohort", facilitators=[facilitator])
    enrol(big, 12)
    small = CohortFactory(program=rollout_program(), name="Tiny cohort", facilitators=[facilitator])
    enrol(small, 3)
    return big, small


@pytest.fixture
def facilitator(db):
    from tests.factories import ManagerFactory

    return ManagerFactory()


@pytest.mark.parametrize("query", ["export=rows", "include=rows"])
def test_hrs_unfiltered_funnel_rows_never_list_a_small_cohort_or_anyone(
    hr_api, big_and_small, query
):
    response = hr_api.get(f"/api/insights/funnel/?{query}")
    rows = _csv(response) if query.startswith("export") else response.json()["rows"]

    assert rows  # the step table
    assert all(set(row) == {"step", "agents"} for row in rows)
    assert not any("Tiny" in str(row) for row in rows)
    enrolled = next(row for row in rows if row["step"] == "Enrolled")
    assert int(enrolled["agents"]) == 15  # the small cohort is inside the total, unseen


def test_hr_filtered_to_the_small_cohort_sees_nothing(hr_api, big_and_small):
    _, small = big_and_small

    body = hr_api.get(f"/api/insights/funnel/?cohort={small.pk}&include=rows").json()

    assert body["figures"]["enrolled"] is None
    assert body["rows"] == []


def test_a_manager_still_gets_the_per_agent_rows(manager_api, big_and_small, facilitator):
    manager_api.force_authenticate(facilitator)

    rows = _csv(manager_api.get("/api/insights/funnel/?export=rows"))

    assert len(rows) == 15
    assert all("@" in row["agent"] for row in rows)


def test_withdrawals_are_their_own_funnel_step(hr_api, big_and_small):
    big, _ = big_and_small
    for enrollment in big.enrollments.all()[:2]:
        cohort_services.enrollment_withdraw(enrollment=enrollment, reason="left the team")

    figures = hr_api.get(f"/api/insights/funnel/?cohort={big.pk}").json()["figures"]

    assert (figures["enrolled"], figures["withdrawn"], figures["stayed"]) == (12, 2, 10)


def _experiment(cohort, seed=3):
    return cohort_services.experiment_create(
        name="A/B", cohort=cohort, window_start=datetime.datetime(2026, 11, 1, tzinfo=UTC),
        window_end=datetime.datetime(2026, 12, 1, tzinfo=UTC), seed=seed,
    )  # fmt: skip


def test_an_ab_metric_counts_the_agents_with_data_not_the_agents_assigned(hr_api, facilitator):
    cohort = CohortFactory(program=rollout_program(), facilitators=[facilitator])
    enrol(cohort, 12)
    experiment = _experiment(cohort)
    with_csat = {"treatment": 0, "control": 0}
    for agent_id, group in experiment.assignments.values_list("agent", "group"):
        csat = None
        if with_csat[group] < 2:  # only 2 agents per arm answer CSAT...
            with_csat[group] += 1
            csat = 5 if group == "treatment" else 2
        for seconds in (300, 420):  # ...but all 6 have handle times
            InteractionFactory(agent_id=agent_id, csat=csat, handle_seconds=seconds,
                               occurred_at=datetime.datetime(2026, 11, 5, tzinfo=UTC))  # fmt: skip

    body = hr_api.get(f"/api/experiments/{experiment.pk}/result/?include=rows").json()
    rows = _csv(hr_api.get(f"/api/experiments/{experiment.pk}/result/?export=rows"))

    assert body["figures"]["metrics"]["csat_satisfied_percent"] is None
    assert body["figures"]["metrics"]["csat_mean"] is None
    assert body["figures"]["metrics"]["aht_seconds"]["treatment_n"] == 6
    assert not any(row["metric"].startswith("csat") for row in rows)
    assert any(row["metric"] == "aht_seconds" for row in rows)
    assert any("CSAT" in note for note in body["notes"])


def _scored_week(agents, scored):
    for agent in agents:
        InteractionFactory(agent=agent, csat=4, occurred_at=MONDAY)
    scorer = AgentFactory()
    for agent in agents[:scored]:
        rubric_score_week_add(score=RubricScore.objects.create(
            rubric=_rubric(), scorer=scorer, subject=agent, context="qa", values={"tone": 3},
            percent=60, scored_at=MONDAY,
        ))  # fmt: skip


def _rubric():
    from programs.models import Rubric
    from tests.factories import RubricFactory

    return Rubric.objects.first() or RubricFactory()


def test_a_weeks_rubric_average_needs_five_scored_agents(hr_api, manager_api, facilitator):
    team = TeamFactory()
    agents = AgentFactory.create_batch(6, team=team)
    _scored_week(agents, scored=3)

    body = hr_api.get(f"/api/insights/kpis/?team={team.pk}").json()
    rows = _csv(hr_api.get(f"/api/insights/kpis/?team={team.pk}&export=rows"))
    week = body["figures"]["weeks"][0]

    assert week["csat_satisfied_percent"] == 100  # 6 agents answered
    assert week["rubric_percent"] is None  # 3 agents scored
    assert any("rubric average" in note for note in body["notes"])
    assert rows[0]["rubric_sum"] == ""
    assert rows[0]["rubric_agents"] == ""
    assert rows[0]["csat_satisfied_percent_sum"] == "6"


def test_the_rubric_average_shows_with_five_scored_agents(hr_api):
    team = TeamFactory()
    agents = AgentFactory.create_batch(6, team=team)
    _scored_week(agents, scored=5)

    week = hr_api.get(f"/api/insights/kpis/?team={team.pk}").json()["figures"]["weeks"][0]

    assert (week["rubric_percent"], week["rubric_of_5"]) == (60, 3)


def test_each_kpi_cell_has_its_own_threshold(hr_api):
    team = TeamFactory()
    agents = AgentFactory.create_batch(6, team=team)
    for n, agent in enumerate(agents):  # everyone has a handle time; 2 answer NPS
        InteractionFactory(agent=agent, handle_seconds=300, nps=10 if n < 2 else None,
                           csat=None, occurred_at=MONDAY)  # fmt: skip

    week = hr_api.get(f"/api/insights/kpis/?team={team.pk}").json()["figures"]["weeks"][0]

    assert week["aht_seconds"] == 300
    assert week["nps"] is None


def test_hrs_retention_rows_are_group_totals(hr_api, facilitator):
    cohort = CohortFactory(
        program=rollout_program(), facilitators=[facilitator], start_date=datetime.date(2025, 1, 6)
    )
    enrol(cohort, 6)

    rows = _csv(hr_api.get("/api/insights/retention/?export=rows"))

    assert rows
    assert all(set(row) == {"group", "agents", "leavers", "follow_up_days"} for row in rows)


def test_the_risk_table_hides_counts_under_five(facilitator):
    cohort = CohortFactory(
        program=rollout_program(), facilitators=[facilitator], start_date=datetime.date(2025, 1, 6)
    )
    landmark = datetime.date(2025, 1, 6) + datetime.timedelta(days=reports.LANDMARK_DAYS)
    for n, enrollment in enumerate(enrol(cohort, 6)):
        agent = enrollment.agent
        agent.hired_on = datetime.date(2024, 1, 1)
        agent.left_on = landmark + datetime.timedelta(days=50) if n < 3 else None
        agent.save()
    hr, manager = reports.Scope(cohorts=None), reports.Scope(cohorts=None, detail=True)
    as_of = landmark + datetime.timedelta(days=200)

    shown = reports.retention(hr, as_of=as_of)["figures"]["groups"]["untrained"]
    full = reports.retention(manager, as_of=as_of)["figures"]["groups"]["untrained"]

    assert shown["at_risk"]["0"] == 6
    assert full["at_risk"]["90"] == 3
    assert shown["at_risk"]["90"] is None  # 3 people still at risk: not shown to HR
    assert shown["survival_at"]["90"] is None
    assert shown["curve"]["times"] == [50.0]  # the step with 6 at risk stays
