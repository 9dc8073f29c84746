from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import Notification, Outbox, ReminderOptOut, ReminderSwitch, Team, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name", "role", "team", "time_zone")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)


@admin.register(ReminderSwitch)
class ReminderSwitchAdmin(admin.ModelAdmin):
    """Kill switches: stop creating a kind, or stop sending it, without a deploy."""

    list_display = ("kind", "enqueue_enabled", "deliver_enabled")
    list_editable = ("enqueue_enabled", "deliver_enabled")


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "status", "deliver_after", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("recipient__email",)
    readonly_fields = [field.name for field in Outbox._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("user__email", "title")


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "created_at")
    list_filter = ("kind",)
