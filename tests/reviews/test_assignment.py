import datetime
import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cohorts.models import Enrollment
from reviews.assignment import (
    assignment_reassign,
    assignment_skip,
    assignments_create,
    coach_load,
    week_due_at,
)
from reviews.models import ReviewAssignment
from tests.factories import (
    CoachFactory,
    InteractionFactory,
    ReviewAssignmentFactory,
    ReviewPlanFactory,
)
from tests.reviews.conftest import IN_WEEK, NOW, WEEK, enrol, interactions, pair, submit

pytestmark = pytest.mark.django_db


def _create(plan, week=WEEK, now=NOW):
    return assignments_create(plan=plan, week=week, now=now)


def _picked(plan):
    return list(
        ReviewAssignment.objects.filter(plan=plan)
        .order_by("agent_id", "slot")
        .values_list("agent_id", "slot", "interaction_id", "reviewer_id")
    )


# --- Slots, agents, due date ---------------------------------------------------------------


def test_it_gives_each_active_agent_the_plans_slots_due_sunday_night(plan):
    agents = [enrol(plan).agent for _ in range(2)]
    for agent in agents:
        interactions(agent, 5)

    report = _create(plan)

    assert report.created == 6
    rows = ReviewAssignment.objects.filter(plan=plan)
    assert sorted(rows.values_list("agent_id", "slot")) == [
        (a.pk, s) for a in sorted(agents, key=lambda a: a.pk) for s in (1, 2, 3)
    ]
    # Sunday 1 November 23:59 in Berlin is winter time again: 22:59 UTC, not 21:59.
    assert {row.due_at for row in rows} == {
        datetime.datetime(2026, 11, 1, 22, 59, tzinfo=datetime.UTC)
    }
    assert set(rows.values_list("week", flat=True)) == {WEEK}


def test_it_skips_withdrawn_and_completed_enrolments(plan):
    for status in [Enrollment.Status.WITHDRAWN, Enrollment.Status.COMPLETED]:
        interactions(enrol(plan, status=status).agent, 3)

    assert _create(plan).created == 0


def test_an_inactive_plan_assigns_nothing(plan):
    interactions(enrol(plan).agent, 3)
    plan.active = False
    plan.save()

    assert _create(plan).created == 0


def test_a_week_must_start_on_a_monday(plan):
    with pytest.raises(ValidationError) as error:
        _create(plan, week=WEEK + datetime.timedelta(days=1))
    assert "week" in error.value.message_dict


def test_a_week_already_over_is_refused(plan):
    with pytest.raises(ValidationError) as error:
        _create(plan, week=WEEK - datetime.timedelta(days=7))
    assert "week" in error.value.message_dict


# --- Idempotency ---------------------------------------------------------------------------


def test_running_twice_creates_nothing_new(plan):
    interactions(enrol(plan).agent, 5)
    _create(plan)
    first = _picked(plan)

    again = _create(plan)

    assert again.created == 0
    assert again.existing == 3
    assert _picked(plan) == first


def test_a_rerun_fills_only_the_slots_still_empty(plan):
    agent = enrol(plan).agent
    interactions(agent, 1)
    assert _create(plan).skipped_no_interaction == 2
    interactions(agent, 2)

    again = _create(plan)

    assert again.created == 2
    assert sorted(ReviewAssignment.objects.values_list("slot", flat=True)) == [1, 2, 3]


def test_the_sample_is_the_same_for_the_same_plan_and_week(plan):
    interactions(enrol(plan).agent, 20, channel="chat")
    _create(plan)
    first = _picked(plan)
    ReviewAssignment.objects.all().delete()

    _create(plan)

    assert _picked(plan) == first


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_create_each_assignment_once(coaches):
    plan = ReviewPlanFactory(coaches=coaches)
    for _ in range(4):
        interactions(enrol(plan).agent, 6)
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            reports.append(_create(plan))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert ReviewAssignment.objects.filter(plan=plan).count() == 12
    assert sum(report.created for report in reports) == 12
    interactions_used = ReviewAssignment.objects.values_list("interaction_id", flat=True)
    assert len(set(interactions_used)) == 12


# --- Which interactions --------------------------------------------------------------------


