"""HR and manager insights: figures against hand computation and scipy, suppression,
exports that recompute, permissions."""

import csv
import datetime
import io

import pytest
import scipy.stats

from certification.models import CertificationDecision
from cohorts import services as cohort_services
from cohorts.models import Attendance, Cohort, Enrollment, ModuleProgress
from cohorts.services.scores import rubric_score_week_add
from insights import figures, reports
from tests.cohorts.conftest import BEFORE_START, enrol, rollout_program
from tests.factories import CohortFactory, InteractionFactory, ManagerFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _csv(response):
    assert response.streaming  # written while sent, never whole in memory
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def facilitator(db):
    return ManagerFactory()


@pytest.fixture
def cohort(facilitator):
    cohort = CohortFactory(
        program=rollout_program(),
        start_date=datetime.date(2026, 10, 26),
        facilitators=[facilitator],
    )
    enrol(cohort, 6)
    cohort_services.cohort_start(cohort=cohort, now=BEFORE_START)
    return cohort


def _certify(enrollment, when):
    CertificationDecision.objects.create(
        enrollment=enrollment, agent=enrollment.agent, program=enrollment.program, evidence={},
        evidence_hash=str(enrollment.pk), decided_at=when,
    )  # fmt: skip


def _complete(enrollment, when, status=Enrollment.Status.COMPLETED):
    """The enrolment's outcome when its cohort closed (see cohorts.services.cohort_close)."""
    Enrollment.objects.filter(pk=enrollment.pk).update(status=status, status_changed_at=when)


def test_funnel_counts_attendance_modules_and_certification(hr_api, cohort, facilitator):
    enrollments = list(cohort.enrollments.order_by("pk"))
    workshops = list(cohort.schedule_items.filter(kind="workshop"))
    for enrollment in enrollments[:4]:
        for item in workshops:
            Attendance.objects.create(enrollment=enrollment, item=item, attended=True)
    module = cohort.schedule_items.filter(kind="module").order_by("starts_at").first()
    now = datetime.datetime(2026, 11, 1, tzinfo=UTC)
    for enrollment in enrollments[:3]:
        ModuleProgress.objects.create(
            enrollment=enrollment, item=module, prework_done_at=now, practice_attended_at=now
        )
    Enrollment.objects.filter(pk__in=[e.pk for e in enrollments]).update(
        enrolled_at=datetime.datetime(2026, 10, 1, tzinfo=UTC)
    )
    for enrollment, days in zip(enrollments[:3], (30, 40, 60), strict=True):
        _certify(
            enrollment, datetime.datetime(2026, 10, 1, tzinfo=UTC) + datetime.timedelta(days=days)
        )

    body = hr_api.get(f"/api/insights/funnel/?cohort={cohort.pk}").json()["figures"]

    assert body["enrolled"] == 6
    assert body["attended_all_workshops"] == 4
    assert body["certified"] == 3
    assert body["certification_rate"] == 0.5
    # Three certified agents: too few behind a median for HR; a manager sees it.
    assert body["median_days_to_certification"] is None
    detail = reports.funnel(reports.Scope(cohorts=frozenset([cohort.pk]), detail=True))
    assert detail["figures"]["median_days_to_certification"] == 40
    first_module = next(m for m in body["modules"] if m["module"] == module.module_id)
    assert first_module["completed"] == 3


def test_the_funnel_export_recomputes_to_the_same_figures(manager_api, cohort, facilitator):
    _certify(cohort.enrollments.first(), datetime.datetime(2026, 11, 30, tzinfo=UTC))
    manager_api.force_authenticate(facilitator)

    shown = manager_api.get(f"/api/insights/funnel/?cohort={cohort.pk}").json()["figures"]
    rows = _csv(manager_api.get(f"/api/insights/funnel/?cohort={cohort.pk}&export=rows"))
    for row in rows:
        row["workshops_attended"] = int(row["workshops_attended"])
        row["workshops_total"] = int(row["workshops_total"])
    from programs.models import Module

    modules = (
        Module.objects.filter(program=cohort.program)
        .select_related("phase")
        .order_by("program", "phase__order", "week")
    )

    assert reports.funnel_figures(rows, modules) == shown
    assert "@" in rows[0]["agent"]  # managers get per-agent rows


