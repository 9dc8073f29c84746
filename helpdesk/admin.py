"""Operators' view of helpdesk sources (superusers only: a source imports people's data).
The API base URL override is set here, never by a manager: it decides where the token is
sent."""

from django.contrib import admin

from config.admin import SuperuserOnlyAdmin
from helpdesk.models import HelpdeskSource, PushedMacro, WebhookDelivery


@admin.register(HelpdeskSource)
class HelpdeskSourceAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "name", "kind", "slug", "owner", "enabled", "last_sync_at", "last_success_at",
        "consecutive_failures", "auth_failed_at",
    )  # fmt: skip
    list_filter = ("kind", "enabled")
    search_fields = ("name", "slug", "subdomain", "owner__email")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    exclude = ("webhook_secret",)  # shown once to the manager, never again
    readonly_fields = (
        "cursor", "synced_through", "sync_lease_until", "last_sync_at", "last_success_at",
        "last_error", "last_error_at", "consecutive_failures", "failures_total",
        "rows_created", "rows_updated", "rows_rejected", "last_report", "last_macro_push_at",
        "last_macro_push", "created_at",
    )  # fmt: skip


@admin.register(PushedMacro)
class PushedMacroAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Which micro-script became which Zendesk macro: a push updates these ids."""

    list_display = ("script", "source", "remote_id", "pushed_at")
    list_filter = ("source",)
    list_select_related = ("script", "source")
    readonly_fields = ("source", "script", "remote_id", "pushed_at")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("source", "digest", "rows", "received_at")
    list_filter = ("source",)
    readonly_fields = ("source", "digest", "rows", "received_at")

    def has_add_permission(self, request):
        return False