def test_it_samples_the_previous_week_in_the_cohorts_zone_across_a_dst_change(plan):
    agent = enrol(plan).agent
    plan.per_agent_per_week = 10
    plan.save()
    utc = datetime.UTC
    # Monday 19 October starts at 22:00 UTC the day before (summer time) ...
    before_start = InteractionFactory(
        agent=agent, occurred_at=datetime.datetime(2026, 10, 18, 21, 30, tzinfo=utc)
    )
    first_minutes = InteractionFactory(
        agent=agent, occurred_at=datetime.datetime(2026, 10, 18, 22, 30, tzinfo=utc)
    )
    # ... and Sunday 25 October ends at 23:00 UTC (winter time, one hour later than a
    # fixed UTC+2 would say).
    last_hour = InteractionFactory(
        agent=agent, occurred_at=datetime.datetime(2026, 10, 25, 22, 30, tzinfo=utc)
    )
    next_week = InteractionFactory(
        agent=agent, occurred_at=datetime.datetime(2026, 10, 25, 23, 30, tzinfo=utc)
    )

    _create(plan)

    picked = set(ReviewAssignment.objects.values_list("interaction_id", flat=True))
    assert picked == {first_minutes.pk, last_hour.pk}
    assert before_start.pk not in picked
    assert next_week.pk not in picked


def test_it_never_samples_an_interaction_already_reviewed(plan):
    agent = enrol(plan).agent
    open_review, submitted, skipped = interactions(agent, 3)
    other_plan = ReviewPlanFactory()
    ReviewAssignmentFactory(plan=other_plan, agent=agent, interaction=open_review, slot=1)
    submit(ReviewAssignmentFactory(plan=other_plan, agent=agent, interaction=submitted, slot=2))
    ReviewAssignmentFactory(
        plan=other_plan, agent=agent, interaction=skipped, slot=3, status="skipped"
    )

    report = _create(plan)

    assert report.created == 1
    assert report.skipped_no_interaction == 2
    assert ReviewAssignment.objects.get(plan=plan).interaction == skipped


def test_it_takes_only_the_agents_own_interactions(plan):
    agent = enrol(plan).agent
    InteractionFactory.create_batch(3, occurred_at=IN_WEEK)  # someone else's

    assert _create(plan).created == 0
    assert not ReviewAssignment.objects.filter(agent=agent).exists()


def test_it_spreads_the_slots_across_channels(plan):
    agent = enrol(plan).agent
    interactions(agent, 6, channel="chat")
    interactions(agent, 1, channel="call")
    interactions(agent, 1, channel="email")

    _create(plan)

    channels = ReviewAssignment.objects.values_list("interaction__channel", flat=True)
    assert sorted(channels) == ["call", "chat", "email"]


def test_it_round_robins_when_a_channel_has_fewer_than_its_share(plan):
    agent = enrol(plan).agent
    plan.per_agent_per_week = 5
    plan.save()
    interactions(agent, 6, channel="chat")
    interactions(agent, 1, channel="call")

    _create(plan)

    channels = Counter(ReviewAssignment.objects.values_list("interaction__channel", flat=True))
    assert channels == {"chat": 4, "call": 1}


def test_it_prefers_escalated_then_low_csat(plan):
    agent = enrol(plan).agent
    plan.per_agent_per_week = 2
    plan.save()
    interactions(agent, 10, channel="chat", csat=5, escalated=False)
    escalated = InteractionFactory(agent=agent, occurred_at=IN_WEEK, channel="chat", escalated=True)
    low = InteractionFactory(agent=agent, occurred_at=IN_WEEK, channel="chat", csat=2)

    _create(plan)

    by_slot = dict(ReviewAssignment.objects.values_list("slot", "interaction_id"))
    assert by_slot == {1: escalated.pk, 2: low.pk}


def test_a_preferred_channel_comes_first(plan):
    agent = enrol(plan).agent
    plan.per_agent_per_week = 1
    plan.save()
    interactions(agent, 10, channel="chat")
    escalated = InteractionFactory(
        agent=agent, occurred_at=IN_WEEK, channel="email", escalated=True
    )

    _create(plan)

    assert ReviewAssignment.objects.get().interaction == escalated


def test_without_preferences_escalation_and_csat_do_not_count(plan):
    agent = enrol(plan).agent
    plan.per_agent_per_week = 1
    plan.prefer_escalated = plan.prefer_low_csat = False
    plan.save()
    ordinary = interactions(agent, 30, channel="chat", csat=5)
    InteractionFactory(agent=agent, occurred_at=IN_WEEK, channel="chat", escalated=True, csat=1)

    picks = set()
    for week in range(4):  # four weeks, four seeds: never the flagged one by preference
        ReviewAssignment.objects.all().delete()
        InteractionFactory._meta.model.objects.filter(agent=agent).update(
            occurred_at=IN_WEEK + datetime.timedelta(days=7 * week)
        )
        _create(plan, week=WEEK + datetime.timedelta(days=7 * week))
        picks.add(ReviewAssignment.objects.get().interaction_id)
    assert len(picks) > 1  # varies with the seed: a preference would pick the flagged one
    assert picks & {i.pk for i in ordinary}


