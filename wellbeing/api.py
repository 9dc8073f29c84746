"""The journal (each person's own entries, nobody else's, whatever their role) and the
support resources (everyone reads, training managers write)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import IsManagerOrReadOnly, IsTrainingManager
from cohorts.scope import managed_agents
from config.api import ModelCleanSerializer
from wellbeing import debriefs, exposure, pulse, selectors, services
from wellbeing.exposure_views import weeks_asked
from wellbeing.models import (
    JOURNAL_TEXT_MAX,
    DebriefRequest,
    JournalEntry,
    PulseResponse,
    SupportResource,
)


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
        if getattr(self, "swagger_fake_view", False):
            return JournalEntry.objects.none()
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


# --- Debriefs ------------------------------------------------------------------------------


class DebriefSerializer(serializers.ModelSerializer):
    teammate = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())

    class Meta:
        model = DebriefRequest
        fields = ["id", "requester", "teammate", "requested_at", "status", "answered_at", "held_at"]
        read_only_fields = ["requester", "requested_at", "status", "answered_at", "held_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # Anyone else reads as "does not exist": nobody learns who is on which team.
            self.fields["teammate"].queryset = debriefs.teammates(user=request.user)


class DebriefMoveSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["accept", "decline", "held", "cancel"])


class DebriefViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Debrief requests I made or received; nobody else reads them one by one. Agents ask
    (`POST` with a teammate: someone of their team or their coaching partner); the teammate
    accepts or declines; either marks it held; the requester may withdraw it. What was said
    is never recorded."""

    serializer_class = DebriefSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DebriefRequest.objects.none()
        return debriefs.debriefs_of(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = debriefs.debrief_request(
            requester=self.request.user, teammate=serializer.validated_data["teammate"]
        )

    @extend_schema(request=DebriefMoveSerializer, responses=DebriefSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Accept, decline, mark held, or withdraw (`{"action": "accept"}`)."""
        move = DebriefMoveSerializer(data=request.data)
        move.is_valid(raise_exception=True)
        debrief = debriefs.debrief_move(
            debrief=self.get_object(), by=request.user, action=move.validated_data["action"]
        )
        return Response(DebriefSerializer(debrief, context={"request": request}).data)


# --- Pulse ---------------------------------------------------------------------------------


class PulseResponseSerializer(serializers.ModelSerializer):
    answers = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Item key to points on its scale (see GET /api/wellbeing/pulse/items/).",
    )

    class Meta:
        model = PulseResponse
        fields = ["id", "month", "answers", "burnout_score", "support_score", "submitted_at"]
        read_only_fields = ["month", "burnout_score", "support_score", "submitted_at"]


class PulseItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    scale = serializers.ListField(child=serializers.DictField())
    burnout = serializers.BooleanField(help_text="Part of the CBI work-related score.")


class IndicatorSerializer(serializers.Serializer):
    month = serializers.DateField()
    team = serializers.CharField()
    respondents = serializers.IntegerField(allow_null=True)
    response_rate = serializers.FloatField(allow_null=True)
    burnout_score = serializers.FloatField(allow_null=True)
    support_score = serializers.FloatField(allow_null=True)
    withheld = serializers.CharField(allow_null=True)


class PulseViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """My own monthly pulse: `GET` lists my months (nobody else's, whoever asks), `POST`
    records or replaces this month's answers (agents; every item optional, at least four
    of the seven burnout items). `indicators` is the aggregate for HR and training
    managers: per team and month, cells of fewer than 5 respondents withheld."""

    serializer_class = PulseResponseSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PulseResponse.objects.none()
        return pulse.my_trend(respondent=self.request.user).order_by("-month")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        response = pulse.pulse_submit(
            respondent=request.user, answers=serializer.validated_data["answers"]
        )
        return Response(self.get_serializer(response).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PulseItemSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def items(self, request):
        """The questions and the points of each answer."""
        return Response(
            [
                {
                    "key": item.key,
                    "text": item.text,
                    "scale": [{"points": p, "label": label} for p, label in item.scale],
                    "burnout": item.burnout,
                }
                for item in pulse.ITEMS
            ]
        )

    @extend_schema(responses=IndicatorSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def indicators(self, request):
        if not (request.user.is_hr or request.user.is_manager):
            raise PermissionDenied("Burnout indicators are for HR and training managers.")
        agents = None if request.user.is_hr else managed_agents(user=request.user)
        rows = pulse.burnout_by_team_and_month(agents=agents)
        return Response(IndicatorSerializer(rows, many=True).data)


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
        agents = None if request.user.is_hr else managed_agents(user=request.user)
        return Response(exposure.team_exposure_by_week(start=start, end=end, agents=agents))