def test_hr_never_sees_a_group_under_five(hr_api, facilitator):
    small = CohortFactory(program=rollout_program(), facilitators=[facilitator])
    enrol(small, 4)

    body = hr_api.get(f"/api/insights/funnel/?cohort={small.pk}&include=rows").json()

    assert body["figures"]["enrolled"] is None
    assert body["rows"] == []
    assert "fewer than 5 agents" in body["notes"][0]


def test_hr_rows_name_nobody(hr_api, cohort):
    rows = _csv(hr_api.get(f"/api/insights/funnel/?cohort={cohort.pk}&export=rows"))

    assert rows
    assert all(set(row) == {"step", "agents"} for row in rows)  # a step table, nobody in it


@pytest.mark.parametrize("client_fixture", ["agent_api", "coach_api"])
def test_agents_and_coaches_read_no_insights(request, client_fixture, cohort):
    client = request.getfixturevalue(client_fixture)

    assert client.get("/api/insights/funnel/").status_code == 403
    assert client.get("/api/insights/kpis/").status_code == 403


def test_a_manager_reads_only_their_cohorts(manager_api, cohort):
    body = manager_api.get(f"/api/insights/funnel/?cohort={cohort.pk}").json()

    assert body["figures"]["enrolled"] == 0


def test_retention_matches_a_hand_computed_kaplan_meier(facilitator):
    day_one = datetime.date(2025, 1, 6)
    landmark = day_one + datetime.timedelta(days=reports.LANDMARK_DAYS)
    # untrained: left 100 and 200 days after the landmark; 3 stayed to as_of (censored)
    _landmark_cohort(facilitator, day_one, [100, 200, None, None, None])
    as_of = landmark + datetime.timedelta(days=365)

    manager = reports.Scope(cohorts=None, detail=True)  # HR's curve would stop at 4 at risk
    body = reports.retention(manager, as_of=as_of)["figures"]

    untrained = body["groups"]["untrained"]
    # S(100) = 4/5, S(200) = 4/5 * 3/4 = 0.6
    assert untrained["curve"]["times"] == [100.0, 200.0]
    assert untrained["curve"]["survival"] == pytest.approx([0.8, 0.6])
    assert untrained["curve"]["at_risk"] == [5, 4]
    exposure = 100 + 200 + 3 * 365
    assert untrained["annualised_attrition"] == pytest.approx(2 / (exposure / 365.25))
    assert body["followed"] == 5


def test_retention_follows_from_the_landmark_not_from_hire(facilitator):
    """Immortal time: an agent trained on day 80 had to stay 80 days to be trained. From the
    landmark on, both groups start the clock on the same day."""
    day_one = datetime.date(2025, 1, 6)
    landmark = day_one + datetime.timedelta(days=reports.LANDMARK_DAYS)
    enrollments = _landmark_cohort(facilitator, day_one, [None] * 6 + [-30, 30])
    for enrollment in enrollments[:3]:  # trained before the landmark
        _complete(enrollment, datetime.datetime(2025, 3, 1, tzinfo=UTC))
    _complete(enrollments[3], datetime.datetime(2025, 6, 1, tzinfo=UTC))  # after: untrained
    # Certified but not completed by the program's rule: not trained.
    _certify(enrollments[4], datetime.datetime(2025, 3, 1, tzinfo=UTC))
    _complete(enrollments[4], datetime.datetime(2025, 3, 2, tzinfo=UTC), "not_completed")
    as_of = landmark + datetime.timedelta(days=100)

    body = reports.retention(reports.Scope(cohorts=None, detail=True), as_of=as_of)["figures"]

    assert body["left_before_landmark"] == 1  # left 30 days before: not followed
    assert (body["groups"]["trained"]["agents"], body["groups"]["untrained"]["agents"]) == (3, 4)
    assert body["groups"]["untrained"]["leavers"] == 1
    assert "landmark" in body["method"]


