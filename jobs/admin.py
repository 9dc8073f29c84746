from django.contrib import admin
from django.utils.html import format_html_join

from jobs.models import ReconciliationRun


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(admin.ModelAdmin):
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
