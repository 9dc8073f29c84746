"""Retention is placed and counted in SQL; here each agent is placed in plain Python from
the factory data (landmark, group, days, departure) and the figures HR and a manager read
are compared with it, the cells withheld from HR included."""

import datetime
from collections import Counter

import pytest

from cohorts.models import Enrollment
from insights import figures, reports
from insights.retention import landmark_rows
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
DAY_ONE = datetime.date(2025, 1, 6)
LANDMARK = DAY_ONE + datetime.timedelta(days=reports.LANDMARK_DAYS)
AS_OF = LANDMARK + datetime.timedelta(days=400)


@pytest.fixture
def agents():
    """Two cohorts (the second's day 1 a month later) of 13 and 6 agents: leavers at many
    days, one hired after their landmark, one who left before it, one whose landmark is
    after AS_OF, trained ones (completed on or before the landmark) and one completed
    after it; only 4 trained agents, so HR's trained group is withheld."""
    first = CohortFactory(program=rollout_program(), start_date=DAY_ONE)
    later = CohortFactory(program=rollout_program(), start_date=DAY_ONE + datetime.timedelta(30))
    enrollments = enrol(first, 13) + enrol(later, 6)
    for n, enrollment in enumerate(enrollments):
        agent = enrollment.agent
        agent.hired_on = datetime.date(2023, 1, 1)
        if n == 3:
            agent.hired_on = LANDMARK + datetime.timedelta(days=5)
        if n == 4:
            agent.hired_on = AS_OF + datetime.timedelta(days=10)  # landmark after AS_OF
        agent.left_on = None if n % 3 == 1 else LANDMARK + datetime.timedelta(days=20 * n - 40)
        agent.save()
        if n in (1, 5, 7, 13):  # trained by the landmark
            _complete(enrollment, datetime.datetime(2025, 3, 1 + n, tzinfo=UTC))
        if n == 8:  # completed after the landmark: untrained
            _complete(enrollment, datetime.datetime(2025, 9, 1, tzinfo=UTC))
    return enrollments


def _complete(enrollment, when):
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.COMPLETED, status_changed_at=when
    )


def _placed_in_python():
    """{agent e-mail: (status, days, left)} by the rule in reports.retention's docstring."""
    placed = {}
    for agent_id in Enrollment.objects.values_list("agent", flat=True).distinct():
        mine = Enrollment.objects.filter(agent=agent_id).select_related("agent", "cohort")
        agent = mine[0].agent
        landmark = min(e.cohort.start_date for e in mine) + datetime.timedelta(
            days=reports.LANDMARK_DAYS
        )
        if agent.hired_on and agent.hired_on > landmark:
            landmark = agent.hired_on
        completions = [e.status_changed_at.date() for e in mine if e.status == "completed"]
        if landmark > AS_OF:
            placed[agent.email] = ("not_reached", None, None)
        elif agent.left_on and agent.left_on <= landmark:
            placed[agent.email] = ("left_before", None, None)
        else:
            group = "trained" if completions and min(completions) <= landmark else "untrained"
            left = bool(agent.left_on and agent.left_on <= AS_OF)
            end = agent.left_on if left else AS_OF
            placed[agent.email] = (group, (end - landmark).days, left)
    return placed


def test_the_sql_places_every_agent_as_python_does(agents):
    by_agent = landmark_rows(
        enrollments=Enrollment.objects.all(), as_of=AS_OF,
        landmark_days=reports.LANDMARK_DAYS, per_agent=True,
    )  # fmt: skip
    counted = landmark_rows(
        enrollments=Enrollment.objects.all(), as_of=AS_OF,
        landmark_days=reports.LANDMARK_DAYS, per_agent=False,
    )  # fmt: skip

    expected = _placed_in_python()
    assert {email: (s, d, g) for email, s, _, d, g in by_agent} == expected
    lines = Counter((s, d) for s, d, _ in expected.values())
    leavers = Counter((s, d) for s, d, g in expected.values() if g)
    assert counted == sorted(
        (s, d, n, leavers[s, d] if d is not None else None) for (s, d), n in lines.items()
    )
    statuses = Counter(status for status, _, _ in expected.values())
    assert all(statuses[s] for s in ("not_reached", "left_before", "trained", "untrained"))


