"""Disputes: the agent questions a QA score within 14 days, criterion by criterion; a
manager or another coach resolves it; an adjusted score supersedes the original, which
stays, and certification reads the score in force."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from certification.services import certification_status
from cohorts.models import Enrollment, RubricScore
from reviews import disputes
from reviews.models import Dispute
from tests.factories import AgentFactory, CoachFactory, HRFactory
from tests.reviews.conftest import ALL_FOURS, FEEDBACK, _url

pytestmark = pytest.mark.django_db


@pytest.fixture
def score(client, coach, assignment):
    client.force_login(coach)
    client.post(_url(assignment), {**ALL_FOURS, **FEEDBACK, "action": "submit"})
    assignment.refresh_from_db()
    return assignment.score


@pytest.fixture
def manager(assignment):
    return assignment.plan.cohort.facilitators.get()


def _dispute(score):
    return disputes.dispute_open(
        score=score, agent=score.subject, reasons={"tone": "I stayed calm throughout."}
    )


def test_the_agent_disputes_on_the_page(client, score):
    client.force_login(score.subject)
    feedback = client.get(reverse("web:my-feedback")).content.decode()
    assert reverse("web:dispute-new", args=[score.pk]) in feedback

    response = client.post(
        reverse("web:dispute-new", args=[score.pk]), {"tone": "I stayed calm throughout."}
    )

    assert response.status_code == 302
    dispute = Dispute.objects.get(score=score)
    assert dispute.reasons == {"tone": "I stayed calm throughout."}
    assert "Your dispute:</strong> Open" in client.get(reverse("web:my-feedback")).content.decode()


def test_a_dispute_needs_a_reason(client, score):
    client.force_login(score.subject)

    response = client.post(reverse("web:dispute-new", args=[score.pk]), {"tone": "  "})

    assert response.status_code == 200
    assert "Say, for at least one criterion, why you disagree." in response.content.decode()
    assert not Dispute.objects.exists()


def test_no_dispute_after_fourteen_days_or_twice(score):
    late = score.scored_at + datetime.timedelta(days=14, minutes=1)
    with pytest.raises(ValidationError, match="within 14 days"):
        disputes.dispute_open(score=score, agent=score.subject, reasons={"tone": "x"}, now=late)
    _dispute(score)
    with pytest.raises(ValidationError, match="already been disputed"):
        _dispute(score)


def test_nobody_disputes_someone_elses_score_or_a_peer_score(client, score):
    other = AgentFactory()
    client.force_login(other)
    assert client.get(reverse("web:dispute-new", args=[score.pk])).status_code == 404
    with pytest.raises(ValidationError, match="only dispute scores about you"):
        disputes.dispute_open(score=score, agent=other, reasons={"tone": "x"})
    RubricScore.objects.filter(pk=score.pk).update(context="peer")
    score.refresh_from_db()
    with pytest.raises(ValidationError, match="Only QA review scores"):
        _dispute(score)


def test_the_scorer_may_not_resolve(client, coach, score):
    dispute = _dispute(score)
    client.force_login(coach)

    response = client.post(reverse("web:dispute", args=[dispute.pk]),
                           {"outcome": "rejected", "reply": "No."})  # fmt: skip

    assert response.status_code == 403
    with pytest.raises(ValidationError, match="never the scorer"):
        disputes.dispute_resolve(dispute=dispute, by=coach, outcome="rejected", reply="No.")


def test_an_adjustment_supersedes_the_score_and_certification_reads_it(client, manager, score):
    dispute = _dispute(score)
    client.force_login(manager)
    page = client.get(reverse("web:disputes")).content.decode()
    assert "0 days" in page  # its age

    response = client.post(
        reverse("web:dispute", args=[dispute.pk]),
        {"outcome": "adjusted", "reply": "You were calm: tone is a 5.", "score_tone": "5"},
    )

    assert response.status_code == 302
    dispute.refresh_from_db()
    score.refresh_from_db()
    adjusted = dispute.adjusted_score
    assert score.superseded_by == adjusted
    assert score.values["tone"] == 4  # the original stays as it was
    assert adjusted.values["tone"] == 5
    assert adjusted.percent == 84
    enrollment = Enrollment.objects.get(agent=score.subject)
    counted = [s.pk for s in certification_status(enrollment=enrollment).scores]
    assert counted == [adjusted.pk]
    client.force_login(score.subject)
    feedback = client.get(reverse("web:my-feedback")).content.decode()
    assert "You were calm: tone is a 5." in feedback
    assert "Replaced after your dispute" in feedback


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "upheld", "reply": ""}, "This field is required."),
        ({"outcome": "adjusted", "reply": "Changed."}, "An adjustment changes at least one"),
        ({"outcome": "maybe", "reply": "Hm."}, "Select a valid choice"),
    ],
)
def test_bad_resolutions_are_form_errors(client, manager, score, data, message):
    dispute = _dispute(score)
    client.force_login(manager)

    response = client.post(reverse("web:dispute", args=[dispute.pk]), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN


def test_upheld_keeps_the_score(manager, score):
    dispute = disputes.dispute_resolve(
        dispute=_dispute(score), by=manager, outcome="upheld", reply="The tone dipped at 3:10."
    )

    score.refresh_from_db()
    assert (dispute.status, score.superseded_by) == ("upheld", None)
    assert dispute.resolved_at <= timezone.now()
    with pytest.raises(ValidationError, match="already resolved"):
        disputes.dispute_resolve(dispute=dispute, by=manager, outcome="rejected", reply="x")


@pytest.mark.parametrize("factory", [HRFactory, AgentFactory])
def test_hr_and_agents_have_no_disputes_page(client, score, factory):
    dispute = _dispute(score)
    client.force_login(factory())

    assert client.get(reverse("web:disputes")).status_code == 403
    assert client.get(reverse("web:dispute", args=[dispute.pk])).status_code == 403


def test_a_coach_outside_the_cohort_sees_no_dispute(client, score):
    dispute = _dispute(score)
    client.force_login(CoachFactory())

    assert client.get(reverse("web:dispute", args=[dispute.pk])).status_code == 404
    assert "No open disputes." in client.get(reverse("web:disputes")).content.decode()


def test_managers_see_feedback_left_unread_for_a_week(client, manager, score):
    RubricScore.objects.filter(pk=score.pk).update(
        scored_at=timezone.now() - datetime.timedelta(days=8)
    )
    client.force_login(manager)

    page = client.get(reverse("web:disputes")).content.decode()

    assert "Feedback not read after 7 days (1)" in page
    assert "8 days ago" in page
    RubricScore.objects.filter(pk=score.pk).update(acknowledged_at=timezone.now())
    page = client.get(reverse("web:disputes")).content.decode()
    assert "Every agent has read their feedback." in page
