import pytest
from django.utils import timezone

from certification.demo import demo_expired_certification_create
from certification.models import DecisionStatus

pytestmark = pytest.mark.django_db


def test_the_demo_expired_badge_reads_expired_on_its_verify_page(
    client, enrollment, assessor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = demo_expired_certification_create(enrollment=enrollment, coach=assessor)
    again = demo_expired_certification_create(enrollment=enrollment, coach=assessor)

    html = client.get(f"/badges/assertions/{decision.assertion.uuid}/verify").content.decode()

    assert again == decision
    assert decision.status_at(decision.expires_at) == DecisionStatus.EXPIRED
    assert decision.expires_at < timezone.now()
    assert "Expired on" in html
    assert decision.agent.certifications.count() == 1  # the evaluation after it made no other