# --- Which coach ---------------------------------------------------------------------------


def test_it_balances_the_week_across_coaches(plan, coaches):
    for _ in range(2):
        interactions(enrol(plan).agent, 5)

    _create(plan)

    load = Counter(ReviewAssignment.objects.values_list("reviewer_id", flat=True))
    assert load == {coaches[0].pk: 3, coaches[1].pk: 3}


def test_the_least_loaded_coach_that_week_comes_first(plan, coaches):
    busy, free = coaches
    ReviewAssignmentFactory.create_batch(2, reviewer=busy, week=WEEK)  # another plan
    interactions(enrol(plan).agent, 5)

    _create(plan)

    load = Counter(ReviewAssignment.objects.filter(plan=plan).values_list("reviewer_id", flat=True))
    assert load == {free.pk: 2, busy.pk: 1}


def test_skipped_reviews_do_not_count_as_load(plan, coaches):
    first, second = coaches
    ReviewAssignmentFactory.create_batch(3, reviewer=first, week=WEEK, status="skipped")
    plan.per_agent_per_week = 2
    plan.save()
    interactions(enrol(plan).agent, 5)

    _create(plan)

    load = Counter(ReviewAssignment.objects.filter(plan=plan).values_list("reviewer_id", flat=True))
    assert load == {first.pk: 1, second.pk: 1}


def test_it_never_assigns_agents_to_themselves(coaches):
    senior = CoachFactory()  # a coach going through the program as well
    plan = ReviewPlanFactory(coaches=[senior])
    interactions(enrol(plan, agent=senior).agent, 3)

    report = _create(plan)

    assert report.created == 0
    assert report.skipped_no_coach == 3


def test_it_never_assigns_the_agents_coaching_partner(plan, coaches):
    partner = coaches[0]
    agent = enrol(plan).agent
    enrol(plan, agent=partner)
    pair(plan.cohort, agent, partner)
    interactions(agent, 3)

    _create(plan)

    reviewers = set(ReviewAssignment.objects.filter(agent=agent).values_list("reviewer", flat=True))
    assert reviewers == {coaches[1].pk}


def test_a_partner_of_another_week_may_review(plan, coaches):
    agent = enrol(plan).agent
    enrol(plan, agent=coaches[0])
    pair(plan.cohort, agent, coaches[0], week=WEEK - datetime.timedelta(days=7))
    interactions(agent, 2)
    plan.per_agent_per_week = 2
    plan.save()

    _create(plan)

    reviewers = Counter(
        ReviewAssignment.objects.filter(agent=agent).values_list("reviewer", flat=True)
    )
    assert reviewers == {coaches[0].pk: 1, coaches[1].pk: 1}


def test_a_slot_stays_empty_when_no_coach_is_eligible(plan, coaches):
    agent = enrol(plan).agent
    enrol(plan, agent=coaches[0])
    pair(plan.cohort, agent, coaches[0])
    plan.coaches.set([coaches[0]])
    interactions(agent, 3)

    report = _create(plan)

    # The agent's 3, and the coach's own 3 (enrolled, and the only coach).
    assert (report.created, report.skipped_no_coach) == (0, 6)


def test_inactive_coaches_are_not_assigned(plan, coaches):
    coaches[0].is_active = False
    coaches[0].save()
    interactions(enrol(plan).agent, 3)

    _create(plan)

    assert set(ReviewAssignment.objects.values_list("reviewer", flat=True)) == {coaches[1].pk}


def test_a_slot_stays_empty_when_no_interaction_is_left(plan):
    interactions(enrol(plan).agent, 1)

    report = _create(plan)

    assert (report.created, report.skipped_no_interaction) == (1, 2)


def test_a_run_takes_a_fixed_number_of_queries(plan, django_assert_num_queries):
    for _ in range(5):
        interactions(enrol(plan).agent, 4)
    plan.refresh_from_db()
    # savepoint; 1 the plan, locked, with its cohort; 2 active agents; 3 coaches; 4 their
    # load that week; 5 coaching partners; 6 slots already taken; 7 candidate interactions;
    # 8 count before; 9 insert; 10 count after; release.
    with django_assert_num_queries(12):
        _create(plan)


# --- Reassign ------------------------------------------------------------------------------


