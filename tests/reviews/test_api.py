import pytest

from reviews.models import ReviewAssignment, ReviewPlan
from tests.factories import (
    AgentFactory,
    CohortFactory,
    HRFactory,
    ReviewAssignmentFactory,
    ReviewPlanFactory,
)
from tests.reviews.conftest import WEEK, enrol, pair

pytestmark = pytest.mark.django_db

PLANS = "/api/review-plans/"
ASSIGNMENTS = "/api/review-assignments/"


@pytest.fixture
def my_plan(manager_api, coaches):
    plan = ReviewPlanFactory(coaches=coaches)
    plan.cohort.facilitators.add(manager_api.user)
    return plan


@pytest.fixture
def review(my_plan, coaches):
    return ReviewAssignmentFactory(
        plan=my_plan, agent=enrol(my_plan).agent, reviewer=coaches[0], slot=1
    )


def _as(client, user):
    client.force_authenticate(user)
    return client


# --- Plans ---------------------------------------------------------------------------------


def test_a_manager_creates_a_plan_for_a_cohort_they_facilitate(manager_api, coaches):
    cohort = CohortFactory(facilitators=[manager_api.user])
    body = {"cohort": cohort.pk, "coaches": [c.pk for c in coaches], "per_agent_per_week": 2}

    response = manager_api.post(PLANS, body, format="json")

    assert response.status_code == 201, response.json()
    plan = ReviewPlan.objects.get(cohort=cohort)
    assert plan.created_by == manager_api.user
    assert set(plan.coaches.all()) == set(coaches)
    assert response.json()["prefer_escalated"] is True


def test_a_plan_for_someone_elses_cohort_is_refused_as_unknown(manager_api, coaches):
    body = {"cohort": CohortFactory().pk, "coaches": [coaches[0].pk]}

    response = manager_api.post(PLANS, body, format="json")

    assert response.status_code == 400
    assert "cohort" in response.json()


def test_only_coaches_and_managers_may_review(manager_api):
    cohort = CohortFactory(facilitators=[manager_api.user])
    body = {"cohort": cohort.pk, "coaches": [AgentFactory().pk, HRFactory().pk]}

    response = manager_api.post(PLANS, body, format="json")

    assert response.status_code == 400
    assert "coaches" in response.json()


@pytest.mark.parametrize("per_week", [0, 21, -1, 10**12, "three"])
def test_per_agent_per_week_stays_between_1_and_20(manager_api, my_plan, per_week):
    response = manager_api.patch(
        f"{PLANS}{my_plan.pk}/", {"per_agent_per_week": per_week}, format="json"
    )

    assert response.status_code == 400
    assert "per_agent_per_week" in response.json()


def test_a_cohort_has_one_plan(manager_api, my_plan, coaches):
    body = {"cohort": my_plan.cohort.pk, "coaches": [coaches[0].pk]}

    response = manager_api.post(PLANS, body, format="json")

    assert response.status_code == 400
    assert "cohort" in response.json()


def test_a_manager_updates_and_lists_only_their_plans(manager_api, my_plan, coaches):
    ReviewPlanFactory()  # someone else's

    changed = manager_api.patch(f"{PLANS}{my_plan.pk}/", {"active": False}, format="json")
    listed = manager_api.get(PLANS).json()

    assert changed.status_code == 200
    assert [p["id"] for p in listed["results"]] == [my_plan.pk]
    assert listed["results"][0]["active"] is False


def test_another_managers_plan_is_not_found(manager_api):
    other = ReviewPlanFactory()

    assert manager_api.get(f"{PLANS}{other.pk}/").status_code == 404
    assert manager_api.patch(f"{PLANS}{other.pk}/", {}, format="json").status_code == 404


@pytest.mark.parametrize("client", ["agent_api", "coach_api", "hr_api"])
def test_only_managers_reach_plans(request, client, my_plan):
    api = request.getfixturevalue(client)

    assert api.get(PLANS).status_code == 403
    assert api.get(f"{PLANS}{my_plan.pk}/load/").status_code == 403


