from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse

from cohorts import services
from cohorts.enrollment_import import enrollment_import
from cohorts.models import (
    Attendance,
    CoachingPair,
    CoachingPairMember,
    Cohort,
    Enrollment,
    EnrollmentEvent,
    Experiment,
    ExperimentAssignment,
    RefresherRun,
    RefresherSchedule,
    RubricScore,
    ScheduleItem,
)
from cohorts.scope import managed_cohorts, managed_teams
from cohorts.selectors import experiment_visible_to
from cohorts.services.experiments import experiment_create, experiment_target_errors
from cohorts.services.progress import schedule_item_move_errors as move_errors
from cohorts.services.refreshers import refresher_schedule_check
from config import limits
from config.admin import SuperuserOnlyAdmin, run_service_action


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    fields = ("agent", "status", "enrolled_at", "status_changed_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # enrol through the CSV import or the API, which check the rules


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV with columns email, name, team and optionally time_zone.")
    dry_run = forms.BooleanField(required=False, initial=True, label="Dry run (write nothing)")


@admin.register(Cohort)
class CohortAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "program", "start_date", "time_zone", "status")
    list_filter = ("status", "program")
    search_fields = ("name",)
    filter_horizontal = ("facilitators",)
    # The end is changed with its reason by the close and extend services (page and API).
    readonly_fields = (
        "status", "end_date", "extension_reason", "closed_at", "close_reason", "created_at"
    )  # fmt: skip
    inlines = [EnrollmentInline]
    actions = ["start", "regenerate"]
    change_form_template = "admin/cohorts/cohort/change_form.html"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            # Whoever opens a cohort facilitates it (as cohort_create does): without this, a
            # cohort added here without ticking yourself is missing from your /cohorts/.
            form.instance.facilitators.add(request.user)

    @admin.action(description="Start the selected cohorts (lay out the schedule)")
    def start(self, request, queryset):
        run_service_action(
            self, request, queryset, lambda c: services.cohort_start(cohort=c), "started"
        )

    @admin.action(description="Regenerate future schedule items and coaching pairs")
    def regenerate(self, request, queryset):
        run_service_action(
            self, request, queryset, lambda c: services.cohort_resync(cohort=c), "regenerated"
        )

    def get_urls(self):
        custom = [
            path(
                "<int:cohort_id>/import-enrollments/",
                self.admin_site.admin_view(self.import_enrollments),
                name="cohorts_cohort_import",
            )
        ]
        return custom + super().get_urls()

    def import_enrollments(self, request, cohort_id):
        """Upload a CSV; a dry run shows the plan, a real run enrols everyone or no one."""
        cohort = get_object_or_404(Cohort, pk=cohort_id)
        if not self.has_change_permission(request, cohort):
            raise PermissionDenied
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            report = enrollment_import(
                cohort=cohort,
                data=form.cleaned_data["file"].read(),
                dry_run=form.cleaned_data["dry_run"],
                by=request.user,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "cohort": cohort,
            "form": form,
            "report": report,
            "title": f"Import enrolments into {cohort}",
            "back": reverse("admin:cohorts_cohort_change", args=[cohort.pk]),
        }
        return render(request, "admin/cohorts/cohort/import_enrollments.html", context)


@admin.register(Enrollment)
class EnrollmentAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("agent", "cohort", "status", "status_changed_at")
    list_filter = ("status", "cohort")
    search_fields = ("agent__email", "agent__display_name")
    readonly_fields = (
        "cohort", "program", "agent", "status", "missing_items", "enrolled_at",
        "status_changed_at",
    )  # fmt: skip
    actions = ["withdraw", "reactivate"]

    class EventInline(admin.TabularInline):
        model = EnrollmentEvent
        extra = 0
        can_delete = False
        readonly_fields = ("from_status", "to_status", "reason", "by", "at")

        def has_add_permission(self, request, obj=None):
            return False

    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Withdraw the selected agents")
    def withdraw(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda e: services.enrollment_withdraw(enrollment=e, by=request.user, reason="admin"),
            "withdrawn",
        )

    @admin.action(description="Re-activate the selected agents")
    def reactivate(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda e: services.enrollment_reactivate(enrollment=e, by=request.user, reason="admin"),
            "re-activated",
        )


