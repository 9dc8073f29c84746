"""The coach's pages: home (my queue), the review page (draft, submit once), who may see
and write what, and the agent reading the feedback on their plan."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cohorts.models import RubricScore
from reviews.models import ReviewAssignment
from tests.factories import (
    AgentFactory,
    CoachFactory,
    HRFactory,
)
from tests.reviews.conftest import ALL_FOURS, FEEDBACK, KEYS, _assign, _url

pytestmark = pytest.mark.django_db


def test_a_coach_lands_on_their_queue(client, coach, assignment):
    overdue = _assign(assignment.plan, assignment.agent, coach, slot=2,
                      due=timezone.now() - datetime.timedelta(days=1))  # fmt: skip
    client.force_login(coach)

    response = client.get("/", follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("web:coach-home")
    overdue_part, due_part = html.split("Overdue (1)")[1].split("Due (1)")
    assert _url(overdue) in overdue_part
    assert _url(assignment) in due_part


def test_the_review_page_shows_the_interaction_and_each_criterion(client, coach, assignment):
    client.force_login(coach)

    html = client.get(_url(assignment)).content.decode()

    assert assignment.interaction.reference in html
    assert "412 seconds" in html
    for key in KEYS:
        assert f'name="score_{key}"' in html
        assert f'name="comment_{key}"' in html


def test_a_draft_is_saved_and_nothing_reaches_the_agent(client, coach, assignment):
    client.force_login(coach)

    response = client.post(_url(assignment), {"score_tone": "3", "comment_tone": "Warm.",
                                              "action": "save"})  # fmt: skip

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.draft_values == {"tone": 3}
    assert assignment.draft_comments == {"tone": "Warm."}
    assert assignment.status == ReviewAssignment.Status.ASSIGNED
    assert not RubricScore.objects.filter(subject=assignment.agent).exists()


def test_submitting_makes_a_qa_score_with_the_feedback_once(
    client, coach, assignment, django_capture_on_commit_callbacks
):
    client.force_login(coach)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            _url(assignment),
            {**ALL_FOURS, "comment_validation": "Good: named the feeling.", **FEEDBACK,
             "action": "submit"},
        )  # fmt: skip

    assert response.status_code == 302
    assignment.refresh_from_db()
    score = assignment.score
    assert assignment.status == ReviewAssignment.Status.SUBMITTED
    assert (score.context, score.scorer, score.subject) == ("qa", coach, assignment.agent)
    assert score.percent == 80
    assert score.comments == {"validation": "Good: named the feeling."}
    assert (score.strength, score.next_step) == (FEEDBACK["strength"], FEEDBACK["next_step"])
    assert score.interaction_ref == assignment.interaction.reference
    assert len(callbacks) == 1  # the certification is evaluated again once this commits
    again = client.post(_url(assignment), {**ALL_FOURS, **FEEDBACK, "action": "submit"})
    assert again.status_code == 403  # a second submission is refused
    assert RubricScore.objects.filter(subject=assignment.agent).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**ALL_FOURS, "strength": "Kind.", "next_step": ""}, "Name one thing to try next time."),
        ({"score_tone": "4", **FEEDBACK}, "needs a score"),
        ({**ALL_FOURS, "score_tone": "9", **FEEDBACK}, "Select a valid choice"),
    ],
)
def test_an_incomplete_or_bad_review_is_a_form_error(client, coach, assignment, data, message):
    client.force_login(coach)

    response = client.post(_url(assignment), {**data, "action": "submit"})

    assert response.status_code == 200
    assert message in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.ASSIGNED


def test_another_coach_cannot_see_the_review(client, assignment):
    client.force_login(CoachFactory())

    assert client.get(_url(assignment)).status_code == 404
    assert client.post(_url(assignment), {**ALL_FOURS, "action": "save"}).status_code == 404


@pytest.mark.parametrize("factory", [AgentFactory, HRFactory])
def test_agents_and_hr_have_no_review_pages(client, assignment, factory):
    client.force_login(factory())

    assert client.get(reverse("web:coach-home")).status_code == 403
    assert client.get(_url(assignment)).status_code == 403


def test_the_facilitator_reads_but_does_not_write_the_review(client, assignment):
    client.force_login(assignment.plan.cohort.facilitators.get())

    assert client.get(_url(assignment)).status_code == 200
    assert client.post(_url(assignment), {**ALL_FOURS, "action": "save"}).status_code == 403


def test_the_agent_reads_names_comments_and_who_scored_on_their_plan(client, coach, assignment):
    client.force_login(coach)
    client.post(_url(assignment), {**ALL_FOURS, "comment_tone": "Calm and warm.", **FEEDBACK,
                                   "action": "submit"})  # fmt: skip
    client.force_login(assignment.agent)

    html = client.get(reverse("web:plan")).content.decode()

    assert "QA review by Cora Coach" in html
    assert "Counts toward certification." in html
    assert "Calm and warm." in html
    assert f"What went well:</strong> {escape(FEEDBACK['strength'])}" in html
    assert "Try next:</strong> Summarise before closing." in html
    assert "question_quality" not in html  # criterion names, not keys


def _submitted(client, coach, assignment):
    client.force_login(coach)
    client.post(_url(assignment), {**ALL_FOURS, **FEEDBACK, "action": "submit"})
    assignment.refresh_from_db()
    return assignment.score


def test_the_agent_acknowledges_the_feedback_on_the_plan(client, coach, assignment):
    score = _submitted(client, coach, assignment)
    client.force_login(assignment.agent)
    url = reverse("web:plan-score-acknowledge", args=[score.pk])

    assert "I have read this feedback" in client.get(reverse("web:plan")).content.decode()
    assert client.post(url).status_code == 302
    score.refresh_from_db()
    first = score.acknowledged_at
    assert first is not None
    client.post(url)  # twice: the first reading is kept
    score.refresh_from_db()
    assert score.acknowledged_at == first
    assert "You read this on" in client.get(reverse("web:plan")).content.decode()


def test_nobody_else_acknowledges_an_agents_feedback(client, coach, assignment, agent_api):
    score = _submitted(client, coach, assignment)
    client.force_login(AgentFactory())

    assert client.post(reverse("web:plan-score-acknowledge", args=[score.pk])).status_code == 404
    assert agent_api.post(f"/api/rubric-scores/{score.pk}/acknowledge/").status_code == 404
    score.refresh_from_db()
    assert score.acknowledged_at is None


def test_the_agent_acknowledges_through_the_api_too(client, coach, assignment):
    from rest_framework.test import APIClient

    score = _submitted(client, coach, assignment)
    api = APIClient()
    api.force_authenticate(assignment.agent)

    body = api.post(f"/api/rubric-scores/{score.pk}/acknowledge/").json()

    assert body["acknowledged_at"] is not None
    assert body["strength"] == FEEDBACK["strength"]
    assert body["counts_toward_certification"] is True
    api.force_authenticate(coach)
    assert api.post(f"/api/rubric-scores/{score.pk}/acknowledge/").status_code == 403


def test_the_review_page_shows_the_transcript(client, coach, assignment):
    assignment.interaction.notes = "Customer: charged twice.\nAgent: I see both."
    assignment.interaction.save()
    client.force_login(coach)

    html = client.get(_url(assignment)).content.decode()

    assert "Transcript or notes" in html
    assert "Customer: charged twice.<br>Agent: I see both." in html


def test_the_review_page_says_what_each_point_means(client, coach, assignment):
    criterion = assignment.plan.cohort.program.rubric.criteria.get(key="tone")
    type(criterion).objects.filter(pk=criterion.pk).update(
        levels={"1": "Flat and rushed.", "5": "Warm and steady."}
    )
    client.force_login(coach)

    html = client.get(_url(assignment)).content.decode()

    assert "<dt>1</dt><dd>Flat and rushed.</dd><dt>5</dt><dd>Warm and steady.</dd>" in html
