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


class SuperuserOnlyAdmin:
    """A ModelAdmin mixin for people's data and credentials: superusers only in the admin.

    Training managers reach cohorts, scores, role-plays, interactions and the like on the
    pages and the API, scoped to what they manage (cohorts/scope.py). The admin cannot apply
    that scope to every list, form choice and custom view, so it does not show those models
    to them at all, whatever permissions a group grants.
    """

    def _for_superusers(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._for_superusers(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._for_superusers(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._for_superusers(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._for_superusers(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._for_superusers(request) and super().has_delete_permission(request, obj)