def _landmark_cohort(facilitator, day_one, left_after_landmark):
    """A cohort starting `day_one` with one agent per entry, hired long before, who left
    that many days after the landmark (None: still here)."""
    cohort = CohortFactory(program=rollout_program(), facilitators=[facilitator],
                           start_date=day_one)  # fmt: skip
    landmark = day_one + datetime.timedelta(days=reports.LANDMARK_DAYS)
    enrollments = enrol(cohort, len(left_after_landmark))
    for enrollment, days in zip(enrollments, left_after_landmark, strict=True):
        agent = enrollment.agent
        agent.hired_on = datetime.date(2023, 1, 1)
        agent.left_on = None if days is None else landmark + datetime.timedelta(days=days)
        agent.save()
    return enrollments


def test_kpi_trends_weekly_and_the_export_recomputes(manager_api, cohort, facilitator):
    agents = [e.agent for e in cohort.enrollments.all()]
    monday = datetime.datetime(2026, 11, 2, 12, tzinfo=UTC)
    for n, agent in enumerate(agents):
        InteractionFactory(agent=agent, occurred_at=monday, csat=5 - n % 2, nps=10 - n,
                           handle_seconds=300 + 10 * n, escalated=n == 0,
                           resolved_first_contact=n % 2 == 0)  # fmt: skip
    manager_api.force_authenticate(facilitator)

    week = manager_api.get(f"/api/insights/kpis/?cohort={cohort.pk}").json()["figures"]["weeks"][0]
    rows = _csv(manager_api.get(f"/api/insights/kpis/?cohort={cohort.pk}&export=rows"))

    # csat 5,4,5,4,5,4 -> mean 4.5, all satisfied; nps 10..5 -> 2 promoters, 2 detractors
    assert (week["week"], week["csat_mean"], week["nps"]) == ("2026-11-02", 4.5, 0.0)
    assert week["csat_satisfied_percent"] == 100
    assert week["aht_seconds"] == 325.0
    assert week["escalation_percent"] == pytest.approx(round(100 / 6, 4))
    assert week["fcr_percent"] == 50
    recomputed = reports.kpi_values(rows[0])
    assert {k: week[k] for k in recomputed} == recomputed


def test_the_ab_result_equals_scipy(manager_api, cohort, facilitator):
    experiment = cohort_services.experiment_create(
        name="A/B", cohort=cohort, window_start=datetime.datetime(2026, 11, 1, tzinfo=UTC),
        window_end=datetime.datetime(2026, 12, 1, tzinfo=UTC), seed=1,
    )  # fmt: skip
    values = {"treatment": [5, 4, 5, 5, 4, 5, 5, 3], "control": [3, 4, 2, 4, 3, 3, 4, 2]}
    mine = {"treatment": [], "control": []}
    for index, (agent_id, group) in enumerate(
        experiment.assignments.order_by("agent").values_list("agent", "group")
    ):
        answers = values[group][: 5 + index % 4]  # agents answer different numbers of surveys
        mine[group].append(answers)
        for csat in answers:
            InteractionFactory(agent_id=agent_id, csat=csat, escalated=csat < 3,
                               occurred_at=datetime.datetime(2026, 11, 5, tzinfo=UTC))  # fmt: skip
    manager_api.force_authenticate(facilitator)

    body = manager_api.get(f"/api/experiments/{experiment.pk}/result/").json()["figures"]

    csat = body["metrics"]["csat_mean"]
    agent_means = {g: [sum(a) / len(a) for a in mine[g]] for g in mine}
    expected = scipy.stats.ttest_ind(agent_means["treatment"], agent_means["control"],
                                     equal_var=False)  # fmt: skip
    assert (csat["unit"], csat["treatment_n"], csat["control_n"]) == ("agents", 3, 3)
    assert csat["p_value"] == pytest.approx(expected.pvalue, abs=1e-9)
    every = {g: [v for a in mine[g] for v in a] for g in mine}
    secondary = scipy.stats.ttest_ind(every["treatment"], every["control"], equal_var=False)
    assert csat["interaction_level"]["p_value"] == pytest.approx(secondary.pvalue, abs=1e-9)
    assert body["agents_assigned"] == {"treatment": 3, "control": 3}


