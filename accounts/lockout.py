"""How django-axes and the throttles see a sign-in: who, from where, and what to answer.

django-axes counts failed sign-ins per (e-mail address, IP address) and refuses the pair
once it reaches AXES_FAILURE_LIMIT, until AXES_COOLOFF_TIME has passed since its last
attempt. These functions are the hooks its settings name (config/settings/base.py).
"""

import math

from django.conf import settings
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle


def client_ip(request) -> str:
    """The client's address, read the way DRF's throttles read it (NUM_PROXIES), so the
    lock-out, the API throttles and the password-reset limit agree on who is asking."""
    return BaseThrottle().get_ident(request)


def lockout_username(request, credentials: dict | None) -> str | None:
    """The e-mail address being tried, lower-cased, whatever the login path called it.

    Sign-in forms pass `username`, DRF's HTTP Basic passes `email` (our USERNAME_FIELD);
    lower-casing keeps "Ada@Example.com" and "ada@example.com" in one count.
    """
    credentials = credentials or {}
    username = credentials.get("username") or credentials.get("email")
    if username is None and request is not None and request.method == "POST":
        username = request.POST.get("username") or request.POST.get("email")
    username = (username or "").strip().lower()
    return username or None


def is_not_a_password_attempt(request, credentials: dict | None) -> bool:
    """Single sign-on calls `authenticate()` with no e-mail address or password: the
    identity provider throttles those itself, and counting them against an IP address
    would lock out everyone behind one office's address."""
    return lockout_username(request, credentials) is None


def cooloff_minutes() -> int:
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)


LOCKOUT_MESSAGE = (
    "Too many failed sign-in attempts for this account from your address. "
    "Try again in {minutes} minutes."
)


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in pages' answer during a lock-out: a page saying why and for how long."""
    context = {
        "minutes": cooloff_minutes(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context, status=429)
