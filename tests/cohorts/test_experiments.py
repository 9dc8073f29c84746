import datetime
from collections import Counter

import pytest
import time_machine

from cohorts import services
from cohorts.models import CoachingPairMember, ExperimentAssignment
from cohorts.selectors import cohort_progress
from tests.cohorts.conftest import BEFORE_START, enrol

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
WINDOW = (datetime.datetime(2026, 11, 25, tzinfo=UTC), datetime.datetime(2026, 12, 25, tzinfo=UTC))


def _experiment(cohort, seed=5):
    with time_machine.travel(BEFORE_START, tick=False):
        return services.experiment_create(
            name="Q4 A/B", cohort=cohort, window_start=WINDOW[0], window_end=WINDOW[1], seed=seed
        )


def test_assignment_is_random_within_teams_and_balanced(cohort):
    enrol(cohort, 12, teams=("Billing", "Chat", "Email"))
    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_start(cohort=cohort)

    experiment = _experiment(cohort)

    rows = list(experiment.assignments.values_list("team__name", "group"))
    assert Counter(group for _, group in rows) == {"treatment": 6, "control": 6}
    for team in ("Billing", "Chat", "Email"):
        assert Counter(g for t, g in rows if t == team) == {"treatment": 2, "control": 2}


def test_the_same_seed_gives_the_same_groups(cohort):
    enrol(cohort, 10)
    first = dict(_experiment(cohort).assignments.values_list("agent", "group"))
    second = dict(_experiment(cohort, seed=5).assignments.values_list("agent", "group"))
    third = dict(_experiment(cohort, seed=6).assignments.values_list("agent", "group"))

    assert first == second
    assert first != third


def test_control_agents_sit_out_coaching_and_modules_in_the_window(cohort):
    enrol(cohort, 8)
    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_start(cohort=cohort)
    experiment = _experiment(cohort)
    control = set(experiment.assignments.filter(group="control").values_list("agent", flat=True))

    paired_in_window = set(
        CoachingPairMember.objects.filter(
            cohort=cohort, pair__item__starts_at__gte=WINDOW[0], pair__item__starts_at__lt=WINDOW[1]
        ).values_list("enrollment__agent", flat=True)
    )
    rows = {r.enrollment.agent_id: r for r in cohort_progress(cohort=cohort, now=WINDOW[1])}

    assert paired_in_window
    assert not paired_in_window & control
    some_control, some_treatment = sorted(control)[0], sorted(set(rows) - control)[0]
    assert len(rows[some_control].items) < len(rows[some_treatment].items)
    assert ExperimentAssignment.objects.count() == 8


def test_an_experiment_needs_a_cohort_or_teams(cohort):
    with pytest.raises(services.ValidationError, match="cohort or some teams"):
        services.experiment_create(name="x", window_start=WINDOW[0], window_end=WINDOW[1])


def test_the_database_finds_the_same_agents_behind_as_their_progress(cohort, facilitator):
    from cohorts.models import CoachingPair, Enrollment, ScheduleItem
    from cohorts.selectors import behind_enrollments

    enrol(cohort, 8)
    with time_machine.travel(BEFORE_START, tick=False):
        services.cohort_start(cohort=cohort)
    _experiment(cohort)
    enrollments = list(cohort.enrollments.order_by("pk"))
    # Some agents caught up on everything that is due by the window's end, others on part.
    for item in cohort.schedule_items.filter(kind=ScheduleItem.Kind.WORKSHOP):
        services.attendance_record(
            item=item,
            attended={e.pk: e.pk % 2 == 0 for e in enrollments},
            by=facilitator,
            now=WINDOW[1],
        )
    CoachingPair.objects.filter(cohort=cohort, week=1).update(session="held")
    services.enrollment_withdraw(enrollment=enrollments[-1], by=facilitator, reason="left")

    for moment in (BEFORE_START, WINDOW[0], WINDOW[1]):
        expected = {
            row.enrollment.pk
            for row in cohort_progress(cohort=cohort, now=moment)
            if row.behind and row.enrollment.status == Enrollment.Status.ACTIVE
        }
        found = set(behind_enrollments(cohort=cohort, now=moment).values_list("pk", flat=True))
        assert found == expected, moment
    assert expected