def test_hr_gets_no_ab_result_for_small_groups(hr_api, cohort):
    experiment = cohort_services.experiment_create(
        name="A/B", cohort=cohort, window_start=datetime.datetime(2026, 11, 1, tzinfo=UTC),
        window_end=datetime.datetime(2026, 12, 1, tzinfo=UTC), seed=1,
    )  # fmt: skip

    body = hr_api.get(f"/api/experiments/{experiment.pk}/result/").json()

    assert all(metric is None for metric in body["figures"]["metrics"].values())
    assert body["figures"]["agents_assigned"] is None
    assert "fewer than 5" in body["notes"][0]


def test_roi_shows_its_formula(hr_api):
    body = hr_api.get(
        "/api/insights/roi/?customers=1000&revenue_per_customer=1200&churn_reduction_points=2"
        "&csat_lift_points=6"
    ).json()["figures"]

    assert body["retained_revenue"] == pytest.approx(24000)
    assert "1,000" in body["formula"] or "1000" in body["formula"]


def test_bad_filters_are_a_400(hr_api):
    response = hr_api.get("/api/insights/kpis/?start=2026-11-10T00:00Z&end=2026-11-01T00:00Z")

    assert response.status_code == 400
    assert "end" in response.json()


def test_the_leading_indicator_finds_the_lag(manager_api, cohort, facilitator):
    from cohorts.models import RubricScore

    agents = [e.agent for e in cohort.enrollments.all()]
    rubric = cohort.program.rubric
    start = datetime.datetime(2026, 11, 2, 12, tzinfo=UTC)
    pattern = [60, 70, 65, 80, 75, 90, 85, 70, 95, 80]
    for week, value in enumerate(pattern):
        for agent in agents:
            rubric_score_week_add(score=RubricScore.objects.create(
                rubric=rubric, scorer=facilitator, subject=agent, context="qa", values={},
                percent=value, scored_at=start + datetime.timedelta(weeks=week),
            ))  # fmt: skip
        if week >= 2:  # 20 answers, pattern[week - 2]% of them satisfied: CSAT lags by 2
            satisfied = pattern[week - 2] * 20 // 100
            for n in range(20):
                InteractionFactory(
                    agent=agents[n % len(agents)], csat=5 if n < satisfied else 2,
                    occurred_at=start + datetime.timedelta(weeks=week),
                )  # fmt: skip
    manager_api.force_authenticate(facilitator)

    body = manager_api.get(
        f"/api/insights/leading-indicator/?cohort={cohort.pk}&include=rows"
    ).json()

    assert body["figures"]["best_lag"] == 2
    rows = body["rows"]
    lag2 = next(item for item in body["figures"]["lags"] if item["lag"] == 2)
    x = [r["rubric_percent"] for r in rows][: len(rows) - 2]
    y = [r["csat_satisfied_percent"] for r in rows][2:]
    pairs = [(a, b) for a, b in zip(x, y, strict=True) if a is not None and b is not None]
    expected = scipy.stats.pearsonr([a for a, _ in pairs], [b for _, b in pairs])
    assert lag2["r"] == pytest.approx(expected.statistic, abs=1e-9)


def test_unused_names_are_exercised():
    assert figures.nps([10, 9, 8, 3]) == 25.0
    assert Cohort.Status.RUNNING == "running"


