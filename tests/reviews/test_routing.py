"""Review routing: high-intensity and escalated interactions go into the coach's queue ahead
of the random sample, each assignment keeping why it was picked (issue #19)."""

import datetime

import pytest

from reviews.assignment import assignments_create
from reviews.models import ReviewAssignment
from tests.clients import api_as
from tests.factories import AgentFactory, CoachFactory, HRFactory, InteractionFactory
from tests.reviews.conftest import IN_WEEK, NOW, WEEK, _assign, _url, enrol, interactions

pytestmark = pytest.mark.django_db


def _create(plan, week=WEEK):
    return assignments_create(plan=plan, week=week, now=NOW)


def _reasons(plan):
    return dict(
        ReviewAssignment.objects.filter(plan=plan).values_list("interaction_id", "routing_reason")
    )


@pytest.fixture
def agent(plan):
    plan.per_agent_per_week = 3
    plan.save()
    return enrol(plan).agent


def _intense(agent, **kwargs):
    return InteractionFactory(
        agent=agent, occurred_at=IN_WEEK, intensity="high", intensity_reason="CSAT 1", **kwargs
    )


def test_high_intensity_and_escalated_come_first_with_their_reasons(plan, agent):
    ordinary = interactions(agent, 10, channel="chat", escalated=False, intensity="low")
    intense = _intense(agent, channel="call")
    escalated = InteractionFactory(
        agent=agent, occurred_at=IN_WEEK, channel="chat", escalated=True, intensity="medium"
    )

    _create(plan)

    by_slot = dict(ReviewAssignment.objects.values_list("slot", "interaction_id"))
    assert by_slot[1] == intense.pk
    assert by_slot[2] == escalated.pk
    assert by_slot[3] in {i.pk for i in ordinary}
    assert _reasons(plan) == {
        intense.pk: "high intensity: CSAT 1",
        escalated.pk: "escalated",
        by_slot[3]: "random sample",
    }


def test_the_slots_left_are_still_a_seeded_sample(plan, agent):
    ordinary = interactions(agent, 20, channel="chat", intensity="low")
    _intense(agent)

    picks = set()
    for week in range(4):  # four weeks, four seeds: the sampled slots vary, the routed one not
        ReviewAssignment.objects.all().delete()
        InteractionFactory._meta.model.objects.filter(agent=agent).update(
            occurred_at=IN_WEEK + datetime.timedelta(days=7 * week)
        )
        _create(plan, week=WEEK + datetime.timedelta(days=7 * week))
        sampled = ReviewAssignment.objects.filter(routing_reason="random sample")
        assert sampled.count() == 2
        picks |= set(sampled.values_list("interaction_id", flat=True))
    assert len(picks) > 2
    assert picks <= {i.pk for i in ordinary}


def test_more_routed_than_slots_fills_every_slot_with_high_intensity_first(plan, agent):
    intense = {_intense(agent).pk for _ in range(2)}
    escalated = {
        InteractionFactory(agent=agent, occurred_at=IN_WEEK, escalated=True).pk for _ in range(3)
    }
    interactions(agent, 5, intensity="low")

    _create(plan)

    by_slot = dict(ReviewAssignment.objects.values_list("slot", "interaction_id"))
    assert {by_slot[1], by_slot[2]} == intense
    assert by_slot[3] in escalated
    assert "random sample" not in _reasons(plan).values()


def test_routing_is_deterministic_and_a_rerun_adds_nothing(plan, agent):
    _intense(agent)
    for _ in range(3):
        InteractionFactory(agent=agent, occurred_at=IN_WEEK, escalated=True)
    interactions(agent, 5, intensity="low")

    _create(plan)
    first = sorted(ReviewAssignment.objects.values_list("slot", "interaction_id", "routing_reason"))
    again = _create(plan)
    ReviewAssignment.objects.all().delete()
    _create(plan)
    third = sorted(ReviewAssignment.objects.values_list("slot", "interaction_id", "routing_reason"))

    assert again.created == 0
    assert first == third


