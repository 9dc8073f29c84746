"""Public, account-free badge endpoints: JSON-LD for verifiers, a page for people, and
the baked PNG. Unknown or malformed ids answer 404."""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from certification import openbadges
from certification.models import BadgeAssertion, BadgeClass
from certification.png import png_bake

JSON_LD = "application/ld+json"


def _json_ld(document: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(document, status=status, content_type=JSON_LD)
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch from other sites
    return response


def _assertion(uuid) -> BadgeAssertion:
    return get_object_or_404(
        BadgeAssertion.objects.select_related(
            "badge_class__program", "recipient", "decision__previous__assertion"
        ),
        uuid=uuid,
    )


@require_GET
def issuer(request):
    return _json_ld(openbadges.issuer_document())


@require_GET
def badge_class(request, pk: int):
    return _json_ld(openbadges.badge_class_document(get_object_or_404(BadgeClass, pk=pk)))


@require_GET
def badge_class_image(request, pk: int):
    badge = get_object_or_404(BadgeClass, pk=pk)
    return HttpResponse(bytes(badge.image), content_type="image/png")


@require_GET
def assertion(request, uuid):
    badge = _assertion(uuid)
    if badge.revoked:
        # Open Badges 2.0: a revoked hosted assertion answers 410 Gone with revoked: true.
        return _json_ld(openbadges.revoked_document(badge), status=410)
    return _json_ld(openbadges.assertion_document(badge))


@require_GET
def baked(request, uuid):
    badge = _assertion(uuid)
    if badge.revoked:
        return _json_ld(openbadges.revoked_document(badge), status=410)
    document = json.dumps(openbadges.assertion_document(badge))
    response = HttpResponse(png_bake(bytes(badge.badge_class.image), document), "image/png")
    response["Content-Disposition"] = f'attachment; filename="badge-{badge.uuid}.png"'
    return response


@require_GET
def verify(request, uuid):
    """The page for people: status (valid, expired, revoked), issuer, criteria and the
    evidence summary, in the site's layout. Public: the visitor is usually signed out."""
    badge = _assertion(uuid)
    now = timezone.now()
    decision = badge.decision
    if badge.revoked:
        state = "revoked"
    elif badge.expires_on and badge.expires_on <= now:
        state = "expired"
    else:
        state = "valid"
    renewal = getattr(decision, "renewed_by", None)
    context = {
        "nav": None,  # a public page: no navigation entry is current
        "badge": badge,
        "state": state,
        "expiring_soon": state == "valid" and decision.expiring_soon_at(now),
        # The badge of the recertification that renewed this one, and the one it renews.
        "renewed_by": getattr(renewal, "assertion", None) if renewal else None,
        "renews": getattr(decision.previous, "assertion", None) if decision.previous else None,
        "assertion_url": openbadges.assertion_url(badge),
        "baked_url": openbadges.baked_url(badge),
        "issuer": openbadges.issuer_document(),
    }
    return render(request, "certification/verify.html", context, status=200)
