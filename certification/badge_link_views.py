"""The helpdesk badge: its two public addresses, and the pages where an agent makes,
replaces and revokes their link and a training manager revokes an agent's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from certification import badge_links

SVG = "image/svg+xml"
LINKS_PER_PAGE = 50


def _public(response: HttpResponse) -> HttpResponse:
    # Any site may show it (a helpdesk sidebar fetches from its own origin); nobody may
    # keep it longer than a minute, so a revocation shows within one.
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=badge_links.CACHE_SECONDS)
    return response


@csrf_exempt
@require_safe
def link_status(request, token: str):
    """The status document: 404 for an unknown or a revoked link alike."""
    link = badge_links.badge_link_by_token(token)
    if link is None:
        return _public(JsonResponse({"detail": "No such badge link."}, status=404))
    return _public(JsonResponse(badge_links.badge_status(agent=link.agent)))


@csrf_exempt
@require_safe
def link_svg(request, token: str):
    """The badge: the empty SVG when not certified, and with a 404 for an unknown or a
    revoked link (so the helpdesk shows nothing rather than a broken image)."""
    link = badge_links.badge_link_by_token(token)
    if link is None:
        return _public(HttpResponse(badge_links.NEUTRAL_SVG, content_type=SVG, status=404))
    status = badge_links.badge_status(agent=link.agent)
    text = badge_links.badge_text(status=status, time_zone=link.agent.time_zone)
    return _public(HttpResponse(badge_links.badge_svg(text=text), content_type=SVG))


# --- Pages ---------------------------------------------------------------------------------

PLAN_SECTION = "web:plan"


def _back_to_plan():
    return redirect(reverse(PLAN_SECTION) + "#helpdesk-badge")


@login_required
@require_http_methods(["GET", "POST"])
def my_link(request):
    """GET: what replacing the link does, and a button to do it (or back to the plan when
    there is none). POST: make the link, or replace it (the old one stops at once)."""
    if request.user.role != request.user.Role.AGENT:
        raise PermissionDenied("Only agents have a helpdesk badge link.")
    live = badge_links.badge_link_live(agent=request.user)
    if request.method == "GET":
        if live is None:
            return _back_to_plan()
        return render(request, "certification/badge_link_replace.html", {"nav": "plan"})
    badge_links.badge_link_create(agent=request.user)
    if live is None:
        text = "Your helpdesk badge link is ready: copy it into your helpdesk profile."
    else:
        text = "Your new helpdesk badge link is ready; the old one stopped working."
    messages.success(request, text, extra_tags="helpdesk-badge")
    return _back_to_plan()


@login_required
def manager_links(request):
    """A training manager's agents' live links, each with Revoke."""
    if not request.user.is_manager:
        raise PermissionDenied("Training managers revoke their agents' badge links.")
    links = (
        badge_links.links_visible_to(user=request.user)
        .filter(revoked_at__isnull=True)
        .select_related("agent")
        .order_by("agent__display_name", "agent__email", "pk")
    )
    page = Paginator(links, LINKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "certification/badge_links.html", {"nav": "cohorts", "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def revoke_link(request, pk: int):
    """GET: confirm. POST: revoke. The agent's own link, or one of a manager's agents';
    every other link does not exist for the asker (404); coaches and HR get 403."""
    user = request.user
    if not (user.role == user.Role.AGENT or user.is_manager):
        raise PermissionDenied("Only the agent or their manager revokes a badge link.")
    link = get_object_or_404(
        badge_links.links_visible_to(user=user).select_related("agent"),
        pk=pk,
        revoked_at__isnull=True,
    )
    own = link.agent_id == user.pk
    if request.method == "GET":
        return render(
            request,
            "certification/badge_link_revoke.html",
            {"nav": "plan" if own else "cohorts", "link": link, "own": own},
        )
    badge_links.badge_link_revoke(link=link, by=user)
    if own:
        messages.success(
            request, "Your helpdesk badge link is revoked.", extra_tags="helpdesk-badge"
        )
        return _back_to_plan()
    messages.success(request, f"{link.agent}'s helpdesk badge link is revoked.")
    return redirect("web:badge-links")
