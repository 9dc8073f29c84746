"""Everything the review pages do, through the API: drafting and submitting a review, and
disputes, with the forbidden paths."""

import pytest

from reviews.models import Dispute, ReviewAssignment
from tests.clients import api_as
from tests.factories import AgentFactory, CoachFactory, HRFactory

pytestmark = pytest.mark.django_db
KEYS = ("tone", "validation", "paraphrase", "question_quality", "actionable_closure")
DRAFT = {
    "values": dict.fromkeys(KEYS, 4),
    "comments": {"tone": "Calm."},
    "strength": "Named the worry.",
    "next_step": "Summarise the next steps.",
}


def _submitted(coach, assignment):
    api = api_as(coach)
    api.post(f"/api/review-assignments/{assignment.pk}/draft/", DRAFT, format="json")
    return api.post(f"/api/review-assignments/{assignment.pk}/submit/").json()


def test_the_reviewer_drafts_then_submits_once(coach, assignment):
    api = api_as(coach)
    base = f"/api/review-assignments/{assignment.pk}"

    drafted = api.post(f"{base}/draft/", DRAFT, format="json")
    submitted = api.post(f"{base}/submit/")
    again = api.post(f"{base}/submit/")

    assert drafted.status_code == 200
    assert submitted.status_code == 201
    assert submitted.json()["strength"] == "Named the worry."
    assert submitted.json()["comments"] == {"tone": "Calm."}
    assert again.status_code == 400
    assert "status" in again.json()
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SUBMITTED


def test_a_score_outside_the_scale_is_a_400_naming_the_field(coach, assignment):
    response = api_as(coach).post(
        f"/api/review-assignments/{assignment.pk}/draft/",
        {"values": {"tone": 9}},
        format="json",
    )

    assert response.status_code == 400
    assert "values" in response.json()


def test_only_the_assigned_reviewer_writes(coach, assignment):
    manager = assignment.plan.cohort.facilitators.get()
    url = f"/api/review-assignments/{assignment.pk}/draft/"

    assert api_as(manager).post(url, DRAFT, format="json").status_code == 403
    assert api_as(CoachFactory()).post(url, DRAFT, format="json").status_code == 404
    assert api_as(AgentFactory()).post(url, DRAFT, format="json").status_code == 403
    assert api_as(HRFactory()).post(url, DRAFT, format="json").status_code == 403


def test_disputes_through_the_api(coach, assignment):
    score = _submitted(coach, assignment)
    agent = api_as(assignment.agent)

    opened = agent.post("/api/disputes/", {"score": score["id"], "reasons": {"tone": "Calm!"}},
                        format="json")  # fmt: skip
    twice = agent.post("/api/disputes/", {"score": score["id"], "reasons": {"tone": "Calm!"}},
                       format="json")  # fmt: skip

    assert opened.status_code == 201
    assert twice.status_code == 400
    dispute = opened.json()["id"]
    assert api_as(coach).post(f"/api/disputes/{dispute}/resolve/",
                            {"outcome": "rejected", "reply": "No."}).status_code == 403  # fmt: skip
    manager = api_as(assignment.plan.cohort.facilitators.get())
    bad = manager.post(f"/api/disputes/{dispute}/resolve/", {"outcome": "maybe", "reply": "?"})
    assert bad.status_code == 400
    assert "outcome" in bad.json()
    resolved = manager.post(
        f"/api/disputes/{dispute}/resolve/",
        {"outcome": "adjusted", "reply": "Tone is a 5.", "values": {"tone": 5}},
        format="json",
    )
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "adjusted"
    assert agent.get("/api/disputes/").json()["results"][0]["reply"] == "Tone is a 5."


def test_nobody_else_disputes_or_reads_a_dispute(coach, assignment):
    score = _submitted(coach, assignment)
    other = api_as(AgentFactory())

    response = other.post("/api/disputes/", {"score": score["id"], "reasons": {"tone": "x"}},
                          format="json")  # fmt: skip

    assert response.status_code == 400  # someone else's score does not exist for you
    assert "score" in response.json()
    Dispute.objects.create(score_id=score["id"], agent=assignment.agent, reasons={"tone": "x"})
    assert other.get("/api/disputes/").json()["results"] == []
    assert api_as(HRFactory()).get("/api/disputes/").status_code == 403
    assert api_as(CoachFactory()).get("/api/disputes/").json()["results"] == []
