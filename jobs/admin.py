"""Operators' view of background work: task intents and reconciliation runs (superusers
only)."""

from django.contrib import admin, messages
from django.utils.html import format_html_join

from config.admin import SuperuserOnlyAdmin
from jobs import services
from jobs.models import ReconciliationRun, TaskIntent


@admin.register(TaskIntent)
class TaskIntentAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ["id", "task", "args", "state", "created_at", "published_at", "finished_at"]
    list_filter = ["state", "task"]
    search_fields = ["task", "uuid"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in TaskIntent._meta.fields]
    actions = ["publish_now"]

    def has_add_permission(self, request):
        return False  # intents are written by the changes that need them

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        summary = services.intents_summary()
        extra_context = {**(extra_context or {}), "subtitle": _describe(summary)}
        return super().changelist_view(request, extra_context)

    @admin.action(description="Publish the selected intents again now")
    def publish_now(self, request, queryset):
        published = refused = 0
        services.broker_backoff_reset()
        for intent in queryset.exclude(state=TaskIntent.State.DONE):
            if intent.state == TaskIntent.State.DEAD:
                TaskIntent.objects.filter(pk=intent.pk).update(
                    state=TaskIntent.State.PENDING, publish_count=0, finished_at=None
                )
                intent.refresh_from_db()
            if services.intent_publish(intent=intent):
                published += 1
            else:
                refused += 1
        level = messages.SUCCESS if not refused else messages.WARNING
        self.message_user(
            request, f"{published} published; {refused} not (the broker refused).", level
        )


def _describe(summary: dict) -> str:
    return ", ".join(f"{count} {state}" for state, count in summary.items())


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """What each reconciliation run found and fixed: a record, so nobody edits it."""

    list_display = ("started_at", "finished_at", "fixed_total", "fixed", "error_count")
    date_hierarchy = "started_at"
    fields = ("started_at", "finished_at", "fixed", "findings", "errors")
    readonly_fields = fields

    @admin.display(description="fixed")
    def fixed_total(self, run):
        return run.fixed_total

    @admin.display(description="failed checks")
    def error_count(self, run):
        return len(run.errors)

    @admin.display(description="details")
    def findings(self, run):
        return format_html_join(
            "\n",
            "<div>{}: {} - {}</div>",
            ((d["check"], d["object"], d["action"]) for d in run.details),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
