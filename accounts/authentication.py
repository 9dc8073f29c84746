"""How the API knows who is calling: personal tokens for scripts, and HTTP Basic (only
where settings.ATTUNE_API_BASIC_AUTH allows it) behind the same sign-in lock-out as the
pages. Sessions are DRF's own SessionAuthentication."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import authentication, exceptions, status

from accounts import lockout
from accounts.selectors import api_token_matching
from accounts.services import api_token_mark_used


class TokenRejected(exceptions.APIException):
    """401 with a Bearer challenge. Not an AuthenticationFailed: DRF would turn that into
    a 403 because session authentication, listed first, sends no challenge."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "authentication_failed"
    auth_header = 'Bearer realm="api", error="invalid_token"'


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Bearer <token>` with a personal API token (accounts.ApiToken)."""

    keyword = "Bearer"

    def authenticate_credentials(self, key):
        token = api_token_matching(raw=key)
        if token is None:
            raise TokenRejected("Invalid API token.")
        if not token.is_live:
            raise TokenRejected("This API token was revoked.")
        if not token.user.is_active:
            raise TokenRejected("This account is deactivated.")
        api_token_mark_used(token=token, now=timezone.now())
        return (token.user, token)


class BasicAuthentication(authentication.BasicAuthentication):
    """DRF's HTTP Basic, answering a locked-out e-mail address with 429 and a clear
    message instead of "invalid username/password" (django-axes refuses the password
    itself: see accounts/lockout.py)."""

    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if getattr(request, "axes_locked_out", False):
                minutes = lockout.cooloff_minutes()
                raise exceptions.Throttled(
                    wait=minutes * 60, detail=lockout.LOCKOUT_MESSAGE.format(minutes=minutes)
                ) from None
            raise


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"
    priority = 1  # over drf-spectacular's own scheme for DRF's TokenAuthentication

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer"
        )
        scheme["description"] = (
            "A personal API token from /account/tokens/ (or POST /api/me/tokens/), "
            "sent as `Authorization: Bearer attune_…`."
        )
        return scheme


class BasicScheme(OpenApiAuthenticationExtension):
    """drf-spectacular knows DRF's BasicAuthentication, not subclasses of it."""

    target_class = BasicAuthentication
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic"}
