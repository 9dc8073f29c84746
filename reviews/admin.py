from django.contrib import admin

from config.admin import SuperuserOnlyAdmin
from reviews.models import ReviewAssignment, ReviewPlan


@admin.register(ReviewPlan)
class ReviewPlanAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("cohort", "per_agent_per_week", "prefer_escalated", "prefer_low_csat", "active")
    list_filter = ("active",)
    search_fields = ("cohort__name",)
    autocomplete_fields = ("cohort",)
    filter_horizontal = ("coaches",)
    readonly_fields = ("created_by", "created_at", "updated_at")


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Read-only for operators: assignments change through the services (reassign, skip,
    submit), which keep the review rules."""

    list_display = ("id", "plan", "agent", "week", "slot", "reviewer", "status", "due_at")
    list_filter = ("status", "week")
    search_fields = ("agent__email", "reviewer__email", "plan__cohort__name")
    readonly_fields = [field.name for field in ReviewAssignment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
