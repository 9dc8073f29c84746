"""The journal (each person's own entries, nobody else's, whatever their role) and the
support resources (everyone reads, training managers write)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsManagerOrReadOnly, IsTrainingManager
from cohorts.scope import managed_agents
from config.api import ModelCleanSerializer
from wellbeing import exposure, selectors, services
from wellbeing.exposure_views import weeks_asked
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


# --- Exposure and recovery (wellbeing/exposure.py) -----------------------------------------


class ExposureView(APIView):
    """Your agents' exposure to high-intensity work and their recovery gaps, one row per
    agent (training managers: the agents of the cohorts you facilitate and the teams you
    manage). `weeks`: how far back, 1 to 12 (4)."""

    permission_classes = [IsTrainingManager]

    @extend_schema(
        parameters=[OpenApiParameter("weeks", int, description="1 to 12, default 4")],
        responses=inline_serializer(
            "Exposure",
            {
                "start": serializers.DateTimeField(),
                "end": serializers.DateTimeField(),
                "recovery_minutes": serializers.IntegerField(),
                "rotation_streak": serializers.IntegerField(),
                "agents": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        start, end = exposure.period(weeks=weeks_asked(request.query_params.get("weeks")))
        rows = exposure.agent_exposure(
            agents=managed_agents(user=request.user), start=start, end=end
        )
        return Response(
            {
                "start": start,
                "end": end,
                "recovery_minutes": exposure.RECOVERY_MINUTES,
                "rotation_streak": exposure.rotation_streak(),
                "agents": [row.as_dict() for row in rows],
            }
        )


class IsHROrManager(IsAuthenticated):
    message = "Exposure by team is for HR and training managers."

    def has_permission(self, request, view):
        user = request.user
        return super().has_permission(request, view) and (user.is_hr or user.is_manager)


class TeamExposureView(APIView):
    """Exposure and recovery by team and ISO week, for HR and training managers: never a
    row per agent, and every figure from fewer than 5 agents withheld (null, with a
    note)."""

    permission_classes = [IsHROrManager]

    @extend_schema(
        parameters=[OpenApiParameter("weeks", int, description="1 to 12, default 4")],
        responses=inline_serializer(
            "TeamExposure",
            {
                "min_group": serializers.IntegerField(),
                "rows": serializers.ListField(child=serializers.DictField()),
                "notes": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    def get(self, request):
        start, end = exposure.period(weeks=weeks_asked(request.query_params.get("weeks")))
        return Response(exposure.team_exposure_by_week(start=start, end=end))
