"""Links that leave the site: in e-mails, calendar feeds, badges and notifications.

Every one is absolute, under ATTUNE_PUBLIC_BASE_URL, because it is read away from the
page that made it (a mail client, a calendar, a verifier).
"""

from django.conf import settings
from django.urls import reverse


def public_base() -> str:
    """ATTUNE_PUBLIC_BASE_URL without its trailing slash."""
    return settings.ATTUNE_PUBLIC_BASE_URL.rstrip("/")


def public_url(name: str, *args) -> str:
    """The absolute URL of the named route."""
    return public_base() + reverse(name, args=args or None)