def test_coach_load_of_a_plan(manager_api, review, coaches):
    response = manager_api.get(f"{PLANS}{review.plan.pk}/load/")

    assert response.status_code == 200
    by_coach = {row["coach_id"]: row for row in response.json()}
    assert by_coach[coaches[0].pk]["open"] == 1
    assert by_coach[coaches[1].pk]["open"] == 0


# --- Assignments: who sees what ------------------------------------------------------------


def test_a_coach_sees_only_the_reviews_they_do(coach_api, my_plan):
    mine = ReviewAssignmentFactory(plan=my_plan, reviewer=coach_api.user)
    ReviewAssignmentFactory(plan=my_plan)

    response = coach_api.get(ASSIGNMENTS)

    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_a_manager_sees_the_reviews_of_their_cohorts(manager_api, review):
    ReviewAssignmentFactory()  # another cohort's

    response = manager_api.get(ASSIGNMENTS)

    assert [row["id"] for row in response.json()["results"]] == [review.pk]
    assert manager_api.get(f"{ASSIGNMENTS}{ReviewAssignmentFactory().pk}/").status_code == 404


@pytest.mark.parametrize("client", ["agent_api", "hr_api"])
def test_agents_and_hr_get_a_403(request, client, review):
    api = request.getfixturevalue(client)

    assert api.get(ASSIGNMENTS).status_code == 403
    assert api.get(f"{ASSIGNMENTS}{review.pk}/").status_code == 403


def test_the_agent_reviewed_gets_a_403_too(api, review):
    assert _as(api, review.agent).get(ASSIGNMENTS).status_code == 403


def test_assignments_filter_by_status_week_reviewer_and_agent(manager_api, my_plan, coaches):
    agent = enrol(my_plan).agent
    wanted = ReviewAssignmentFactory(plan=my_plan, agent=agent, reviewer=coaches[1], slot=1)
    ReviewAssignmentFactory(plan=my_plan, agent=agent, reviewer=coaches[0], slot=2)
    ReviewAssignmentFactory(plan=my_plan, reviewer=coaches[1], slot=1, status="skipped")
    ReviewAssignmentFactory(
        plan=my_plan, agent=agent, reviewer=coaches[1], slot=1, week="2026-11-02"
    )
    query = {
        "status": "assigned",
        "week": WEEK.isoformat(),
        "reviewer": coaches[1].pk,
        "agent": agent.pk,
    }

    response = manager_api.get(ASSIGNMENTS, query)

    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"week": "not-a-date"},
        {"week": "0001-01-01"},
        {"status": "lost"},
        {"reviewer": "x"},
        {"agent": 10**30},
    ],
)
def test_bad_filters_are_a_400(manager_api, query):
    response = manager_api.get(ASSIGNMENTS, query)

    assert response.status_code == 400
    assert set(query) <= set(response.json())


def test_listing_takes_a_fixed_number_of_queries(
    manager_api, my_plan, coaches, django_assert_num_queries
):
    for _ in range(5):
        ReviewAssignmentFactory(
            plan=my_plan, agent=enrol(my_plan).agent, reviewer=coaches[0], slot=1
        )

    # 1 count for the page, 2 the page with plan, agent and reviewer.
    with django_assert_num_queries(2):
        response = manager_api.get(ASSIGNMENTS)
    assert response.json()["count"] == 5


# --- Reassign and skip ---------------------------------------------------------------------


