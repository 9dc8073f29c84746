from django.contrib import admin

from config.admin import run_service_action
from programs import services
from programs.models import (
    MicroScript,
    Module,
    Phase,
    Program,
    Rubric,
    RubricCriterion,
    ScenarioCard,
    Workshop,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ("order", "name", "first_day", "last_day", "peer_coaching", "goals")


class PhaseItemInline(admin.StackedInline):
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the phases of the program being edited.
        if db_field.name == "phase":
            program_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Phase.objects.filter(program_id=program_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class WorkshopInline(PhaseItemInline):
    model = Workshop
    fields = ("phase", "order", "title", "minutes", "day", "agenda")


class ModuleInline(PhaseItemInline):
    model = Module
    fields = (
        "phase",
        "week",
        "topic",
        "summary",
        ("prework_minutes", "practice_minutes"),
        "prework_content",
        "practice_instructions",
    )


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "owner", "rubric", "updated_at")
    list_filter = ("status",)
    search_fields = ("name", "description")
    readonly_fields = ("status", "published_at", "cloned_from", "created_at", "updated_at")
    autocomplete_fields = ("owner",)
    fieldsets = (
        (None, {"fields": ("name", "description", "owner", "rubric")}),
        (
            "Completion rule",
            {
                "description": "What an agent must have done when the cohort ends. "
                "Empty minimums mean all of them.",
                "fields": (
                    "completion_workshops_min",
                    "completion_modules_min",
                    "completion_coaching_min",
                    "completion_requires_certification",
                ),
            },
        ),
        ("Status", {"fields": readonly_fields}),
    )
    inlines = [PhaseInline, WorkshopInline, ModuleInline]
    actions = ["publish", "archive", "clone"]

    @admin.action(description="Publish the selected programs")
    def publish(self, request, queryset):
        run_service_action(
            self, request, queryset, lambda p: services.program_publish(program=p), "published"
        )

    @admin.action(description="Archive the selected programs")
    def archive(self, request, queryset):
        run_service_action(
            self, request, queryset, lambda p: services.program_archive(program=p), "archived"
        )

    @admin.action(description="Clone the selected programs as new drafts")
    def clone(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda p: services.program_clone(program=p, owner=request.user),
            "cloned into a new draft",
        )


class RubricCriterionInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0
    fields = ("order", "key", "name", "description", "scale_min", "scale_max", "weight")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_published)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "status", "published_at")
    list_filter = ("status", "name")
    readonly_fields = ("status", "published_at", "previous_version", "created_at")
    inlines = [RubricCriterionInline]
    actions = ["publish", "new_version"]

    def has_change_permission(self, request, obj=None):
        # A published version is shown read-only: scores name it, so it never changes.
        return super().has_change_permission(request, obj) and not (obj and obj.is_published)

    @admin.action(description="Publish (freeze) the selected rubric versions")
    def publish(self, request, queryset):
        run_service_action(
            self, request, queryset, lambda r: services.rubric_publish(rubric=r), "published"
        )

    @admin.action(description="Start a new editable version of the selected rubrics")
    def new_version(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda r: services.rubric_new_version(rubric=r),
            "new draft version created",
        )


@admin.register(ScenarioCard)
class ScenarioCardAdmin(admin.ModelAdmin):
    list_display = ("title", "program", "channel", "intensity")
    list_filter = ("program", "channel", "intensity")
    search_fields = ("title", "persona", "situation")


@admin.register(MicroScript)
class MicroScriptAdmin(admin.ModelAdmin):
    list_display = ("__str__", "program", "kind", "situation", "intensity", "locale")
    list_filter = ("program", "kind", "situation", "intensity", "locale")
    search_fields = ("title", "text")
