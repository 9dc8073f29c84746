"""Open Badges 2.0 documents for hosted verification.

Every `id` is an absolute URL under ATTUNE_PUBLIC_BASE_URL, so a verifier holding only the
assertion's URL can fetch the assertion, its BadgeClass and the Issuer profile in turn.
"""

from django.conf import settings
from django.urls import reverse

from accounts.links import public_base

CONTEXT = "https://w3id.org/openbadges/v2"


def absolute(path: str) -> str:
    return public_base() + path


def issuer_url() -> str:
    return absolute(reverse("badges:issuer"))


def badge_class_url(badge_class) -> str:
    return absolute(reverse("badges:class", args=[badge_class.pk]))


def badge_image_url(badge_class) -> str:
    return absolute(reverse("badges:class-image", args=[badge_class.pk]))


def assertion_url(assertion) -> str:
    return absolute(reverse("badges:assertion", args=[assertion.uuid]))


def verify_url(assertion) -> str:
    return absolute(reverse("badges:verify", args=[assertion.uuid]))


def baked_url(assertion) -> str:
    return absolute(reverse("badges:baked", args=[assertion.uuid]))


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def issuer_document() -> dict:
    return {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_url(),
        "name": settings.ATTUNE_BADGE_ISSUER_NAME,
        "url": settings.ATTUNE_BADGE_ISSUER_URL or settings.ATTUNE_PUBLIC_BASE_URL,
        "email": settings.ATTUNE_BADGE_ISSUER_EMAIL,
    }


def badge_class_document(badge_class) -> dict:
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(badge_class),
        "name": badge_class.name,
        "description": badge_class.description,
        "image": badge_image_url(badge_class),
        "criteria": {"narrative": badge_class.criteria_narrative},
        "issuer": issuer_url(),
    }


def assertion_document(assertion) -> dict:
    document = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(assertion),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": assertion.recipient_salt,
            "identity": assertion.recipient_hash,
        },
        "badge": badge_class_url(assertion.badge_class),
        "verification": {"type": "HostedBadge"},
        "issuedOn": _iso(assertion.issued_on),
    }
    if assertion.expires_on:
        document["expires"] = _iso(assertion.expires_on)
    if assertion.evidence_narrative:
        document["evidence"] = {"narrative": assertion.evidence_narrative}
    return document


def revoked_document(assertion) -> dict:
    """What a revoked hosted assertion answers (with HTTP 410 Gone)."""
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(assertion),
        "revoked": True,
        "revocationReason": assertion.revocation_reason,
    }
