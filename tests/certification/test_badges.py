import hashlib
import json
import threading
import uuid

import pytest
from django.core import mail
from django.db import connection

from certification import services
from certification.models import BadgeAssertion, CertificationDecision
from certification.png import png_unbake
from tests.certification.conftest import NOW, score

pytestmark = pytest.mark.django_db
BASE = "https://attune.test"


@pytest.fixture
def decision(enrollment, scenario, assessor):
    for value in (90, 90):
        score(enrollment, value)
    booked = services.role_play_book(
        enrollment=enrollment, scenario=scenario, assessor=assessor, now=NOW
    )
    services.role_play_assess(
        assessment=booked, by=assessor, values={"overall": 90}, passed=True, now=NOW
    )
    return services.certification_evaluate(enrollment=enrollment, now=NOW)


@pytest.fixture
def assertion(decision):
    return services.badge_award(decision=decision)


def test_award_is_idempotent_and_congratulates_once(decision):
    first = services.badge_award(decision=decision)
    second = services.badge_award(decision=decision)

    assert first == second
    assert BadgeAssertion.objects.count() == 1
    assert len(mail.outbox) == 1


def test_assertion_json_has_every_required_field(client, assertion):
    body = client.get(f"/badges/assertions/{assertion.uuid}").json()

    assert body["@context"] == "https://w3id.org/openbadges/v2"
    assert body["type"] == "Assertion"
    assert body["id"] == f"{BASE}/badges/assertions/{assertion.uuid}"
    assert body["badge"] == f"{BASE}/badges/classes/{assertion.badge_class.pk}"
    assert body["verification"] == {"type": "HostedBadge"}
    assert body["issuedOn"] == "2027-03-01T12:00:00Z"
    assert body["expires"] == "2028-02-29T12:00:00Z"  # 365 days later, in a leap year
    recipient = body["recipient"]
    assert (recipient["type"], recipient["hashed"]) == ("email", True)
    expected = hashlib.sha256((assertion.recipient.email + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == f"sha256${expected}"
    assert assertion.recipient.email not in json.dumps(body)


def test_badge_class_and_issuer_json(client, assertion):
    badge = client.get(f"/badges/classes/{assertion.badge_class.pk}").json()
    issuer = client.get("/badges/issuer").json()
    image = client.get(f"/badges/classes/{assertion.badge_class.pk}/image.png")

    assert badge["type"] == "BadgeClass"
    for key in ("@context", "id", "name", "description", "image", "criteria", "issuer"):
        assert badge[key]
    assert "70%" in badge["criteria"]["narrative"]
    assert badge["issuer"] == issuer["id"] == f"{BASE}/badges/issuer"
    assert issuer["type"] == "Issuer"
    assert {"name", "url", "email"} <= set(issuer)
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_a_revoked_assertion_answers_410_with_its_reason(client, assertion, facilitator):
    services.certification_revoke(decision=assertion.decision, by=facilitator, reason="Misfiled")

    response = client.get(f"/badges/assertions/{assertion.uuid}")
    page = client.get(f"/badges/assertions/{assertion.uuid}/verify")

    assert response.status_code == 410
    assert response.json()["revoked"] is True
    assert response.json()["revocationReason"] == "Misfiled"
    assert "Revoked" in page.content.decode()
    assert CertificationDecision.objects.get().revocation_reason == "Misfiled"


def test_the_verification_page_tells_valid_from_expired(client, assertion):
    import time_machine

    valid = client.get(f"/badges/assertions/{assertion.uuid}/verify").content.decode()
    with time_machine.travel("2028-06-01", tick=False):
        expired = client.get(f"/badges/assertions/{assertion.uuid}/verify").content.decode()

    assert "Genuine and valid" in valid
    assert "Expired on 29 February 2028" in expired


def test_the_baked_png_carries_the_assertion(client, assertion):
    response = client.get(f"/badges/assertions/{assertion.uuid}/baked.png")

    assert response["Content-Type"] == "image/png"
    embedded = json.loads(png_unbake(response.content))
    assert embedded == client.get(f"/badges/assertions/{assertion.uuid}").json()


@pytest.mark.parametrize(
    "path",
    [
        f"/badges/assertions/{uuid.uuid4()}",
        f"/badges/assertions/{uuid.uuid4()}/verify",
        f"/badges/assertions/{uuid.uuid4()}/baked.png",
        "/badges/assertions/not-a-uuid",
        "/badges/assertions/12345/verify",
        "/badges/classes/999999",
    ],
)
def test_unknown_or_malformed_ids_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_awards_give_one_assertion_and_one_email(decision):
    """Two workers award the same decision at the same moment (real transactions)."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def award():
        try:
            barrier.wait(timeout=10)
            results.append(services.badge_award(decision=decision))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=award) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert {r.pk for r in results} == {BadgeAssertion.objects.get().pk}
    assert len(mail.outbox) == 1
