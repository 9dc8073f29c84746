"""Who may see and change a helpdesk source: one rule, used by the API, the pages and the
admin alike."""

import datetime

from django.db.models import QuerySet

from helpdesk.models import HelpdeskSource


def source_visible_to(*, user) -> QuerySet[HelpdeskSource]:
    """A manager's own sources (every source for a superuser); nobody else's.

    A source imports for its owner's scope, as the owner's CSV import would, and its page
    shows rejected rows that name the owner's agents: so only the owner reads it. Agents,
    coaches and HR have none."""
    if not (user and user.is_authenticated and user.is_manager):
        return HelpdeskSource.objects.none()
    if user.is_superuser:
        return HelpdeskSource.objects.all()
    return HelpdeskSource.objects.filter(owner=user)


def source_lag(source: HelpdeskSource, *, now: datetime.datetime) -> datetime.timedelta | None:
    """How far behind the helpdesk the imported interactions are (None before any sync)."""
    if source.synced_through is None:
        return None
    return max(now - source.synced_through, datetime.timedelta(0))
