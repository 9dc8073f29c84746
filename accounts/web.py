"""Pages of the accounts app for people signing in: notifications, personal API tokens,
and the password-reset form with its rate limit.

(A module of its own rather than accounts/views.py, which holds the account-free pages
reached from e-mails and calendar apps.)
"""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.throttling import SimpleRateThrottle

from accounts import selectors, services
from accounts.models import ApiToken, Notification

log = logging.getLogger(__name__)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What the token is for, e.g. “nightly export”.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """List my live tokens; POST creates one and shows its secret, this once."""
    form = ApiTokenForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
        else:
            form = ApiTokenForm()
    context = {
        "nav": "tokens",
        "tokens": selectors.api_tokens_of(user=request.user),
        "form": form,
        "created": created,
        "secret": secret,
    }
    response = render(request, "accounts/api_tokens.html", context)
    # The page may show a secret: no browser or proxy should keep a copy of it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request, token_id):
    """Revoke one of my tokens; someone else's answers 404."""
    token = get_object_or_404(selectors.api_tokens_of(user=request.user), pk=token_id)
    services.api_token_revoke(token=token)
    messages.success(request, f"The token “{token.name}” is revoked; it no longer works.")
    return redirect("web:api-tokens")


# --- Notifications -----------------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 20


def _my_notifications(user):
    """A person's own notifications, newest first: the only ones any page shows them."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def _back_to_list(request) -> str:
    page = request.POST.get("page", "")
    query = f"?page={page}" if page.isdigit() else ""
    return reverse("web:notifications") + query + "#notifications"


@login_required
def notifications(request):
    """My notifications, newest first, a page at a time; the unread ones marked."""
    page = Paginator(_my_notifications(request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "nav": "notifications",
        "page": page,
        "unread": _my_notifications(request.user).filter(read_at__isnull=True).count(),
    }
    return render(request, "accounts/notifications.html", context)


@login_required
@require_POST
def notification_read(request, notification_id):
    """Mark one of my notifications read; someone else's answers 404."""
    notification = get_object_or_404(_my_notifications(request.user), pk=notification_id)
    # Conditional, like the API's: the first time it was read is kept.
    _my_notifications(request.user).filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, f"“{notification.title}” is marked read.", extra_tags="notifications")
    return redirect(_back_to_list(request))


@login_required
@require_POST
def notifications_read_all(request):
    """Mark every one of my unread notifications read."""
    count = (
        _my_notifications(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    )
    text = f"{count} notification{'' if count == 1 else 's'} marked read."
    messages.success(request, text, extra_tags="notifications")
    return redirect(_back_to_list(request))


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
