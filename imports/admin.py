from django.contrib import admin

from config.admin import SuperuserOnlyAdmin
from imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("id", "kind", "created_by", "cohort", "status", "rows_done", "created_at")
    list_filter = ("kind", "status")
    readonly_fields = [field.name for field in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