def test_a_manager_reassigns_a_review(manager_api, review, coaches):
    response = manager_api.post(
        f"{ASSIGNMENTS}{review.pk}/reassign/", {"reviewer": coaches[1].pk}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["reviewer"] == coaches[1].pk


def test_reassigning_to_the_partner_is_a_400_naming_the_reviewer(manager_api, review, coaches):
    enrol(review.plan, agent=coaches[1])
    pair(review.plan.cohort, review.agent, coaches[1])

    response = manager_api.post(
        f"{ASSIGNMENTS}{review.pk}/reassign/", {"reviewer": coaches[1].pk}, format="json"
    )

    assert response.status_code == 400
    assert "reviewer" in response.json()


@pytest.mark.parametrize("body", [{}, {"reviewer": None}, {"reviewer": "x"}, {"reviewer": 10**30}])
def test_reassigning_without_a_known_reviewer_is_a_400(manager_api, review, body):
    response = manager_api.post(f"{ASSIGNMENTS}{review.pk}/reassign/", body, format="json")

    assert response.status_code == 400
    assert "reviewer" in response.json()


def test_reassigning_to_an_agent_outside_the_managers_scope_reads_as_unknown(manager_api, review):
    response = manager_api.post(
        f"{ASSIGNMENTS}{review.pk}/reassign/", {"reviewer": AgentFactory().pk}, format="json"
    )

    assert response.status_code == 400
    assert "reviewer" in response.json()


def test_a_coach_cannot_reassign_or_skip_even_their_own_review(api, review, coaches):
    coach = _as(api, coaches[0])

    reassigned = coach.post(f"{ASSIGNMENTS}{review.pk}/reassign/", {"reviewer": coaches[1].pk})
    skipped = coach.post(f"{ASSIGNMENTS}{review.pk}/skip/", {"reason": "busy"})

    assert (reassigned.status_code, skipped.status_code) == (403, 403)


def test_a_manager_cannot_touch_another_cohorts_review(manager_api, coaches):
    other = ReviewAssignmentFactory()

    response = manager_api.post(f"{ASSIGNMENTS}{other.pk}/skip/", {"reason": "x"}, format="json")

    assert response.status_code == 404


def test_a_manager_skips_a_review_with_a_reason(manager_api, review):
    response = manager_api.post(
        f"{ASSIGNMENTS}{review.pk}/skip/", {"reason": "No recording"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "skipped"
    assert response.json()["skip_reason"] == "No recording"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 301}])
def test_a_skip_without_a_reason_is_a_400(manager_api, review, body):
    response = manager_api.post(f"{ASSIGNMENTS}{review.pk}/skip/", body, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()
    review.refresh_from_db()
    assert review.status == ReviewAssignment.Status.ASSIGNED


def test_a_closed_review_is_a_400_naming_its_status(manager_api, review, coaches):
    manager_api.post(f"{ASSIGNMENTS}{review.pk}/skip/", {"reason": "Gone"}, format="json")

    response = manager_api.post(
        f"{ASSIGNMENTS}{review.pk}/reassign/", {"reviewer": coaches[1].pk}, format="json"
    )

    assert response.status_code == 400
    assert "status" in response.json()


def test_the_schema_documents_the_review_endpoints(agent_api):
    schema = agent_api.get("/api/schema/?format=json").json()

    for path in [PLANS, f"{PLANS}{{id}}/load/", ASSIGNMENTS, f"{ASSIGNMENTS}{{id}}/reassign/",
                 f"{ASSIGNMENTS}{{id}}/skip/"]:  # fmt: skip
        assert path in schema["paths"], path
    reassign = schema["paths"][f"{ASSIGNMENTS}{{id}}/reassign/"]["post"]["responses"]
    assert {"200", "400", "403", "404"} <= set(reassign)


# --- Admin ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["reviewplan", "reviewassignment"])
def test_the_admin_shows_reviews_to_superusers_only(client, review, model):
    from tests.factories import ManagerFactory

    staff_manager = ManagerFactory(is_staff=True)
    client.force_login(staff_manager)
    assert client.get(f"/admin/reviews/{model}/").status_code == 403

    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))
    assert client.get(f"/admin/reviews/{model}/").status_code == 200
    pk = review.pk if model == "reviewassignment" else review.plan.pk
    assert client.get(f"/admin/reviews/{model}/{pk}/change/").status_code == 200
