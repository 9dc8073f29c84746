"""Work asked for while the broker is down is recorded and done once it is back (#16)."""

import datetime

import pytest

from certification.models import CertificationDecision
from jobs import services
from jobs.models import TaskIntent
from tests.certification.conftest import score

pytestmark = pytest.mark.django_db


def test_a_role_play_recorded_while_the_broker_is_down_is_certified_when_it_returns(
    coach_api, enrollment, scenario, broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    score(enrollment, 85)
    score(enrollment, 85)
    booked = coach_api.post(
        "/api/certification/assessments/",
        {"enrollment": enrollment.pk, "scenario": scenario.pk},
        format="json",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessed = coach_api.post(
            f"/api/certification/assessments/{booked.json()['id']}/assess/",
            {"values": {"overall": 90}, "passed": True},
            format="json",
        )
    assert assessed.status_code == 200, assessed.content
    assert not CertificationDecision.objects.exists()
    waiting = TaskIntent.objects.get(task="certification.tasks.certification_evaluate_task")
    assert waiting.state == "pending"

    monkeypatch.undo()
    services.intents_republish(now=waiting.created_at + datetime.timedelta(minutes=1))

    assert CertificationDecision.objects.filter(agent=enrollment.agent).count() == 1