@pytest.mark.parametrize("agents", [6, 30])
def test_insight_endpoints_run_a_constant_number_of_queries(
    hr_api, facilitator, django_assert_max_num_queries, agents
):
    cohort = CohortFactory(program=rollout_program(), facilitators=[facilitator])
    enrol(cohort, agents)
    for enrollment in cohort.enrollments.all():
        InteractionFactory(agent=enrollment.agent, csat=4)
        _certify(enrollment, datetime.datetime(2026, 11, 30, tzinfo=UTC))

    # funnel: the counts (enrolments, workshops attended), module progress, decisions,
    # modules
    with django_assert_max_num_queries(4):
        assert hr_api.get("/api/insights/funnel/").status_code == 200
    # kpis: weekly interactions, weekly rubric scores (each from its weekly rollup), latest
    # baseline; for the latest 30 days: whether the rest of the current week holds
    # interactions, then the interactions (the rollup's whole weeks and the partial ones');
    # the same two for rubric scores; employment (attrition) and criterion scores
    with django_assert_max_num_queries(9):
        assert hr_api.get("/api/insights/kpis/").status_code == 200
    # retention: the agents with their first cohort day and earliest completion
    with django_assert_max_num_queries(1):
        assert hr_api.get("/api/insights/retention/").status_code == 200


def test_the_retention_export_recomputes(hr_api, facilitator):
    _landmark_cohort(facilitator, datetime.date(2025, 1, 6), [50, None, 120, None, None, 300])

    shown = hr_api.get("/api/insights/retention/").json()["figures"]["groups"]
    rows = _csv(hr_api.get("/api/insights/retention/?export=rows"))

    (untrained,) = [r for r in rows if r["group"] == "untrained"]
    assert int(untrained["agents"]) == shown["untrained"]["agents"] == 6
    assert figures.annualised_attrition(
        int(untrained["leavers"]), float(untrained["follow_up_days"])
    ) == pytest.approx(shown["untrained"]["annualised_attrition"], abs=1e-12)
    assert "agent" not in untrained


def test_hrs_experiment_export_recomputes_the_welch_test(hr_api, facilitator):
    cohort = CohortFactory(program=rollout_program(), facilitators=[facilitator])
    enrol(cohort, 10)
    experiment = cohort_services.experiment_create(
        name="A/B", cohort=cohort, window_start=datetime.datetime(2026, 11, 1, tzinfo=UTC),
        window_end=datetime.datetime(2026, 12, 1, tzinfo=UTC), seed=2,
    )  # fmt: skip
    for n, (agent_id, group) in enumerate(experiment.assignments.values_list("agent", "group")):
        for k in range(4):
            base = 5 if group == "treatment" else 3
            InteractionFactory(
                agent_id=agent_id,
                csat=base - (n % 3 if k == 0 else k % 2),  # agents' means differ
                occurred_at=datetime.datetime(2026, 11, 3, tzinfo=UTC),
            )

    shown = hr_api.get(f"/api/experiments/{experiment.pk}/result/").json()["figures"]
    rows = _csv(hr_api.get(f"/api/experiments/{experiment.pk}/result/?export=rows"))

    stats = {r["group"]: r for r in rows if r["metric"] == "csat_mean"}
    t, c = stats["treatment"], stats["control"]
    recomputed = scipy.stats.ttest_ind_from_stats(
        float(t["mean"]), float(t["variance"]) ** 0.5, int(t["agents"]),
        float(c["mean"]), float(c["variance"]) ** 0.5, int(c["agents"]), equal_var=False,
    )  # fmt: skip
    assert shown["metrics"]["csat_mean"]["p_value"] == pytest.approx(recomputed.pvalue, abs=1e-9)
    assert {"agent", "id"}.isdisjoint(rows[0])


@pytest.mark.parametrize(
    "query",
    [
        "customers=1000&revenue_per_customer=1.19e308&churn_reduction_points=2",
        "customers=100000000000000000000&revenue_per_customer=10&churn_reduction_points=2",
        "customers=10&revenue_per_customer=10&churn_reduction_points=2&csat_lift_points=1e308",
    ],
)
def test_roi_refuses_inputs_too_large_for_a_finite_figure(hr_api, query):
    response = hr_api.get(f"/api/insights/roi/?{query}")

    assert response.status_code == 400


