"""Operators' screens. Journal entries are deliberately not here: their text is private to
its author, administrators included (wellbeing/models.py)."""

from django.contrib import admin
from django.db import models

from wellbeing.models import SupportResource


@admin.register(SupportResource)
class SupportResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "email", "position", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "description"]
    readonly_fields = ["updated_by", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
