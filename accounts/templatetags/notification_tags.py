"""The unread count in the main navigation of every page."""

from django import template

from accounts.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many of the signed-in person's notifications are unread (one COUNT query)."""
    user = context["request"].user
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
