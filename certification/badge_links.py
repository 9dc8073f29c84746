"""The badge in the helpdesk: an agent's private, revocable link to their certification
status, as a small JSON document and an SVG badge a helpdesk sidebar or profile field
shows (docs/certification.md, "Badge in your helpdesk").

Both are worked out on every request from the decisions' dates (no cache on the server)
and may be cached for at most CACHE_SECONDS by whoever fetches them, so a revoked
certification or link shows within a minute. An unknown and a revoked link answer alike
(404), so a link tells nothing once it is revoked, not even that it existed.
"""

import datetime
import hashlib
import secrets
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import escape

from accounts.links import public_base, public_url
from accounts.models import User
from certification.models import BadgeLink, CertificationDecision, DecisionStatus
from cohorts.scope import managed_agents, manages_agent

CACHE_SECONDS = 60
SECRET_SALT = "attune.badge-link"
NO_CERTIFICATION = "none"


# --- The secret ----------------------------------------------------------------------------


def _secret(link: BadgeLink) -> str:
    return salted_hmac(SECRET_SALT, f"{link.agent_id}:{link.salt}", algorithm="sha256").hexdigest()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def badge_link_urls(link: BadgeLink) -> dict[str, str]:
    """The link's public addresses (the SVG badge and the JSON status document), and the
    SVG's path on this site (the plan previews it)."""
    token = _secret(link)
    svg_path = reverse("badges:link-svg", args=[token])
    return {
        "svg": public_base() + svg_path,
        "svg_path": svg_path,
        "json": public_url("badges:link-status", token),
    }


def badge_link_by_token(token: str) -> BadgeLink | None:
    """The live link whose secret is `token`, or None (unknown or revoked alike)."""
    return (
        BadgeLink.objects.filter(token_digest=_digest(token), revoked_at__isnull=True)
        .select_related("agent")
        .first()
    )


# --- Writes --------------------------------------------------------------------------------


@transaction.atomic
def badge_link_create(*, agent: User) -> BadgeLink:
    """A new link for `agent`; a live one is revoked in the same transaction, so its
    addresses stop answering the moment the new one exists (a replacement). At most one
    live link per agent (a unique constraint); only agents have one."""
    if agent.role != User.Role.AGENT:
        raise PermissionDenied("Only agents have a helpdesk badge link.")
    # Lock the agent's row: two requests at once make one live link, not a conflict.
    User.objects.select_for_update().filter(pk=agent.pk).get()
    for live in BadgeLink.objects.filter(agent=agent, revoked_at__isnull=True):
        _revoke(live, by=agent)  # saved, not updated: the audit trail records it
    link = BadgeLink(agent=agent, salt=secrets.token_urlsafe(32))
    link.token_digest = _digest(_secret(link))
    link.save()
    return link


def may_revoke(*, link: BadgeLink, user) -> bool:
    """The agent themselves, or a training manager whose scope holds them."""
    return link.agent_id == user.pk or manages_agent(user=user, agent=link.agent)


def _revoke(link: BadgeLink, *, by) -> None:
    link.revoked_at = timezone.now()
    link.revoked_by = by
    link.save(update_fields=["revoked_at", "revoked_by"])


@transaction.atomic
def badge_link_revoke(*, link: BadgeLink, by) -> BadgeLink:
    """Stop the link at once; the row stays with who revoked it and when. Revoking a link
    already revoked changes nothing."""
    if not may_revoke(link=link, user=by):
        raise PermissionDenied("Only the agent or a manager of theirs revokes this link.")
    locked = BadgeLink.objects.select_for_update().get(pk=link.pk)
    if locked.revoked_at is None:
        _revoke(locked, by=by)
    return locked


# --- Reads ---------------------------------------------------------------------------------


def badge_link_live(*, agent) -> BadgeLink | None:
    return BadgeLink.objects.filter(agent=agent, revoked_at__isnull=True).first()


def badge_link_shown(*, agent) -> dict:
    """What the plan's "Badge in your helpdesk" section shows: the live link and its
    addresses, or `link` None."""
    link = badge_link_live(agent=agent)
    if link is None:
        return {"link": None}
    return {"link": link, **badge_link_urls(link)}


def links_visible_to(*, user) -> QuerySet[BadgeLink]:
    """Agents: their own links; training managers: those of the agents in their scope."""
    if not user.is_authenticated:
        return BadgeLink.objects.none()
    if user.role == User.Role.AGENT:
        return BadgeLink.objects.filter(agent=user)
    if user.is_manager:
        return BadgeLink.objects.filter(agent__in=managed_agents(user=user))
    return BadgeLink.objects.none()


def _shown_decision(
    decisions: list[CertificationDecision], now: datetime.datetime
) -> CertificationDecision | None:
    """The valid certification lasting longest (one without expiry first), else the most
    recent decision, or None."""
    valid = [d for d in decisions if d.is_valid_at(now)]
    if valid:
        never = datetime.datetime.max.replace(tzinfo=datetime.UTC)
        return max(valid, key=lambda d: (d.expires_at or never, d.decided_at))
    return max(decisions, key=lambda d: (d.decided_at, d.pk), default=None)


def badge_status(*, agent: User, now: datetime.datetime | None = None) -> dict:
    """The public status document: the agent's name as they show it (never their e-mail),
    whether they are certified now, until when, the status of the certification shown
    (valid, expired, revoked, or none) and its program. Nothing else."""
    now = now or timezone.now()
    decisions = list(CertificationDecision.objects.filter(agent=agent).select_related("program"))
    shown = _shown_decision(decisions, now)
    status = shown.status_at(now) if shown else NO_CERTIFICATION
    certified = status == DecisionStatus.VALID
    return {
        "name": agent.display_name,
        "certified": certified,
        "status": str(status),
        "valid_until": shown.expires_at.isoformat() if certified and shown.expires_at else None,
        "program": shown.program.name if shown else None,
        "checked_at": now.isoformat(),
    }


# --- The SVG -------------------------------------------------------------------------------

HEIGHT = 28
CHAR_WIDTH = 7  # about the advance of a 12-pixel sans-serif character
NEUTRAL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" viewBox="0 0 1 1" '
    'role="img" aria-label="No certification to show"><title>No certification to show'
    "</title></svg>"
)


def badge_text(*, status: dict, time_zone: str) -> str | None:
    """ "Empathy certified until 5 Dec 2027" (in the agent's zone), "Empathy certified"
    without an expiry, or None when not certified."""
    if not status["certified"]:
        return None
    if status["valid_until"] is None:
        return "Empathy certified"
    until = datetime.datetime.fromisoformat(status["valid_until"])
    day = until.astimezone(ZoneInfo(time_zone or "UTC")).date()
    return f"Empathy certified until {day.day} {day:%b %Y}"


def badge_svg(*, text: str | None) -> str:
    """A green pill with `text`, or an empty one-pixel SVG when there is nothing to show."""
    if text is None:
        return NEUTRAL_SVG
    label = escape(text)
    width = len(text) * CHAR_WIDTH + 24
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
        f'<rect width="{width}" height="{HEIGHT}" rx="6" fill="#1b5e20"/>'
        f'<text x="{width // 2}" y="18" fill="#ffffff" text-anchor="middle" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12">{label}</text></svg>'
    )