class ScheduleItemForm(forms.ModelForm):
    """Changing only the start moves the item: its end and due time follow, so it keeps its
    length (as schedule_item_move does) instead of failing "cannot end before it starts"."""

    video_link = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = ScheduleItem
        fields = [
            "title", "starts_at", "ends_at", "due_at", "location", "video_link", "moved",
            "cancelled",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        starts_at = cleaned.get("starts_at")
        if self.instance.pk and starts_at and self.only_the_start_changed():
            item = self.instance  # as stored: the form's values reach it after clean()
            for name, message in move_errors(item=item, starts_at=starts_at).items():
                self.add_error("starts_at" if name not in self.fields else name, message)
            shift = starts_at - item.starts_at
            cleaned["ends_at"] = item.ends_at + shift
            cleaned["due_at"] = item.due_at + shift
        return cleaned

    def only_the_start_changed(self) -> bool:
        changed = set(self.changed_data)
        return "starts_at" in changed and not changed & {"ends_at", "due_at"}


@admin.register(ScheduleItem)
class ScheduleItemAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    form = ScheduleItemForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "cohort", "kind", "starts_at", "due_at", "moved", "cancelled")
    list_filter = ("kind", "cancelled", "moved", "cohort")
    readonly_fields = ("cohort", "kind", "workshop", "module", "coaching_week", "phase", "sequence")

    class AttendanceInline(admin.TabularInline):
        model = Attendance
        extra = 0
        fields = ("enrollment", "attended", "recorded_by", "recorded_at")
        readonly_fields = ("recorded_by", "recorded_at")

    inlines = [AttendanceInline]

    def save_model(self, request, obj, form, change):
        if not (change and form.only_the_start_changed()):
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        services.schedule_item_move(
            item=obj,
            starts_at=data["starts_at"],
            location=data["location"],
            video_link=data["video_link"],
        )
        # Anything else changed in the same form (a title, say) is saved as typed.
        others = set(form.changed_data) - {"starts_at", "location", "video_link"}
        if others:
            ScheduleItem.objects.filter(pk=obj.pk).update(**{name: data[name] for name in others})


@admin.register(CoachingPair)
class CoachingPairAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("__str__", "cohort", "week", "session")
    list_filter = ("cohort", "week", "session")

    class MemberInline(admin.TabularInline):
        model = CoachingPairMember
        extra = 0
        readonly_fields = ("enrollment", "cohort", "week")

    inlines = [MemberInline]


@admin.register(RubricScore)
class RubricScoreAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("subject", "scorer", "context", "percent", "rubric", "scored_at")
    list_filter = ("context", "rubric")
    search_fields = ("subject__email", "scorer__email", "interaction_ref")
    readonly_fields = ("percent",)

    def has_change_permission(self, request, obj=None):
        return False  # a score is a record of what happened; it is never edited


class ExperimentAddForm(forms.ModelForm):
    """The population and window of a new experiment; the service's rule (a cohort or some
    teams, not both) is checked here so it shows next to the field."""

    seed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=limits.BIGINT_MAX,
        help_text="Optional. The same seed gives the same groups; left empty, one is drawn.",
    )

    class Meta:
        model = Experiment
        fields = ("name", "cohort", "teams", "window_start", "window_end", "seed")

    def clean(self):
        data = super().clean()
        if "cohort" in data and "teams" in data:
            errors = experiment_target_errors(cohort=data["cohort"], teams=data["teams"])
            for field, problems in errors.items():
                self.add_error(field, problems)
        return data


@admin.register(Experiment)
class ExperimentAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Adding an experiment calls the service, which assigns the agents at random within
    teams; afterwards only its name changes (the assignment depends on the rest)."""

    list_display = ("name", "cohort", "window_start", "window_end", "seed")
    filter_horizontal = ("teams",)

    class AssignmentInline(admin.TabularInline):
        model = ExperimentAssignment
        extra = 0
        can_delete = False
        readonly_fields = ("agent", "team", "group")

        def has_add_permission(self, request, obj=None):
            return False

    inlines = [AssignmentInline]

    def get_queryset(self, request):
        return experiment_visible_to(user=request.user)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ExperimentAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("cohort", "teams", "window_start", "window_end", "seed", "created_by", "created_at")

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cohort":
            kwargs["queryset"] = managed_cohorts(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "teams":
            kwargs["queryset"] = managed_teams(user=request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = experiment_create(
            name=data["name"],
            cohort=data["cohort"],
            teams=list(data["teams"]),
            window_start=data["window_start"],
            window_end=data["window_end"],
            seed=data["seed"],
            created_by=request.user,
        )
        # The admin logs and redirects to the object it passed in.
        obj.pk, obj.seed, obj.created_by = created.pk, created.seed, created.created_by

    def save_related(self, request, form, formsets, change):
        if change:  # on add, the service has set the teams
            super().save_related(request, form, formsets, change)


class RefresherScheduleForm(forms.ModelForm):
    video_link = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = RefresherSchedule
        fields = (
            "source_program", "refresher_program", "facilitators", "time_zone",
            "session_time", "location", "video_link", "is_active",
        )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.instance.source_program = cleaned["source_program"]
            self.instance.refresher_program = cleaned["refresher_program"]
            refresher_schedule_check(self.instance, list(cleaned.get("facilitators") or []))
        return cleaned


@admin.register(RefresherSchedule)
class RefresherScheduleAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Recurring refreshers; the quarterly cohorts they opened are listed read-only."""

    form = RefresherScheduleForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("__str__", "source_program", "time_zone", "is_active", "created_by")
    list_filter = ("is_active",)
    filter_horizontal = ("facilitators",)

    class RunInline(admin.TabularInline):
        model = RefresherRun
        extra = 0
        can_delete = False
        readonly_fields = ("quarter_start", "cohort", "enrolled", "created_at")

        def has_add_permission(self, request, obj=None):
            return False  # the quarterly task opens them

    inlines = [RunInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.created_by:  # whoever set it up keeps facilitating it
            form.instance.facilitators.add(form.instance.created_by)
