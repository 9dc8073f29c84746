"""The journal (each person's own entries, nobody else's, whatever their role) and the
support resources (everyone reads, training managers write)."""

from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from accounts.permissions import IsManagerOrReadOnly
from config.api import ModelCleanSerializer
from wellbeing import selectors, services
from wellbeing.models import JOURNAL_TEXT_MAX, JournalEntry, SupportResource


class JournalEntrySerializer(serializers.ModelSerializer):
    text = serializers.CharField(max_length=JOURNAL_TEXT_MAX)

    class Meta:
        model = JournalEntry
        fields = ["id", "written_at", "updated_at", "context", "text"]
        read_only_fields = ["written_at", "updated_at"]


class JournalEntryViewSet(viewsets.ModelViewSet):
    """Your own reflection journal. Entries are private: this answers only the signed-in
    person's own, and an entry of anyone else is a 404 to everybody, managers, HR and
    administrators included."""

    serializer_class = JournalEntrySerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.journal_of(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.journal_write(
            author=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        data = {"text": serializer.instance.text, "context": serializer.instance.context}
        data.update(serializer.validated_data)
        services.journal_update(entry=serializer.instance, author=self.request.user, **data)

    def perform_destroy(self, instance):
        services.journal_delete(entry=instance, author=self.request.user)


class SupportResourceSerializer(ModelCleanSerializer):
    class Meta:
        model = SupportResource
        fields = [
            "id", "name", "kind", "description", "phone", "email", "url", "hours",
            "position", "is_active", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["updated_at"]


class SupportResourceViewSet(viewsets.ModelViewSet):
    """Where to get help: counselling, the employee assistance programme, peer support.
    Everyone signed in reads the active ones; training managers add, change and retire
    them (and see retired ones)."""

    serializer_class = SupportResourceSerializer
    permission_classes = [IsManagerOrReadOnly]

    def get_queryset(self):
        is_manager = getattr(self.request.user, "is_manager", False)
        return selectors.support_resources(include_inactive=is_manager)

    def perform_create(self, serializer):
        serializer.instance = services.support_resource_save(
            resource=SupportResource(**serializer.validated_data), by=self.request.user
        )

    def perform_update(self, serializer):
        resource = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(resource, name, value)
        services.support_resource_save(resource=resource, by=self.request.user)
