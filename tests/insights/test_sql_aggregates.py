"""HR's funnel, retention, A/B result and criterion means are counted in SQL; a manager's
come from per-agent rows with the formulas they had before. On the same data both give the
same figures."""

import datetime
import math
from collections import defaultdict

import pytest

from certification.models import CertificationDecision
from cohorts import services as cohort_services
from cohorts.models import Attendance, Enrollment, ModuleProgress, RubricScore
from insights import reports
from insights.reports import completion
from tests.cohorts.conftest import BEFORE_START, enrol, rollout_program
from tests.factories import AgentFactory, CohortFactory, InteractionFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
EVERYONE = reports.Scope(cohorts=None)
EVERYONE_IN_DETAIL = reports.Scope(cohorts=None, detail=True)


def _same(a, b, path="figures"):
    """Equal, floats to 1e-9 relative (SQL sums in another order than math.fsum)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{n}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), path
    else:
        assert a == b, path


def test_hrs_ab_result_from_sql_equals_the_one_from_per_agent_rows():
    cohort = CohortFactory(program=rollout_program())
    enrol(cohort, 14)
    experiment = cohort_services.experiment_create(
        name="A/B", cohort=cohort, window_start=datetime.datetime(2026, 11, 1, tzinfo=UTC),
        window_end=datetime.datetime(2026, 12, 1, tzinfo=UTC), seed=3,
    )  # fmt: skip
    when = datetime.datetime(2026, 11, 4, tzinfo=UTC)
    for n, agent_id in enumerate(experiment.assignments.order_by("agent").values_list("agent")):
        for k in range(3 + n % 4):
            surveyed = (n + k) % 3 != 0
            InteractionFactory(
                agent_id=agent_id[0], occurred_at=when,
                csat=1 + (n * 7 + k * 3) % 5 if surveyed else None,
                nps=(n * 5 + k * 4) % 11 if surveyed else None,
                handle_seconds=180 + 37 * n + 101 * k,
                escalated=(n + 2 * k) % 5 == 0,
                resolved_first_contact=(n * k) % 3 != 1,
            )  # fmt: skip

    from_sql = reports.experiment_result(experiment)
    from_rows = reports.experiment_result(experiment, detail=True)

    assert all(from_sql["figures"]["metrics"].values())  # nothing withheld: all compared
    _same(from_sql["figures"], from_rows["figures"])
    _same(from_sql["rows"], reports.experiment_group_summary(from_rows["rows"]), "rows")


def test_an_ab_metric_that_does_not_vary_between_agents_is_not_conclusive_in_sql():
    cohort = CohortFactory(program=rollout_program())
    enrol(cohort, 12)
    experiment = cohort_services.experiment_create(
        name="A/B", cohort=cohort, window_start=datetime.datetime(2026, 11, 1, tzinfo=UTC),
        window_end=datetime.datetime(2026, 12, 1, tzinfo=UTC), seed=4,
    )  # fmt: skip
    for agent_id in experiment.assignments.values_list("agent", flat=True):
        for csat in (3, 4, 4):  # every agent's mean is 3.666...
            InteractionFactory(agent_id=agent_id, csat=csat,
                               occurred_at=datetime.datetime(2026, 11, 4, tzinfo=UTC))  # fmt: skip

    csat = reports.experiment_result(experiment)["figures"]["metrics"]["csat_mean"]

    assert "every value is the same" in csat["reason"]


def test_hrs_funnel_counted_in_sql_equals_the_funnel_from_its_rows():
    cohort = CohortFactory(program=rollout_program(), start_date=datetime.date(2026, 10, 26))
    enrollments = enrol(cohort, 9)
    cohort_services.cohort_start(cohort=cohort, now=BEFORE_START)
    other = CohortFactory(program=rollout_program(), start_date=datetime.date(2026, 10, 26))
    enrol(other, 2)
    cohort_services.cohort_start(cohort=other, now=BEFORE_START)
    workshops = list(cohort.schedule_items.filter(kind="workshop"))
    foreign = other.schedule_items.filter(kind="workshop").first()
    for n, enrollment in enumerate(enrollments):
        for item in workshops[: n % (len(workshops) + 1)]:
            Attendance.objects.create(enrollment=enrollment, item=item, attended=n != 4)
        if n == 2:  # attendance at another cohort's workshop counts for nothing
            Attendance.objects.create(enrollment=enrollment, item=foreign, attended=True)
    now = datetime.datetime(2026, 11, 1, tzinfo=UTC)
    modules = list(cohort.schedule_items.filter(kind="module").order_by("starts_at"))
    for n, enrollment in enumerate(enrollments):
        for item in modules[: n % 3]:
            ModuleProgress.objects.create(enrollment=enrollment, item=item, prework_done_at=now,
                                          practice_attended_at=None if n == 7 else now)  # fmt: skip
    for n, enrollment in enumerate(enrollments[:6]):
        CertificationDecision.objects.create(
            enrollment=enrollment, agent=enrollment.agent, program=enrollment.program,
            evidence={}, evidence_hash=str(enrollment.pk),
            decided_at=enrollment.enrolled_at + datetime.timedelta(days=20 + 7 * n, hours=n),
            revoked_at=now if n == 5 else None, revocation_reason="in error" if n == 5 else "",
        )  # fmt: skip
    outcomes = ("withdrawn", "completed", "not_completed")
    for enrollment, outcome in zip(enrollments[6:], outcomes, strict=True):
        Enrollment.objects.filter(pk=enrollment.pk).update(status=outcome)

    totals, agents = reports.funnel_totals(EVERYONE)
    detail = reports.funnel(EVERYONE_IN_DETAIL)

    assert totals == reports.funnel_figures(detail["rows"], completion._funnel_modules(
        EVERYONE.enrollments()))  # fmt: skip
    assert totals == detail["figures"]
    assert agents == 11
    assert (totals["attended_all_workshops"], totals["certified"]) == (3, 5)  # not vacuous


def test_hrs_retention_groups_equal_the_ones_from_per_agent_rows():
    day_one = datetime.date(2025, 1, 6)
    landmark = day_one + datetime.timedelta(days=reports.LANDMARK_DAYS)
    cohort = CohortFactory(program=rollout_program(), start_date=day_one)
    enrollments = enrol(cohort, 16)
    for n, enrollment in enumerate(enrollments):
        agent = enrollment.agent
        agent.hired_on = datetime.date(2023, 1, 1) if n != 3 else landmark + datetime.timedelta(5)
        agent.left_on = None if n % 3 else landmark + datetime.timedelta(days=20 * n - 40)
        agent.save()
        if n % 2:
            Enrollment.objects.filter(pk=enrollment.pk).update(
                status=Enrollment.Status.COMPLETED,
                status_changed_at=datetime.datetime(2025, 3, 1 + n, tzinfo=UTC),
            )
    as_of = landmark + datetime.timedelta(days=400)

    hr = reports.retention(EVERYONE, as_of=as_of)
    manager = reports.retention(EVERYONE_IN_DETAIL, as_of=as_of)

    for name in ("trained", "untrained"):
        mine = [row for row in manager["rows"] if row["group"] == name]
        assert len(mine) >= reports.MIN_GROUP  # neither group withheld: both compared
        _same(hr["figures"]["groups"][name], reports.retention_figures(mine, hide_under=5))
    for key in ("followed", "landmark_not_reached", "left_before_landmark"):
        assert hr["figures"][key] == manager["figures"][key]
    assert manager["figures"]["left_before_landmark"] == 1


def test_criterion_totals_in_sql_equal_the_python_sums():
    scorer = AgentFactory()
    agents = AgentFactory.create_batch(3)
    program = rollout_program()
    values = [
        {"tone": 3, "validation": 4.5},
        {"tone": 5, "validation": True, "note": "text"},  # neither a boolean nor text counts
        {"tone": 1.25, "paraphrase": 2},
        {},
        {"tone": 4, "validation": 2},
    ]
    for n, scored in enumerate(values):
        RubricScore.objects.create(
            rubric=program.rubric, scorer=scorer, subject=agents[n % 3], context="qa",
            values=scored, percent=50, scored_at=datetime.datetime(2026, 11, 2, tzinfo=UTC),
        )  # fmt: skip
    expected = defaultdict(lambda: [0.0, 0, set()])  # the former formula, in Python
    for subject, scored in RubricScore.objects.values_list("subject", "values"):
        for key, value in scored.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                expected[key][0] += value
                expected[key][1] += 1
                expected[key][2].add(subject)

    totals = reports.criterion_totals(RubricScore.objects.all())

    assert totals == {key: (total, n, len(who)) for key, (total, n, who) in expected.items()}
    assert math.isclose(totals["tone"][0], 13.25)


def test_criterion_totals_of_scores_that_can_match_nothing_are_empty(db):
    from cohorts.models import RubricScore
    from insights.reports import criterion_totals

    assert criterion_totals(RubricScore.objects.none()) == {}
    assert criterion_totals(RubricScore.objects.filter(subject_id__in=[])) == {}
