"""Recurring quarterly refreshers: a training manager sets one up for a program; every
quarter it opens a cohort (cohorts/services/refreshers.py). Managers only (403 to anyone
else), and only the schedules they facilitate (404 for another manager's)."""

from django.contrib.auth import get_user_model
from rest_framework import mixins, serializers, viewsets

from accounts.permissions import IsTrainingManager
from cohorts import services
from cohorts.api.serializers import OptionalURLField, VisibleProgramField, WallClockTimeField
from cohorts.models import RefresherRun, RefresherSchedule
from cohorts.scope import managed_refresher_schedules
from cohorts.selectors import facilitator_choices


class RefresherRunSerializer(serializers.ModelSerializer):
    cohort_name = serializers.CharField(source="cohort.name", read_only=True)

    class Meta:
        model = RefresherRun
        fields = ["quarter_start", "cohort", "cohort_name", "enrolled", "created_at"]
        read_only_fields = fields


class RefresherScheduleSerializer(serializers.ModelSerializer):
    source_program = VisibleProgramField(help_text="Agents certified in it are refreshed.")
    refresher_program = VisibleProgramField(help_text="The program each quarter's cohort runs.")
    facilitators = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=get_user_model().objects.none(),
        help_text="Training managers and coaches; whoever sets it up facilitates it anyway.",
    )
    session_time = WallClockTimeField(required=False)
    video_link = OptionalURLField(required=False)
    runs = RefresherRunSerializer(many=True, read_only=True)

    class Meta:
        model = RefresherSchedule
        fields = [
            "id", "source_program", "refresher_program", "facilitators", "time_zone",
            "session_time", "location", "video_link", "is_active", "created_by", "created_at",
            "runs",
        ]  # fmt: skip
        read_only_fields = ["created_by", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        fields["facilitators"].child_relation.queryset = facilitator_choices()
        return fields


class RefresherScheduleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Recurring refreshers the manager facilitates; `runs` are the quarterly cohorts
    opened so far. Switch one off with `is_active: false` (cohorts opened stay)."""

    serializer_class = RefresherScheduleSerializer
    permission_classes = [IsTrainingManager]
    filterset_fields = ["source_program", "is_active"]

    def get_queryset(self):
        return (
            managed_refresher_schedules(user=self.request.user)
            .select_related("source_program", "refresher_program")
            .prefetch_related("facilitators", "runs__cohort")
        )

    def perform_create(self, serializer):
        serializer.instance = services.refresher_schedule_create(
            created_by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.refresher_schedule_update(
            schedule=serializer.instance, **serializer.validated_data
        )