def test_hr_reads_the_python_figures_with_the_small_cells_withheld(agents):
    report = reports.retention(reports.Scope(cohorts=None), as_of=AS_OF)

    expected = _placed_in_python()
    groups = report["figures"]["groups"]
    untrained = [(d, g) for s, d, g in expected.values() if s == "untrained"]
    trained = [s for s, _, _ in expected.values() if s == "trained"]
    assert len(trained) < reports.MIN_GROUP <= len(untrained)
    assert set(groups["trained"].values()) == {None}  # withheld whole
    assert any("retention, trained" in note for note in report["notes"])
    curve = figures.kaplan_meier([d for d, _ in untrained], [g for _, g in untrained],
                                 at=reports.RISK_POINTS_DAYS)  # fmt: skip
    shown = groups["untrained"]
    assert shown["agents"] == len(untrained)
    assert shown["leavers"] == sum(g for _, g in untrained)
    assert shown["follow_up_days"] == sum(d for d, _ in untrained)
    for day, at_risk in zip(reports.RISK_POINTS_DAYS, curve["at_risk_at"], strict=True):
        assert shown["at_risk"][str(day)] == (at_risk if at_risk >= reports.MIN_GROUP else None)
    kept = [i for i, n in enumerate(curve["at_risk"]) if n >= reports.MIN_GROUP]
    assert shown["curve"]["survival"] == [curve["survival"][i] for i in kept]
    assert len(kept) < len(curve["at_risk"])  # the curve's tail is withheld: not vacuous
    assert report["rows"] == [
        {"group": "untrained", "agents": shown["agents"], "leavers": shown["leavers"],
         "follow_up_days": shown["follow_up_days"]},
    ]  # fmt: skip
    statuses = Counter(status for status, _, _ in expected.values())
    assert report["figures"]["landmark_not_reached"] == statuses["not_reached"]
    assert report["figures"]["left_before_landmark"] == statuses["left_before"]


def test_a_manager_reads_one_row_per_followed_agent(agents):
    report = reports.retention(reports.Scope(cohorts=None, detail=True), as_of=AS_OF)

    expected = {e: v for e, v in _placed_in_python().items() if v[0] in ("trained", "untrained")}
    assert {r["agent"]: (r["group"], r["days"], r["left"]) for r in report["rows"]} == expected
    assert report["figures"]["groups"]["trained"]["agents"] == 4  # shown to a manager


def test_hrs_retention_is_one_query(hr_api, agents, django_assert_num_queries):
    # the agents placed and counted per (group, days, left)
    with django_assert_num_queries(1):
        assert hr_api.get("/api/insights/retention/").status_code == 200


def test_a_manager_asking_for_figures_only_gets_the_same_figures_without_rows(agents):
    manager = reports.Scope(cohorts=None, detail=True)

    with_rows = reports.retention(manager, as_of=AS_OF)
    figures_only = reports.retention(manager, as_of=AS_OF, rows=False)

    assert figures_only["figures"] == with_rows["figures"]
    assert figures_only["rows"] == [] < with_rows["rows"]


def test_a_scope_that_can_match_nothing_is_an_empty_answer_not_an_error(db):
    nothing = Enrollment.objects.filter(cohort__in=[])

    for per_agent in (True, False):
        found = landmark_rows(
            enrollments=nothing,
            as_of=datetime.date(2026, 12, 1),
            landmark_days=90,
            per_agent=per_agent,
        )
        assert found == []


def test_a_manager_with_nothing_in_scope_reads_an_empty_retention(manager_api):
    response = manager_api.get("/api/insights/retention/")

    assert response.status_code == 200


def test_every_enrolment_is_placed_as_a_filter_matching_them_all_places_them(agents):
    # HR's scope (every enrolment) is written by hand; a filtered scope is compiled.
    everyone = Enrollment.objects.all()
    filtered = Enrollment.objects.filter(pk__in=list(everyone.values_list("pk", flat=True)))

    for per_agent in (True, False):
        placed = [
            landmark_rows(enrollments=scope, as_of=AS_OF, landmark_days=90, per_agent=per_agent)
            for scope in (everyone, filtered)
        ]
        assert placed[0] == placed[1] != []
