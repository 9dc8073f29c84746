"""Admin helpers shared by every app."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def run_service_action(modeladmin, request, queryset, service, done: str) -> None:
    """Apply `service` to each selected object, reporting each success or refusal."""
    for obj in queryset:
        try:
            service(obj)
        except ValidationError as error:
            modeladmin.message_user(request, f"{obj}: {'; '.join(error.messages)}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{obj}: {done}.", messages.SUCCESS)