@pytest.fixture
def assignment(plan, coaches):
    agent = enrol(plan).agent
    return ReviewAssignmentFactory(plan=plan, agent=agent, reviewer=coaches[0], slot=1)


def test_a_review_can_go_to_another_coach_of_the_plan(assignment, coaches):
    changed = assignment_reassign(assignment=assignment, reviewer=coaches[1], by=None)

    assert changed.reviewer == coaches[1]
    assignment.refresh_from_db()
    assert assignment.reviewer == coaches[1]


def test_reassigning_to_someone_outside_the_plan_is_refused(assignment):
    with pytest.raises(ValidationError) as error:
        assignment_reassign(assignment=assignment, reviewer=CoachFactory(), by=None)
    assert "reviewer" in error.value.message_dict


def test_reassigning_to_the_agent_is_refused(assignment):
    assignment.agent.role = "coach"  # promoted, and a coach of the plan too
    assignment.agent.save()
    assignment.plan.coaches.add(assignment.agent)

    with pytest.raises(ValidationError) as error:
        assignment_reassign(assignment=assignment, reviewer=assignment.agent, by=None)
    assert "reviewer" in error.value.message_dict


def test_reassigning_to_the_coaching_partner_is_refused(assignment, coaches):
    enrol(assignment.plan, agent=coaches[1])
    pair(assignment.plan.cohort, assignment.agent, coaches[1])

    with pytest.raises(ValidationError) as error:
        assignment_reassign(assignment=assignment, reviewer=coaches[1], by=None)
    assert "reviewer" in error.value.message_dict


@pytest.mark.parametrize("close", ["skip", "submit"])
def test_only_a_review_still_to_do_can_be_reassigned(assignment, coaches, close):
    if close == "skip":
        assignment_skip(assignment=assignment, reason="Call is silent", by=None)
    else:
        submit(assignment)

    with pytest.raises(ValidationError) as error:
        assignment_reassign(assignment=assignment, reviewer=coaches[1], by=None)
    assert "status" in error.value.message_dict


# --- Skip ----------------------------------------------------------------------------------


def test_skipping_keeps_the_reason_and_frees_the_interaction(assignment):
    skipped = assignment_skip(assignment=assignment, reason="  Recording missing ", by=None)

    assert skipped.status == ReviewAssignment.Status.SKIPPED
    assert skipped.skip_reason == "Recording missing"
    assert skipped.completed_at is not None
    # The interaction may be assigned again.
    ReviewAssignmentFactory(plan=assignment.plan, agent=assignment.agent, slot=2,
                            interaction=assignment.interaction)  # fmt: skip


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 301])
def test_a_skip_needs_a_reason_of_reasonable_length(assignment, reason):
    with pytest.raises(ValidationError) as error:
        assignment_skip(assignment=assignment, reason=reason, by=None)
    assert "reason" in error.value.message_dict
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.ASSIGNED


def test_a_review_already_closed_cannot_be_skipped(assignment):
    assignment_skip(assignment=assignment, reason="Duplicate ticket", by=None)

    with pytest.raises(ValidationError) as error:
        assignment_skip(assignment=assignment, reason="Again", by=None)
    assert "status" in error.value.message_dict


# --- Coach load ----------------------------------------------------------------------------


def test_coach_load_counts_open_overdue_and_done_this_week(plan, coaches):
    ada, bo = coaches
    agent = enrol(plan).agent
    make = ReviewAssignmentFactory
    due = week_due_at(week=WEEK, time_zone=plan.cohort.time_zone)
    last_week = WEEK - datetime.timedelta(days=7)
    make(plan=plan, agent=agent, reviewer=ada, week=WEEK, slot=1, due_at=due)
    make(
        plan=plan,
        agent=agent,
        reviewer=ada,
        week=last_week,
        slot=1,
        due_at=NOW - datetime.timedelta(hours=2),
    )
    submit(make(plan=plan, agent=agent, reviewer=ada, week=WEEK, slot=2, due_at=due))
    submit(make(plan=plan, agent=agent, reviewer=bo, week=last_week, slot=2, due_at=due))
    make(plan=plan, agent=agent, reviewer=bo, week=WEEK, slot=3, due_at=due, status="skipped")
    make(reviewer=bo, week=WEEK, due_at=due)  # another plan's

    load = {row.name: row for row in coach_load(plan=plan, now=NOW)}

    assert (load["Ada"].open, load["Ada"].overdue, load["Ada"].done_this_week) == (2, 1, 1)
    assert (load["Bo"].open, load["Bo"].overdue, load["Bo"].done_this_week) == (0, 0, 0)