@pytest.mark.parametrize("start", ["9999-12-01T00:00:00Z", "0001-01-01T00:00:00Z"])
def test_an_ab_result_from_a_start_out_of_range_is_a_400(hr_api, cohort, start):
    experiment = cohort_services.experiment_create(
        name="A/B", cohort=cohort, window_start=datetime.datetime(2026, 11, 1, tzinfo=UTC),
        window_end=datetime.datetime(2026, 12, 1, tzinfo=UTC), seed=1,
    )  # fmt: skip

    response = hr_api.get(f"/api/experiments/{experiment.pk}/result/?start={start}")

    assert response.status_code == 400
    assert "between the years 1970 and 2200" in response.json()["start"][0]


def test_insight_dates_out_of_range_are_a_400(hr_api):
    response = hr_api.get("/api/insights/funnel/?start=0001-01-01T00:00:00Z")

    assert response.status_code == 400
    assert list(response.json()) == ["start"]


def test_an_experiment_seed_too_large_for_its_column_is_a_400(manager_api, cohort, facilitator):
    manager_api.force_authenticate(facilitator)

    response = manager_api.post(
        "/api/experiments/",
        {"name": "A/B", "cohort": cohort.pk, "window_start": "2026-11-01T00:00:00Z",
         "window_end": "2026-12-01T00:00:00Z", "seed": 2**63},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert list(response.json()) == ["seed"]


def test_exports_neutralise_cells_a_spreadsheet_would_run_as_formulas(
    manager_api, cohort, facilitator
):
    cohort.name = '=HYPERLINK("http://evil.example","click")'
    cohort.save()
    manager_api.force_authenticate(facilitator)

    rows = _csv(manager_api.get(f"/api/insights/funnel/?cohort={cohort.pk}&export=rows"))

    assert {row["cohort"] for row in rows} == {"'" + cohort.name}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"), ("+33 1 23", "'+33 1 23"), ("-A1", "'-A1"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("Billing", "Billing"), (-3.5, -3.5), (-2, -2),
        (None, None),
    ],
)  # fmt: skip
def test_only_text_that_starts_a_formula_is_escaped(value, written):
    from config.csv_cells import spreadsheet_safe

    assert spreadsheet_safe(value) == written


def test_the_funnel_counts_completion_from_the_close_out(hr_api, cohort):
    """Completed means the enrolment's outcome at close-out, not attendance: agents of
    a cohort still running are neither completed nor not completed."""
    enrollments = list(cohort.enrollments.order_by("pk"))
    ended = datetime.datetime(2027, 1, 24, tzinfo=UTC)
    for enrollment in enrollments[:2]:
        _complete(enrollment, ended)
    for enrollment in enrollments[2:5]:
        _complete(enrollment, ended, Enrollment.Status.NOT_COMPLETED)

    manager = reports.funnel_report(reports.Scope(cohorts=None, detail=True))["figures"]
    body = hr_api.get("/api/insights/funnel/").json()["figures"]

    assert (manager["completed"], manager["not_completed"]) == (2, 3)
    assert manager["completion_rate_of_closed"] == 0.4
    assert body["completed"] == 2  # a funnel count: its contributors are the 6 enrolled
    assert body["completion_rate_of_closed"] == 0.4  # 5 agents whose cohort ended
    steps = dict(reports.funnel_steps(manager))
    assert steps["Completed the program"] == 2


def test_hr_gets_no_completion_rate_from_fewer_than_5_closed_enrolments(hr_api, cohort):
    enrollments = list(cohort.enrollments.order_by("pk"))
    ended = datetime.datetime(2027, 1, 24, tzinfo=UTC)
    for enrollment in enrollments[:4]:
        _complete(enrollment, ended)

    response = hr_api.get("/api/insights/funnel/").json()

    assert response["figures"]["completed"] == 4
    assert response["figures"]["completion_rate_of_closed"] is None
    assert any("completion rate of ended cohorts" in note for note in response["notes"])
