"""Single sign-on with OpenID Connect (mozilla-django-oidc), matching people by e-mail.

The provider vouches for an e-mail address; Attune signs in the active account with that
address. An address the provider has not verified is refused, as is one that no account
has, unless OIDC_CREATE_USER is on: then a new agent account is made (roles are
never taken from the provider; a superuser changes them).
"""

import logging

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import User

logger = logging.getLogger(__name__)


class EmailMatchingOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims):
        email = claims.get("email")
        if not email:
            return False
        if claims.get("email_verified") is False:
            logger.warning("Single sign-on refused: the provider has not verified %s", email)
            return False
        return True

    def filter_users_by_claims(self, claims):
        email = User.objects.normalize_email(claims.get("email", "")).lower()
        return User.objects.filter(email=email, is_active=True)

    def create_user(self, claims):
        # Called only with OIDC_CREATE_USER on; otherwise the library refuses the address.
        return User.objects.create_user(
            email=claims["email"],
            display_name=claims.get("name", "")[:150],
            role=User.Role.AGENT,
        )
