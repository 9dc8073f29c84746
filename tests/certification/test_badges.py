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


UNKNOWN = uuid.UUID("00000000-0000-4000-8000-000000000000")


@pytest.mark.parametrize(
    "path",
    [
        # Fixed ids: parallel workers must collect the same test names.
        f"/badges/assertions/{UNKNOWN}",
        f"/badges/assertions/{UNKNOWN}/verify",
        f"/badges/assertions/{UNKNOWN}/baked.png",
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


# --- Issue #14: a real badge, a public narrative in the third person ------------------------


def test_the_badge_class_image_is_the_medal_drawn_with_the_programs_name(client, assertion):
    from certification.png import badge_png

    image = client.get(f"/badges/classes/{assertion.badge_class.pk}/image.png").content

    assert image == services.badge_class_image(program=assertion.badge_class.program)
    assert image != badge_png()  # not a blank medal
    assert image == badge_png(title="Certify me", level="Certified", issuer="Attune")


def test_the_baked_badge_is_the_drawn_image_with_the_assertion_before_iend(client, assertion):
    from certification.png import png_chunks

    baked = client.get(f"/badges/assertions/{assertion.uuid}/baked.png").content
    image = png_chunks(bytes(assertion.badge_class.image))

    assert png_chunks(baked)[:-2] == image[:-1]
    assert png_chunks(baked)[-2][0] == b"iTXt"


def test_the_public_evidence_narrative_speaks_of_the_agent_in_the_third_person(assertion):
    narrative = assertion.evidence_narrative

    assert narrative == (
        "They averaged 90% on the empathy rubric over their last 3 assessed interactions "
        "(70% needed). They passed a live role-play, assessed by a certified assessor, on "
        "1 March 2027."
    )
    words = narrative.lower().replace(".", " ").replace(",", " ").split()
    assert not {"you", "your", "yours"} & set(words)


def test_the_assertion_and_the_verify_page_carry_the_third_person_narrative(client, assertion):
    body = client.get(f"/badges/assertions/{assertion.uuid}").json()
    page = client.get(f"/badges/assertions/{assertion.uuid}/verify").content.decode()

    assert body["evidence"]["narrative"].startswith("They averaged 90%")
    assert "They averaged 90%" in page
    assert "your last" not in page


def test_the_migration_rewrites_old_second_person_narratives_and_redraws_images(assertion):
    import importlib

    from django.apps import apps

    from certification.models import BadgeClass
    from certification.png import badge_png

    migration = importlib.import_module(
        "certification.migrations.0003_third_person_evidence_and_drawn_badge_images"
    )
    BadgeAssertion.objects.update(evidence_narrative="rubric 90% over your last 3 (needs 70%)")
    BadgeClass.objects.update(image=badge_png())

    migration.rewrite(apps, None)

    assert BadgeAssertion.objects.get().evidence_narrative.startswith("They averaged 90%")
    assert bytes(BadgeClass.objects.get().image) != badge_png()


# --- The verify page, in the site's layout -------------------------------------------------


def _verify(client, assertion) -> str:
    response = client.get(f"/badges/assertions/{assertion.uuid}/verify")
    assert response.status_code == 200
    return response.content.decode()


def test_the_verify_page_uses_the_site_layout_for_an_anonymous_visitor(client, assertion):
    html = _verify(client, assertion)

    assert "/static/attune/attune.css" in html
    assert '<a class="skip-link" href="#main">' in html
    assert "<style>" not in html  # the site stylesheet, not a page-local one
    assert 'aria-label="Main"' not in html  # no navigation for someone signed out
    assert "Sign out" not in html
    assert "<title>Certify me: certified: valid · Attune</title>" in html


def test_a_signed_in_agent_sees_their_navigation_on_the_verify_page(client, assertion):
    client.force_login(assertion.recipient)

    html = _verify(client, assertion)

    assert 'aria-label="Main"' in html
    assert "Sign out" in html
    assert 'aria-current="page"' not in html


def test_the_verify_page_shows_issuer_criteria_and_evidence(client, assertion, settings):
    html = _verify(client, assertion)

    for heading in ("Status", "Issuer", "Criteria", "Evidence", "For verifiers"):
        assert f">{heading}</h2>" in html
    assert f">{settings.ATTUNE_BADGE_ISSUER_NAME}</a>" in html
    assert "An average of at least 70% on the empathy rubric" in html
    assert "They passed a live role-play" in html


def test_a_valid_badge_says_so_and_offers_the_baked_download(client, assertion):
    html = _verify(client, assertion)

    assert '<span class="badge-ok">Genuine and valid</span>' in html
    assert "<dt>Expires on</dt><dd>29 February 2028</dd>" in html
    assert "Download the baked badge (PNG)" in html


def test_an_expired_badge_says_when_it_expired(client, assertion):
    import time_machine

    with time_machine.travel("2028-06-01", tick=False):
        html = _verify(client, assertion)

    assert '<span class="badge-warn">Expired on 29 February 2028</span>' in html
    assert "the holder has to recertify" in html
    assert "Genuine and valid" not in html


def test_a_revoked_badge_says_when_and_why_and_offers_no_download(client, assertion, facilitator):
    services.certification_revoke(decision=assertion.decision, by=facilitator, reason="Misfiled")

    html = _verify(client, assertion)

    assert '<span class="badge-warn">Revoked on 1 March 2027</span>' in html
    assert "Reason given: Misfiled" in html
    assert "Download the baked badge" not in html
    assert "Genuine and valid" not in html
