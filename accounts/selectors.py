"""Non-trivial reads of the accounts app."""

import hmac

from django.db.models import QuerySet

from accounts.models import ApiToken, User
from accounts.services import API_TOKEN_PREFIX_LENGTH, api_token_hash


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The live tokens a person may see and revoke: their own, never anyone else's."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def api_token_matching(*, raw: str) -> ApiToken | None:
    """The token (live or revoked) whose secret is `raw`, or None.

    Looked up by its non-secret prefix, then the hashes are compared in constant time.
    """
    digest = api_token_hash(raw)
    candidates = ApiToken.objects.select_related("user").filter(
        prefix=raw[:API_TOKEN_PREFIX_LENGTH]
    )
    for token in candidates:
        if hmac.compare_digest(token.secret_hash, digest):
            return token
    return None
