"""Invitations: how a person Attune created gets in for the first time.

An invitation is e-mailed through the reminder outbox (one row per sending, so a rerun or a
redelivered task sends nothing twice; quiet hours do not hold it back: the person is
waiting for it). The link carries a signed, timestamped token naming the invitation and
which sending it came from; nothing secret is stored. A link works once, until it expires
(settings.ATTUNE_INVITATION_DAYS) and only while it is the newest one sent.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.links import public_url
from accounts.models import Invitation, Outbox, ReminderKind, User

TOKEN_SALT = "attune.invitations"
OBJECT_TYPE = "invitation"


# --- Tokens --------------------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=TOKEN_SALT)


def invitation_token(*, invitation: Invitation, sending: int) -> str:
    return _signer().sign_object({"i": invitation.pk, "n": sending}, compress=True)


def invitation_url(*, invitation: Invitation, sending: int) -> str:
    token = invitation_token(invitation=invitation, sending=sending)
    return public_url("invitation-accept", token)


def max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ATTUNE_INVITATION_DAYS)


@dataclass(frozen=True)
class LinkCheck:
    """What a link is worth: `problem` is None for a link that may be used now."""

    invitation: Invitation | None
    sending: int = 0
    problem: str | None = None  # "invalid", "expired", "superseded", "accepted", "revoked"


def invitation_check(*, token: str) -> LinkCheck:
    """Read a link's token without using it."""
    try:
        data = _signer().unsign_object(token)
        invitation = Invitation.objects.select_related("user").get(pk=int(data["i"]))
        sending = int(data["n"])
    except (signing.BadSignature, Invitation.DoesNotExist, KeyError, TypeError, ValueError):
        return LinkCheck(invitation=None, problem="invalid")
    if invitation.accepted_at:
        return LinkCheck(invitation, sending, "accepted")
    if invitation.revoked_at or not invitation.user.is_active:
        return LinkCheck(invitation, sending, "revoked")
    if sending != invitation.times_sent:
        return LinkCheck(invitation, sending, "superseded")
    try:
        _signer().unsign_object(token, max_age=max_age())
    except signing.SignatureExpired:
        return LinkCheck(invitation, sending, "expired")
    return LinkCheck(invitation, sending)


# --- Sending -------------------------------------------------------------------------------


def _outbox_row(invitation: Invitation, now) -> Outbox:
    return Outbox(
        recipient_id=invitation.user_id,
        kind=ReminderKind.INVITATION,
        object_type=OBJECT_TYPE,
        object_id=invitation.pk,
        slot=str(invitation.times_sent),
        context={
            "enrich": "accounts.invitations.email_context",
            "invitation_id": invitation.pk,
            "sending": invitation.times_sent,
        },
        deliver_after=now,
    )


def _deliver_after_commit(rows: list[Outbox]) -> None:
    """Hand the rows to a worker once they are committed (a task intent, so a broker
    outage only delays them; the reminder sweep would also find them waiting)."""
    from accounts.tasks import outbox_deliver_batch
    from jobs.services import intent_record

    ids = [row.pk for row in rows]
    if ids:
        intent_record(task=outbox_deliver_batch, args=[ids])


@transaction.atomic
def invitations_send(*, users: list[User], by: User | None, now=None) -> list[Invitation]:
    """Invite each person; someone with an open invitation is sent a fresh link instead.

    Written in the caller's transaction with the change that made the people, so an
    enrolment that rolls back invites nobody.
    """
    now = now or timezone.now()
    open_ones = {
        invitation.user_id: invitation
        for invitation in Invitation.objects.select_for_update().filter(
            user__in=users, accepted_at__isnull=True, revoked_at__isnull=True
        )
    }
    fresh = Invitation.objects.bulk_create(
        Invitation(user=user, invited_by=by, times_sent=1, last_sent_at=now)
        for user in users
        if user.pk not in open_ones
    )
    again = list(open_ones.values())
    for invitation in again:
        invitation.times_sent += 1
        invitation.last_sent_at = now
    Invitation.objects.bulk_update(again, ["times_sent", "last_sent_at"])
    invitations = fresh + again
    rows = Outbox.objects.bulk_create(_outbox_row(invitation, now) for invitation in invitations)
    _deliver_after_commit(rows)
    return invitations


def invitation_resend(*, invitation: Invitation, by: User | None, now=None) -> Invitation:
    """Send a new link (older ones stop working). Refused once accepted or revoked."""
    if not invitation.is_open:
        raise ValidationError(f"The invitation was {invitation.status}; there is nothing to send.")
    (sent,) = invitations_send(users=[invitation.user], by=by, now=now)
    return sent


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User, now=None) -> Invitation:
    """Withdraw an invitation: its links stop working and unsent e-mails are cancelled."""
    now = now or timezone.now()
    revoked = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now, revoked_by=by)
    if not revoked:
        raise ValidationError("Only an invitation still waiting can be revoked.")
    Outbox.objects.filter(
        object_type=OBJECT_TYPE,
        object_id=invitation.pk,
        status__in=[Outbox.Status.PENDING, Outbox.Status.FAILED],
    ).update(status=Outbox.Status.CANCELLED)
    invitation.refresh_from_db()
    return invitation


def invitation_renew(*, token: str, now=None) -> Invitation:
    """A person whose newest link expired asks for another one, sent to the same address.

    Only the newest, expired link can ask, and only once (the new link supersedes it), so
    the page cannot be used to flood someone's inbox.
    """
    check = invitation_check(token=token)
    if check.problem != "expired":
        raise ValidationError("This link cannot be renewed.")
    return invitation_resend(invitation=check.invitation, by=None, now=now)


@transaction.atomic
def invitation_accept(*, token: str, password: str, now=None) -> User:
    """Set the person's password from a valid link; the link then never works again."""
    check = invitation_check(token=token)
    if check.problem:
        raise ValidationError(f"This invitation link is {check.problem}.")
    now = now or timezone.now()
    used = Invitation.objects.filter(
        pk=check.invitation.pk,
        times_sent=check.sending,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(accepted_at=now)
    if not used:
        raise ValidationError("This invitation link was used already.")
    user = check.invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


# --- E-mail and reads ----------------------------------------------------------------------


def email_context(context: dict) -> dict:
    """What the invitation e-mail needs at the moment it is sent (the outbox's `enrich`)."""
    invitation = Invitation.objects.select_related("invited_by").get(pk=context["invitation_id"])
    return {
        "accept_url": invitation_url(invitation=invitation, sending=context["sending"]),
        "invited_by": invitation.invited_by,
        "days": settings.ATTUNE_INVITATION_DAYS,
    }


def open_invitations(*, users: QuerySet) -> QuerySet[Invitation]:
    """The invitations still waiting among `users` (a queryset the caller scoped)."""
    return Invitation.objects.filter(
        user__in=users, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("user")
