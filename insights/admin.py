from django import forms
from django.contrib import admin
from django.shortcuts import render
from django.urls import path

from insights.models import (
    BaselineAssessment,
    BaselineItem,
    CalibrationScore,
    CalibrationSession,
    Interaction,
)


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("source", "external_id", "channel", "agent", "occurred_at", "csat")
    list_filter = ("source", "channel", "escalated", "resolved_first_contact")
    search_fields = ("external_id", "agent__email")
    date_hierarchy = "occurred_at"
    list_select_related = ("agent",)
    raw_id_fields = ("agent",)
    change_list_template = "admin/insights/interaction/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(interaction_import_view(self.admin_site))
        return [path("import/", view, name="insights_interaction_import"), *super().get_urls()]


class BaselineItemInline(admin.TabularInline):
    model = BaselineItem
    extra = 0
    can_delete = False
    readonly_fields = ("interaction", "reviewer", "score")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BaselineAssessment)
class BaselineAdmin(admin.ModelAdmin):
    """Baselines are drawn through the API (the draw is a service); here they are read."""

    list_display = ("name", "cohort", "team", "window_start", "window_end", "sample_size", "seed")
    readonly_fields = ("seed", "created_by", "created_at")
    inlines = [BaselineItemInline]

    def has_add_permission(self, request):
        return False


class CalibrationScoreInline(admin.TabularInline):
    model = CalibrationScore
    extra = 0
    can_delete = False
    readonly_fields = ("reviewer", "interaction", "score")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CalibrationSession)
class CalibrationAdmin(admin.ModelAdmin):
    list_display = ("name", "rubric", "drift_bound", "created_by", "created_at")
    filter_horizontal = ("reviewers",)
    raw_id_fields = ("interactions",)
    inlines = [CalibrationScoreInline]


class InteractionImportForm(forms.Form):
    file = forms.FileField()
    source = forms.SlugField(max_length=50, help_text="Which helpdesk, e.g. zendesk.")
    mapping = forms.ChoiceField(choices=[("attune", "Attune columns"), ("zendesk", "Zendesk")])
    dry_run = forms.BooleanField(required=False, initial=True, label="Dry run (write nothing)")


def interaction_import_view(admin_site):
    def view(request):
        from insights.interaction_import import interaction_import

        form = InteractionImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = interaction_import(
                data=form.cleaned_data["file"].read(),
                source=form.cleaned_data["source"],
                mapping=form.cleaned_data["mapping"],
                dry_run=form.cleaned_data["dry_run"],
            )
        context = {
            **admin_site.each_context(request),
            "opts": Interaction._meta,
            "form": form,
            "report": report,
            "title": "Import interactions from CSV",
        }
        return render(request, "admin/insights/interaction/import.html", context)

    return view
