"""Pages of the accounts app for people signing in: personal API tokens, and the
password-reset form with its rate limit.

(A module of its own rather than accounts/views.py, which holds the account-free pages
reached from e-mails and calendar apps.)
"""

import logging

from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from rest_framework.throttling import SimpleRateThrottle

log = logging.getLogger(__name__)


# --- Password reset -----------------------------------------------------------------------


class PasswordResetIPThrottle(SimpleRateThrottle):
    """Reset requests per client address (rate: DEFAULT_THROTTLE_RATES["password_reset_ip"])."""

    scope = "password_reset_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PasswordResetEmailThrottle(SimpleRateThrottle):
    """Reset requests per e-mail address, from anywhere ("password_reset_email")."""

    scope = "password_reset_email"

    def get_cache_key(self, request, view):
        email = request.POST.get("email", "").strip().lower()
        return self.cache_format % {"scope": self.scope, "ident": email}


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, rate limited per address and per e-mail address.

    Beyond a limit the answer is the usual "if the address exists, we sent a link" page,
    but nothing is sent: the page never tells whether an address exists, nor whether the
    limit was reached, and nobody can flood an inbox or the mail server through us.
    """

    throttle_classes = [PasswordResetIPThrottle, PasswordResetEmailThrottle]

    def form_valid(self, form):
        if not all(
            throttle().allow_request(self.request, self) for throttle in self.throttle_classes
        ):
            log.warning("Password reset request over the limit; no e-mail sent.")
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
