"""Operators' view of written drills (superusers only: answers are agents' own data). The
answer and its findings are read-only: they are what the analyzer said at the time."""

from django.contrib import admin

from config.admin import SuperuserOnlyAdmin
from practice.models import DrillAnswer, DrillFinding, FindingMark


class DrillFindingInline(admin.TabularInline):
    model = DrillFinding
    extra = 0
    can_delete = False
    readonly_fields = ("order", "rule", "verdict", "quote", "why")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DrillAnswer)
class DrillAnswerAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("card", "agent", "analyzer_version", "created_at")
    list_filter = ("analyzer_version",)
    list_select_related = ("card", "agent")
    readonly_fields = ("agent", "card", "text", "analyzer_version", "created_at")
    inlines = [DrillFindingInline]

    def has_add_permission(self, request):
        return False


@admin.register(FindingMark)
class FindingMarkAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("finding", "coach", "correct", "marked_at")
    list_filter = ("correct", "finding__rule")
    list_select_related = ("finding", "coach")
    readonly_fields = ("finding", "coach", "correct", "marked_at")

    def has_add_permission(self, request):
        return False
