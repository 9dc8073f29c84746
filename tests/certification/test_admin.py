import pytest
import time_machine

from certification import services
from certification.models import CertificationDecision
from tests.certification.conftest import score
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def decision(enrollment, scenario, assessor):
    for value in (90, 90):
        score(enrollment, value)
    booked = services.role_play_book(enrollment=enrollment, scenario=scenario, assessor=assessor)
    services.role_play_assess(assessment=booked, by=assessor, values={"overall": 90}, passed=True)
    decision = services.certification_evaluate(enrollment=enrollment)
    services.badge_award(decision=decision)
    return decision


def test_a_reason_in_the_admin_revokes(admin_client, decision):
    response = admin_client.post(
        f"/admin/certification/certificationdecision/{decision.pk}/change/",
        {"revoke_reason": "Assessor conflict found"},
    )

    decision.refresh_from_db()
    assert response.status_code == 302
    assert decision.revocation_reason == "Assessor conflict found"
    assert decision.assertion.revoked


@pytest.mark.parametrize(
    "page",
    [
        "/admin/certification/certificationgate/add/",
        "/admin/certification/roleplayassessment/",
        "/admin/certification/certificationdecision/",
        "/admin/certification/badgeclass/",
        "/admin/certification/badgeassertion/",
    ],
)
def test_admin_pages_render(admin_client, decision, page):
    assert admin_client.get(page).status_code == 200


def test_booking_in_the_admin_applies_the_rules(admin_client, enrollment, scenario):
    response = admin_client.post(
        "/admin/certification/roleplayassessment/add/",
        {"enrollment": enrollment.pk, "scenario": scenario.pk, "assessor": enrollment.agent.pk},
    )

    assert response.status_code == 200
    assert "Nobody assesses their own role-play." in response.content.decode()
    assert not CertificationDecision.objects.exists()
    assert not enrollment.role_plays.exists()


def test_the_decision_list_shows_an_expired_certification_as_expired(admin_client, decision):

    with time_machine.travel(decision.expires_at, tick=False):
        admin_client.force_login(ManagerFactory(is_staff=True, is_superuser=True))
        html = admin_client.get("/admin/certification/certificationdecision/").content.decode()

    assert '<td class="field-status">Expired</td>' in html
