from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import (
    ApiToken,
    Invitation,
    Notification,
    Outbox,
    ReminderOptOut,
    ReminderSwitch,
    Team,
    User,
)
from accounts.services import api_token_revoke
from config.admin import SuperuserOnlyAdmin


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name", "role", "team", "time_zone")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(SuperuserOnlyAdmin, BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "display_name", "role", "team", "time_zone", "is_active")
    list_filter = ("role", "team", "is_active", "is_staff")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "role", "team", "time_zone")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Employment", {"fields": ("hired_on", "left_on")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "display_name",
                    "role",
                    "team",
                    "time_zone",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


@admin.register(Team)
class TeamAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)


@admin.register(ReminderSwitch)
class ReminderSwitchAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Kill switches: stop creating a kind, or stop sending it, without a deploy."""

    list_display = ("kind", "enqueue_enabled", "deliver_enabled")
    list_editable = ("enqueue_enabled", "deliver_enabled")

    def get_changelist_form(self, request, **kwargs):
        return ReminderSwitchListForm


class ReminderSwitchListForm(forms.ModelForm):
    """The list's checkboxes, each named after its row (Django leaves list_editable fields
    without a label, which screen readers announce as just "checkbox")."""

    LABELS = {
        "enqueue_enabled": "Create {kind} reminders",
        "deliver_enabled": "Send {kind} reminders",
    }

    class Meta:
        model = ReminderSwitch
        fields = ("enqueue_enabled", "deliver_enabled")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.get_kind_display() if self.instance.pk else "new"
        for name, label in self.LABELS.items():
            self.fields[name].widget.attrs["aria-label"] = label.format(kind=kind)


@admin.register(Outbox)
class OutboxAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("recipient", "kind", "status", "deliver_after", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("recipient__email",)
    readonly_fields = [field.name for field in Outbox._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("user", "title", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("user__email", "title")


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("user", "kind", "created_at")
    list_filter = ("kind",)


@admin.register(ApiToken)
class ApiTokenAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Tokens are read-only here (the secret is never stored, so never shown); a superuser
    may revoke them, with the action."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__email", "name", "prefix")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.is_superuser

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token)
        self.message_user(request, "The selected tokens are revoked.")


@admin.register(Invitation)
class InvitationAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Who was invited and whether they accepted; resend or revoke on the cohort page."""

    list_display = ("user", "status", "times_sent", "last_sent_at", "accepted_at", "revoked_at")
    list_filter = ("accepted_at", "revoked_at")
    search_fields = ("user__email",)
    readonly_fields = [field.name for field in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
