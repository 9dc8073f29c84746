"""Operators' view of written drills (superusers only: answers are agents' own data). The
answer and its findings are read-only: they are what the analyzer said at the time."""

from django.contrib import admin

from config.admin import SuperuserOnlyAdmin
from practice.models import (
    CohortDeck,
    DeckCard,
    DrillAnswer,
    DrillFinding,
    Exercise,
    ExerciseLog,
    FindingMark,
    Framework,
    FrameworkStep,
    ScenarioDeck,
    ScenarioSuggestion,
)


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


class FrameworkStepInline(admin.TabularInline):
    model = FrameworkStep
    extra = 0
    fields = ("order", "name", "text")


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    """Curriculum: training managers edit the library here (their group's permissions)."""

    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("criteria", "modules", "workshops")
    inlines = [FrameworkStepInline]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "minutes", "solo")
    list_filter = ("solo",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("frameworks", "criteria", "modules", "workshops")


@admin.register(ExerciseLog)
class ExerciseLogAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Who did which exercise, for operators; the notes are private and not shown."""

    list_display = ("exercise", "agent", "done_at", "shared_with_partner")
    list_select_related = ("exercise", "agent")
    exclude = ("notes",)
    readonly_fields = ("agent", "exercise", "done_at", "shared_with_partner")

    def has_add_permission(self, request):
        return False


class DeckCardInline(admin.TabularInline):
    model = DeckCard
    extra = 0
    fields = ("order", "card")
    raw_id_fields = ("card",)


@admin.register(ScenarioDeck)
class ScenarioDeckAdmin(admin.ModelAdmin):
    """Curriculum: decks of scenario cards for standup drills."""

    list_display = ("name", "program", "created_at")
    list_filter = ("program",)
    search_fields = ("name",)
    inlines = [DeckCardInline]


@admin.register(CohortDeck)
class CohortDeckAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("cohort", "deck", "chosen_by", "chosen_at")
    list_select_related = ("cohort", "deck", "chosen_by")
    raw_id_fields = ("cohort", "deck", "chosen_by")


@admin.register(ScenarioSuggestion)
class ScenarioSuggestionAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Agents' suggestions (managers review them on the pages, in their scope)."""

    list_display = ("title", "agent", "program", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("agent", "program")
    readonly_fields = ("agent", "program", "status", "reviewed_by", "reviewed_at", "card")