def test_a_routed_interaction_already_reviewed_is_not_routed_again(plan, agent):
    intense = _intense(agent)
    interactions(agent, 5, intensity="low")
    _create(plan)
    assert ReviewAssignment.objects.filter(interaction=intense).count() == 1

    ReviewAssignment.objects.filter(slot=3).delete()
    report = _create(plan)

    assert report.created == 1
    assert ReviewAssignment.objects.filter(interaction=intense).count() == 1
    assert ReviewAssignment.objects.get(slot=3).routing_reason == "random sample"


def test_without_the_escalation_preference_only_high_intensity_is_routed(plan, agent):
    plan.prefer_escalated = False
    plan.save()
    escalated = InteractionFactory(agent=agent, occurred_at=IN_WEEK, escalated=True)
    intense = _intense(agent)
    interactions(agent, 1, intensity="low")

    _create(plan)

    reasons = _reasons(plan)
    assert reasons[intense.pk] == "high intensity: CSAT 1"
    assert reasons[escalated.pk] == "random sample"


def test_a_corrected_intensity_names_its_corrector(plan, agent):
    corrected = InteractionFactory(
        agent=agent, occurred_at=IN_WEEK, intensity="high", intensity_reason="corrected by Mia"
    )

    _create(plan)

    assert _reasons(plan)[corrected.pk] == "high intensity: corrected by Mia"


# --- Where the reason shows -----------------------------------------------------------------


def _routed(assignment, reason):
    assignment.routing_reason = reason
    assignment.save(update_fields=["routing_reason"])
    return assignment


def test_the_queue_lists_routed_reviews_first_with_the_reason(client, coach, assignment):
    due = assignment.due_at
    sampled = _routed(assignment, "random sample")
    routed = _routed(
        _assign(assignment.plan, assignment.agent, coach, due=due, slot=2),
        "high intensity: tag: complaint",
    )
    client.force_login(coach)

    html = client.get("/reviews/").content.decode()

    assert html.index(_url(routed)) < html.index(_url(sampled))
    assert "high intensity: tag: complaint" in html
    assert "random sample" in html


def test_the_review_page_says_why_it_was_picked(client, coach, assignment):
    _routed(assignment, "escalated")
    client.force_login(coach)

    html = client.get(_url(assignment)).content.decode()

    assert "Picked for review" in html
    assert "<dd>escalated</dd>" in html


def test_the_plan_page_shows_the_reason_to_its_manager(client, assignment):
    _routed(assignment, "high intensity: CSAT 2")
    client.force_login(assignment.plan.cohort.facilitators.get())

    html = client.get(f"/reviews/plans/{assignment.plan.pk}/").content.decode()

    assert "high intensity: CSAT 2" in html


def test_the_api_gives_the_reason_to_the_reviewer(coach, assignment):
    _routed(assignment, "escalated")

    response = api_as(coach).get(f"/api/review-assignments/{assignment.pk}/")

    assert response.json()["routing_reason"] == "escalated"


@pytest.mark.parametrize("factory", [AgentFactory, HRFactory])
def test_agents_and_hr_still_get_no_assignments(assignment, factory):
    _routed(assignment, "escalated")

    assert api_as(factory()).get("/api/review-assignments/").status_code == 403


def test_another_coach_does_not_see_the_routed_review(client, assignment):
    _routed(assignment, "escalated")
    other = CoachFactory()
    client.force_login(other)

    assert client.get(_url(assignment)).status_code == 404
    assert "escalated" not in client.get("/reviews/").content.decode()
    assert api_as(other).get(f"/api/review-assignments/{assignment.pk}/").status_code == 404


def test_queue_order_keeps_due_time_first(client, coach, assignment):
    later = _routed(
        _assign(assignment.plan, assignment.agent, coach, slot=2,
                due=assignment.due_at + datetime.timedelta(days=7)),
        "high intensity: CSAT 1",
    )  # fmt: skip
    _routed(assignment, "random sample")
    client.force_login(coach)

    html = client.get("/reviews/").content.decode()

    assert html.index(_url(assignment)) < html.index(_url(later))
