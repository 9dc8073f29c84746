from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.urls import path

from config.admin import SuperuserOnlyAdmin
from insights import services
from insights.interaction_weeks import interaction_weeks_refresh
from insights.models import (
    BaselineAssessment,
    BaselineItem,
    CalibrationScore,
    CalibrationSession,
    Interaction,
)


@admin.register(Interaction)
class InteractionAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "source", "external_id", "channel", "agent", "occurred_at", "csat", "resolved",
        "resolution_seconds",
    )  # fmt: skip
    list_filter = ("source", "channel", "escalated", "resolved_first_contact", "resolved")
    search_fields = ("external_id", "agent__email")
    date_hierarchy = "occurred_at"
    list_select_related = ("agent",)
    raw_id_fields = ("agent",)
    change_list_template = "admin/insights/interaction/change_list.html"

    # Each write recomputes the weekly rollup's rows of the weeks it leaves and enters.
    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if change:
            interaction_weeks_refresh(interactions=_stored(obj), without=True)
        super().save_model(request, obj, form, change)
        interaction_weeks_refresh(interactions=_stored(obj))

    @transaction.atomic
    def delete_model(self, request, obj):
        interaction_weeks_refresh(interactions=_stored(obj), without=True)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        interaction_weeks_refresh(interactions=queryset, without=True)
        super().delete_queryset(request, queryset)

    def get_urls(self):
        import_view = interaction_import_view(self.admin_site)

        def guarded(request):
            # admin_view only checks is_staff; importing writes interactions.
            if not self.has_add_permission(request):
                raise PermissionDenied
            return import_view(request)

        view = self.admin_site.admin_view(guarded)
        return [path("import/", view, name="insights_interaction_import"), *super().get_urls()]


def _stored(interaction: Interaction):
    return Interaction.objects.filter(pk=interaction.pk)


class BaselineItemInline(admin.TabularInline):
    model = BaselineItem
    extra = 0
    can_delete = False
    readonly_fields = ("interaction", "reviewer", "score")

    def has_add_permission(self, request, obj=None):
        return False


class BaselineDrawForm(forms.ModelForm):
    seed = forms.IntegerField(required=False, help_text="Leave empty to draw a new one.")

    class Meta:
        model = BaselineAssessment
        fields = [
            "name", "cohort", "team", "window_start", "window_end", "sample_size", "seed",
            "rubric", "reviewers",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        for message in services.reviewer_errors(list(data.get("reviewers") or [])):
            self.add_error("reviewers", message)
        rubric = data.get("rubric")
        if rubric and not rubric.is_published:
            self.add_error("rubric", "Use a published rubric version.")
        return data

    def _post_clean(self):
        # The seed may be left empty (the draw picks one); skip the model's own check of it.
        if self.cleaned_data.get("seed") is None:
            self.instance.seed = 0
        super()._post_clean()


@admin.register(BaselineAssessment)
class BaselineAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Adding a baseline draws its sample (the same service as the API); a drawn baseline
    is read-only, since its sample and seed are the record."""

    form = BaselineDrawForm
    list_display = (
        "name", "kind", "cohort", "team", "window_start", "window_end", "sample_size", "seed",
    )  # fmt: skip
    list_filter = ("kind",)
    filter_horizontal = ("reviewers",)
    inlines = [BaselineItemInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return [
            *BaselineDrawForm.Meta.fields, "kind", "compared_to", "note", "created_by",
            "created_at",
        ]  # fmt: skip

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        drawn = services.baseline_create(
            name=data["name"],
            rubric=data["rubric"],
            reviewers=list(data["reviewers"]),
            window_start=data["window_start"],
            window_end=data["window_end"],
            cohort=data.get("cohort"),
            team=data.get("team"),
            sample_size=data["sample_size"],
            seed=data.get("seed"),
            created_by=request.user,
        )
        obj.pk, obj.seed = drawn.pk, drawn.seed


class CalibrationScoreInline(admin.TabularInline):
    model = CalibrationScore
    extra = 0
    can_delete = False
    readonly_fields = ("reviewer", "interaction", "score")

    def has_add_permission(self, request, obj=None):
        return False


class CalibrationForm(forms.ModelForm):
    class Meta:
        model = CalibrationSession
        fields = ["name", "rubric", "interactions", "reviewers", "drift_bound"]

    def clean(self):
        data = super().clean()
        reviewers = list(data.get("reviewers") or [])
        for message in services.reviewer_errors(reviewers):
            self.add_error("reviewers", message)
        if len(reviewers) < 2:
            self.add_error("reviewers", "Calibration needs at least two reviewers.")
        rubric = data.get("rubric")
        if rubric and not rubric.is_published:
            self.add_error("rubric", "Use a published rubric version.")
        return data


@admin.register(CalibrationSession)
class CalibrationAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    form = CalibrationForm
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
