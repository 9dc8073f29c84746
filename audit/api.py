"""The audit trail over the API: read-only, scoped like the page.

Training managers (and superusers) read it; every other role gets 403. Nobody writes it:
entries are made by the models' own saves, never through a request to this endpoint.
"""

from auditlog.models import LogEntry
from rest_framework import serializers, viewsets

from accounts.permissions import IsTrainingManager
from audit.filters import AuditEntryFilter, object_type_label
from audit.selectors import audit_entry_visible_to


class AuditEntrySerializer(serializers.ModelSerializer):
    action = serializers.CharField(source="get_action_display")
    object_type = serializers.SerializerMethodField()
    changes = serializers.JSONField(source="changes_dict")

    class Meta:
        model = LogEntry
        fields = [
            "id",
            "timestamp",
            "action",
            "object_type",
            "object_id",
            "object_pk",
            "object_repr",
            "changes",
            "actor",
            "actor_email",
            "remote_addr",
            "cid",
        ]
        read_only_fields = fields

    def get_object_type(self, entry) -> str:
        return object_type_label(entry.content_type)


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Who changed what and when, newest first. Filter by `object_type`
    (`programs.program`), `object_id`, `actor` (a user id), `actor_email`, `action`
    (0 create, 1 update, 2 delete) and `since` / `until` (dates, inclusive)."""

    serializer_class = AuditEntrySerializer
    permission_classes = [IsTrainingManager]
    filterset_class = AuditEntryFilter
    search_fields = ["object_repr"]
    ordering_fields = ["timestamp"]
    ordering = ["-timestamp", "-pk"]

    def get_queryset(self):
        return audit_entry_visible_to(user=self.request.user)
