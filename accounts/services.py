"""Business writes of the accounts app that have no module of their own.

(Reminders live in accounts/reminders.py and calendar feeds in accounts/calendar.py.)
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiToken, User

API_TOKEN_PREFIX = "attune_"
# "attune_" and 8 hex characters: what people see to tell their tokens apart.
API_TOKEN_PREFIX_LENGTH = len(API_TOKEN_PREFIX) + 8
# last_used_at is for people ("used yesterday"), so a write per minute at most, not per request.
API_TOKEN_LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token and return it with its secret.

    The returned secret is the only copy: the database keeps its hash. A person's live
    tokens have distinct names (a revoked token's name can be used again); a clash is a
    ValidationError on `name`.
    """
    raw = f"{API_TOKEN_PREFIX}{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=raw[:API_TOKEN_PREFIX_LENGTH],
        secret_hash=api_token_hash(raw),
    )
    token.full_clean(exclude=["user"], validate_constraints=False)
    try:
        with transaction.atomic():
            token.save()
    except IntegrityError as error:
        raise ValidationError({"name": "You already have a token with this name."}) from error
    return token, raw


def api_token_revoke(*, token: ApiToken, now: datetime.datetime | None = None) -> ApiToken:
    """Revoke a token: from now on it authenticates nothing. Revoking twice keeps the
    first revocation time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_mark_used(*, token: ApiToken, now: datetime.datetime) -> None:
    """Record that a token was used, at most once per API_TOKEN_LAST_USED_RESOLUTION."""
    stale = now - API_TOKEN_LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)
    ).update(last_used_at=now)
    token.last_used_at = now
