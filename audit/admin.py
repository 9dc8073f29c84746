"""The audit trail in the admin: read-only for everyone, superusers included.

django-auditlog's own admin allows deleting entries as part of a cascade; here nothing
adds, changes or deletes an entry. Staff who may view entries see the same scope as on
the page and the API.
"""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from audit.selectors import audit_entry_visible_to

admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditEntryAdmin(LogEntryAdmin):
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        self.request = request  # auditlog's admin columns read it
        return audit_entry_visible_to(user=request.user)
