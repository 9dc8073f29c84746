from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from certification import openbadges, services
from certification.models import (
    BadgeAssertion,
    BadgeClass,
    CertificationDecision,
    CertificationGate,
    DecisionStatus,
    RolePlayAssessment,
)
from config.admin import SuperuserOnlyAdmin


@admin.register(CertificationGate)
class GateAdmin(admin.ModelAdmin):
    list_display = (
        "program", "threshold_percent", "recent_scores", "requires_role_play", "validity_days"
    )  # fmt: skip
    filter_horizontal = ("required_modules",)


class BookingForm(forms.ModelForm):
    class Meta:
        model = RolePlayAssessment
        fields = ["enrollment", "scenario", "assessor", "scheduled_at", "notes"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and {"enrollment", "scenario", "assessor"} <= set(data):
            errors = services.role_play_booking_errors(
                enrollment=data["enrollment"], scenario=data["scenario"], assessor=data["assessor"]
            )
            for field_name, messages_ in errors.items():
                self.add_error(field_name, messages_)
        return data


@admin.register(RolePlayAssessment)
class AssessmentAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    form = BookingForm
    list_display = ("enrollment", "scenario", "assessor", "status", "scheduled_at", "assessed_at")
    list_filter = ("status",)
    readonly_fields = ("status", "score", "assessed_at", "created_at")

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # Booking goes through the service so the assessor and cooldown rules hold.
        booked = services.role_play_book(
            enrollment=obj.enrollment,
            scenario=obj.scenario,
            assessor=obj.assessor,
            scheduled_at=obj.scheduled_at,
        )
        obj.pk = booked.pk


class RevokeForm(forms.ModelForm):
    revoke_reason = forms.CharField(
        required=False, max_length=500, help_text="Fill in to revoke this certification and badge."
    )

    class Meta:
        model = CertificationDecision
        fields = []


@admin.register(CertificationDecision)
class DecisionAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Decisions are evidence: read-only, except that a reason revokes them."""

    form = RevokeForm
    list_display = ("agent", "program", "decided_at", "expires_at", "status", "revoked_at")
    list_filter = ("program", ("revoked_at", admin.EmptyFieldListFilter))
    readonly_fields = (
        "enrollment", "agent", "program", "evidence", "evidence_hash", "decided_at",
        "expires_at", "status", "previous", "revoked_at", "revoked_by", "revocation_reason",
    )  # fmt: skip

    @admin.display(description="status")
    def status(self, obj) -> str:
        return DecisionStatus(obj.status_at(timezone.now())).label

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("revoke_reason")
        if not reason:
            return
        try:
            services.certification_revoke(decision=obj, by=request.user, reason=reason)
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)


@admin.register(BadgeClass)
class BadgeClassAdmin(admin.ModelAdmin):
    list_display = ("name", "program", "public_link")
    fields = ("program", "name", "description", "criteria_narrative")

    @admin.display(description="Open Badges BadgeClass")
    def public_link(self, obj):
        return format_html('<a href="{}">{}</a>', openbadges.badge_class_url(obj), "JSON-LD")


@admin.register(BadgeAssertion)
class AssertionAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("recipient", "badge_class", "issued_on", "expires_on", "revoked", "verify")
    list_filter = ("revoked", "badge_class")
    search_fields = ("recipient__email", "uuid")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # revoke through the certification decision, which keeps the reason

    @admin.display(description="Verification page")
    def verify(self, obj):
        return format_html('<a href="{}">{}</a>', openbadges.verify_url(obj), "verify")
