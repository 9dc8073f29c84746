"""The manager's review-plan pages: create a plan for a cohort in scope, see each coach's
load, reassign and skip open reviews, fill this week; and who may not."""

import pytest
from django.urls import reverse

from reviews.models import ReviewAssignment, ReviewPlan
from tests.cohorts.conftest import enrol, rollout_program
from tests.factories import AgentFactory, CoachFactory, CohortFactory, HRFactory, ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(assignment):
    return assignment.plan.cohort.facilitators.get()


def _plan_url(plan):
    return reverse("web:review-plan", args=[plan.pk])


def test_a_manager_creates_a_plan_for_a_cohort_of_theirs(client, coach):
    manager = ManagerFactory()
    cohort = CohortFactory(program=rollout_program(), facilitators=[manager])
    other = CohortFactory(program=rollout_program(), name="Someone else's")
    client.force_login(manager)
    page = client.get(reverse("web:review-plans")).content.decode()
    assert cohort.name in page
    assert "Someone else&#x27;s" not in page

    response = client.post(reverse("web:review-plans"), {
        "cohort": cohort.pk, "per_agent_per_week": 3, "coaches": [coach.pk],
        "prefer_escalated": "on", "active": "on",
    })  # fmt: skip
    refused = client.post(reverse("web:review-plans"), {
        "cohort": other.pk, "per_agent_per_week": 3, "coaches": [coach.pk],
    })  # fmt: skip

    plan = ReviewPlan.objects.get(cohort=cohort)
    assert response.url == _plan_url(plan)
    assert list(plan.coaches.all()) == [coach]
    assert plan.created_by == manager
    assert "Select a valid choice" in refused.content.decode()
    assert not ReviewPlan.objects.filter(cohort=other).exists()


def test_bad_plan_input_is_a_form_error(client, manager, assignment):
    client.force_login(manager)

    response = client.post(_plan_url(assignment.plan), {
        "action": "edit", "per_agent_per_week": 0, "coaches": [],
    })  # fmt: skip

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()


def test_the_plan_page_shows_load_and_reassigns_and_skips(client, manager, coach, assignment):
    other = CoachFactory(display_name="Otto Other")
    assignment.plan.coaches.add(other)
    client.force_login(manager)
    page = client.get(_plan_url(assignment.plan)).content.decode()
    assert "Cora Coach" in page
    assert "Reviews to do (1)" in page

    client.post(_plan_url(assignment.plan), {
        "action": "reassign", "assignment": assignment.pk, "reviewer": other.pk,
    })  # fmt: skip
    assignment.refresh_from_db()
    assert assignment.reviewer == other
    no_reason = client.post(
        _plan_url(assignment.plan), {"action": "skip", "assignment": assignment.pk, "reason": ""},
        follow=True,
    )  # fmt: skip
    assert "reason" in no_reason.content.decode().lower()
    client.post(_plan_url(assignment.plan), {
        "action": "skip", "assignment": assignment.pk, "reason": "Call recording missing.",
    })  # fmt: skip
    assignment.refresh_from_db()
    assert (assignment.status, assignment.skip_reason) == ("skipped", "Call recording missing.")


def test_filling_this_week_from_the_page_adds_nothing_twice(client, manager, assignment):
    enrol(assignment.plan.cohort, 2)
    client.force_login(manager)

    first = client.post(_plan_url(assignment.plan), {"action": "fill"}, follow=True)
    count = ReviewAssignment.objects.count()
    client.post(_plan_url(assignment.plan), {"action": "fill"})

    assert "This week&#x27;s reviews:" in first.content.decode()
    assert ReviewAssignment.objects.count() == count


@pytest.mark.parametrize("factory", [CoachFactory, AgentFactory, HRFactory])
def test_only_managers_have_plan_pages(client, assignment, factory):
    client.force_login(factory())

    assert client.get(reverse("web:review-plans")).status_code == 403
    assert client.get(_plan_url(assignment.plan)).status_code == 403


def test_another_managers_plan_does_not_exist_for_you(client, assignment):
    client.force_login(ManagerFactory())

    assert client.get(_plan_url(assignment.plan)).status_code == 404
    response = client.post(_plan_url(assignment.plan), {"action": "fill"})
    assert response.status_code == 404
