"""Self-assessment: the agent scores their own interaction under review before the coach
does, never after, never someone else's; afterwards they see the gap; it never counts."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cohorts.models import RubricScore
from reviews.models import SelfAssessment
from tests.factories import AgentFactory, CoachFactory, HRFactory
from tests.reviews.conftest import ALL_FOURS, FEEDBACK, KEYS, _url

pytestmark = pytest.mark.django_db


def test_the_agent_scores_first_then_sees_the_gap(client, coach, assignment):
    client.force_login(assignment.agent)
    page = client.get(reverse("web:my-feedback")).content.decode()
    url = reverse("web:self-assessment", args=[assignment.pk])
    assert url in page

    client.post(url, {f"score_{k}": "5" for k in KEYS})
    assert SelfAssessment.objects.get(assignment=assignment).values == dict.fromkeys(KEYS, 5)
    assert not RubricScore.objects.exists()  # a self-score is never a rubric score
    client.force_login(coach)
    client.post(_url(assignment), {**ALL_FOURS, **FEEDBACK, "action": "submit"})
    client.force_login(assignment.agent)

    page = client.get(reverse("web:my-feedback")).content.decode()

    assert "Your own scores against the coach" in page
    assert "<td>5</td><td>4</td><td>+1</td>" in page


def test_no_self_assessment_after_the_review_or_twice(client, coach, assignment):
    client.force_login(coach)
    client.post(_url(assignment), {**ALL_FOURS, **FEEDBACK, "action": "submit"})
    client.force_login(assignment.agent)

    response = client.post(
        reverse("web:self-assessment", args=[assignment.pk]), {f"score_{k}": "5" for k in KEYS}
    )

    assert "self-assessment comes before it" in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_the_api_refuses_other_peoples_interactions(assignment):
    api = APIClient()
    api.force_authenticate(AgentFactory())
    body = {"assignment": assignment.pk, "values": dict.fromkeys(KEYS, 3)}

    response = api.post("/api/self-assessments/", body, format="json")

    assert response.status_code == 400
    assert "assignment" in response.json()
    for user in (CoachFactory(), HRFactory()):
        api.force_authenticate(user)
        assert api.post("/api/self-assessments/", body, format="json").status_code == 403
    api.force_authenticate(assignment.agent)
    assert api.post("/api/self-assessments/", body, format="json").status_code == 201
    again = api.post("/api/self-assessments/", body, format="json")
    assert again.status_code == 400


def test_another_agent_has_no_self_assessment_page(client, assignment):
    client.force_login(AgentFactory())

    assert client.get(reverse("web:self-assessment", args=[assignment.pk])).status_code == 404
