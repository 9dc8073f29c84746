"""Debriefs: an agent asks a teammate for five minutes after a hard contact.

Only the request, the answer and whether it happened are kept, never what was said. The
two people involved see it; nobody else reads individual debriefs (HR's burnout figures
count them per team and month, 5 or more people a cell)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.links import public_url
from accounts.models import ReminderKind, User
from accounts.reminders import Due, outbox_write
from cohorts.models import CoachingPairMember, Enrollment
from wellbeing.models import DebriefRequest

OBJECT_TYPE = "debriefrequest"
# One request a day to the same teammate is plenty; more is pressure.
SAME_TEAMMATE_PER_DAY = 1


def coaching_partners(*, user: User, now: datetime.datetime | None = None) -> QuerySet[User]:
    """The people in the user's latest coaching pair that has begun (active enrolment)."""
    now = now or timezone.now()
    latest = (
        CoachingPairMember.objects.filter(
            enrollment__agent=user,
            enrollment__status=Enrollment.Status.ACTIVE,
            pair__item__starts_at__lte=now,
        )
        .order_by("-pair__item__starts_at", "-pair_id")
        .values("pair_id")[:1]
    )
    members = CoachingPairMember.objects.filter(pair_id__in=latest).values("enrollment__agent_id")
    return User.objects.filter(is_active=True, pk__in=members).exclude(pk=user.pk)


def teammates(*, user: User) -> QuerySet[User]:
    """Whom the user may ask: people of their own team (agents and coaches) and their
    current coaching partners, active, not themselves."""
    partners = coaching_partners(user=user).values("pk")
    same_team = Q(team_id=user.team_id) if user.team_id else Q(pk__in=[])
    return (
        User.objects.filter(is_active=True, role__in=[User.Role.AGENT, User.Role.COACH])
        .filter(same_team | Q(pk__in=partners))
        .exclude(pk=user.pk)
        .order_by("display_name", "email")
    )


def debrief_request(*, requester: User, teammate: User, now=None) -> DebriefRequest:
    now = now or timezone.now()
    if requester.role != User.Role.AGENT:
        raise PermissionDenied("Debriefs are for agents.")
    if not teammates(user=requester).filter(pk=teammate.pk).exists():
        raise ValidationError({"teammate": "Ask someone from your team or your coaching partner."})
    since = now - datetime.timedelta(days=1)
    recent = DebriefRequest.objects.filter(
        requester=requester, teammate=teammate, requested_at__gte=since
    )
    if recent.count() >= SAME_TEAMMATE_PER_DAY:
        raise ValidationError(
            {"teammate": f"You asked {teammate.get_short_name()} in the last 24 hours already."}
        )
    with transaction.atomic():
        debrief = DebriefRequest.objects.create(
            requester=requester, teammate=teammate, requested_at=now
        )
        # Told in the app and by e-mail through the outbox, like every message: the row is
        # written with the request, and the sweep delivers it even if no worker was up.
        outbox_write(
            due=[
                Due(
                    recipient_id=teammate.pk,
                    recipient_tz=teammate.time_zone,
                    kind=ReminderKind.DEBRIEF_REQUEST,
                    object_type=OBJECT_TYPE,
                    object_id=debrief.pk,
                    slot="asked",
                    send_at=now,
                    expires_at=now + datetime.timedelta(hours=12),
                    context={
                        "requester": requester.get_short_name(),
                        "url": public_url("web:debriefs"),
                    },
                )
            ],
            now=now,
        )
    return debrief


_MOVES = {
    # action: (who may, from which statuses, to which status)
    "accept": ("teammate", {DebriefRequest.Status.REQUESTED}, DebriefRequest.Status.ACCEPTED),
    "decline": ("teammate", {DebriefRequest.Status.REQUESTED}, DebriefRequest.Status.DECLINED),
    "held": ("either", set(DebriefRequest.OPEN), DebriefRequest.Status.HELD),
    "cancel": ("requester", set(DebriefRequest.OPEN), DebriefRequest.Status.CANCELLED),
}


def debrief_move(*, debrief: DebriefRequest, by: User, action: str, now=None) -> DebriefRequest:
    """Accept, decline, mark as happened, or withdraw a request."""
    now = now or timezone.now()
    if action not in _MOVES:
        raise ValidationError({"action": f"One of {', '.join(_MOVES)}."})
    who, allowed_from, to = _MOVES[action]
    parties = {"teammate": {debrief.teammate_id}, "requester": {debrief.requester_id}}
    parties["either"] = parties["teammate"] | parties["requester"]
    if by.pk not in parties[who]:
        raise PermissionDenied("This is not yours to answer.")
    if debrief.status not in allowed_from:
        raise ValidationError(
            {"action": f"The request is “{debrief.get_status_display()}” already."}
        )
    debrief.status = to
    if action in ("accept", "decline"):
        debrief.answered_at = now
    if action == "held":
        debrief.held_at = now
    debrief.save(update_fields=["status", "answered_at", "held_at"])
    return debrief


def debriefs_of(*, user: User) -> QuerySet[DebriefRequest]:
    """Requests the user made or received: the only ones anybody reads one by one."""
    return DebriefRequest.objects.filter(Q(requester=user) | Q(teammate=user)).select_related(
        "requester", "teammate"
    )
