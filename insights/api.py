"""REST API for measurement: interactions, baseline assessments and calibration sessions."""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Team, User
from accounts.permissions import IsManagerOrReadOnly, IsTrainingManager
from cohorts.api import RubricScoreSerializer
from cohorts.models import Cohort
from insights import selectors, services
from insights.models import BaselineAssessment, BaselineItem, CalibrationSession, Interaction
from programs.models import Rubric

# --- Interactions --------------------------------------------------------------------------


class InteractionSerializer(serializers.ModelSerializer):
    agent_email = serializers.EmailField(source="agent.email", read_only=True)

    class Meta:
        model = Interaction
        fields = [
            "id", "source", "external_id", "channel", "agent", "agent_email", "occurred_at",
            "csat", "nps", "understood", "handle_seconds", "escalated",
            "resolved_first_contact", "repeat_contact",
        ]  # fmt: skip
        read_only_fields = fields


class InteractionFilter(filters.FilterSet):
    occurred_after = filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = Interaction
        fields = ["agent", "channel", "source", "escalated", "resolved_first_contact"]


class InteractionImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    source = serializers.SlugField(max_length=50)
    mapping = serializers.ChoiceField(choices=["attune", "zendesk"], default="attune")
    dry_run = serializers.BooleanField(default=False)


class InteractionViewSet(viewsets.ReadOnlyModelViewSet):
    """Helpdesk interactions you may see. Managers import them from CSV."""

    serializer_class = InteractionSerializer
    filterset_class = InteractionFilter
    search_fields = ["external_id", "agent__email"]
    ordering_fields = ["occurred_at", "csat", "handle_seconds"]

    def get_queryset(self):
        return selectors.interaction_visible_to(user=self.request.user).select_related("agent")

    @extend_schema(
        request=InteractionImportSerializer,
        responses=inline_serializer("InteractionImportReport", {
            "rows": serializers.IntegerField(), "created": serializers.IntegerField(),
            "updated": serializers.IntegerField(), "rejected": serializers.ListField(),
            "unknown_agents": serializers.ListField(),
        }),
    )  # fmt: skip
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        permission_classes=[IsTrainingManager],
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_csv(self, request):
        """Upsert interactions from a helpdesk CSV. Good rows are imported; every rejected
        row comes back with its line, column and reason."""
        from insights.interaction_import import interaction_import

        serializer = InteractionImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = interaction_import(
            data=data["file"].read(),
            source=data["source"],
            mapping=data["mapping"],
            dry_run=data["dry_run"],
        )
        return Response(report.as_dict())


# --- Baseline ------------------------------------------------------------------------------


class BaselineSerializer(serializers.ModelSerializer):
    cohort = serializers.PrimaryKeyRelatedField(
        queryset=Cohort.objects.all(), required=False, allow_null=True
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    rubric = serializers.PrimaryKeyRelatedField(queryset=Rubric.objects.all())
    reviewers = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    seed = serializers.IntegerField(required=False)

    class Meta:
        model = BaselineAssessment
        fields = [
            "id", "name", "cohort", "team", "window_start", "window_end", "sample_size",
            "seed", "rubric", "reviewers", "created_by", "created_at",
        ]  # fmt: skip
        read_only_fields = ["created_by", "created_at"]


class BaselineItemSerializer(serializers.ModelSerializer):
    interaction = InteractionSerializer(read_only=True)

    class Meta:
        model = BaselineItem
        fields = ["id", "assessment", "interaction", "reviewer", "score"]
        read_only_fields = fields


class ValuesSerializer(serializers.Serializer):
    values = serializers.JSONField()


class BaselineViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Baseline assessments: a manager draws the sample; reviewers score their share."""

    serializer_class = BaselineSerializer
    permission_classes = [IsManagerOrReadOnly]

    def get_queryset(self):
        return selectors.baseline_visible_to(user=self.request.user).prefetch_related("reviewers")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        cohort, user = data.get("cohort"), self.request.user
        if cohort and not (user.is_superuser or cohort.facilitators.filter(pk=user.pk).exists()):
            raise PermissionDenied("Only the cohort's facilitators draw its baseline.")
        serializer.instance = services.baseline_create(created_by=self.request.user, **data)

    @extend_schema(responses=BaselineItemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None):
        """The sample: reviewers see their own share, managers all of it."""
        assessment = self.get_object()
        items = assessment.items.select_related("interaction__agent")
        if not request.user.is_manager:
            items = items.filter(reviewer=request.user)
        return Response(BaselineItemSerializer(items, many=True).data)

    @extend_schema(request=ValuesSerializer, responses=BaselineItemSerializer)
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>\d+)/score",
            permission_classes=[IsAuthenticated])  # fmt: skip
    def score(self, request, pk=None, item_id=None):
        """The assigned reviewer scores one sampled interaction with the rubric."""
        item = get_object_or_404(self.get_object().items, pk=item_id)
        serializer = ValuesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.baseline_score(
            item=item, reviewer=request.user, values=serializer.validated_data["values"]
        )
        return Response(BaselineItemSerializer(item).data)

    @extend_schema(responses=inline_serializer("BaselineReport", {
        "sample": serializers.DictField(), "rubric": serializers.DictField(),
        "window": serializers.DictField(),
    }))  # fmt: skip
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        return Response(selectors.baseline_report(assessment=self.get_object()))


# --- Calibration ---------------------------------------------------------------------------


class CalibrationSerializer(serializers.ModelSerializer):
    rubric = serializers.PrimaryKeyRelatedField(queryset=Rubric.objects.all())
    reviewers = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    interactions = serializers.PrimaryKeyRelatedField(queryset=Interaction.objects.all(), many=True)

    class Meta:
        model = CalibrationSession
        fields = [
            "id", "name", "rubric", "interactions", "reviewers", "drift_bound", "created_by",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["created_by", "created_at"]


class CalibrationScoreSerializer(serializers.Serializer):
    interaction = serializers.IntegerField()
    values = serializers.JSONField()


class CalibrationViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Calibration sessions. Reviewers score blind: nobody sees the others' scores, or the
    agreement, before they have scored every interaction themselves."""

    serializer_class = CalibrationSerializer
    permission_classes = [IsManagerOrReadOnly]

    def get_queryset(self):
        return selectors.calibration_visible_to(user=self.request.user).prefetch_related(
            "reviewers", "interactions"
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        visible = selectors.interaction_visible_to(user=self.request.user)
        hidden = {i.pk for i in data["interactions"]} - set(
            visible.filter(pk__in=[i.pk for i in data["interactions"]]).values_list("pk", flat=True)
        )
        if hidden:
            raise PermissionDenied(f"You cannot see interactions {sorted(hidden)}.")
        serializer.instance = services.calibration_create(created_by=self.request.user, **data)

    def _unblinded(self, session) -> bool:
        """Managers running the session, and reviewers who submitted everything."""
        user = self.request.user
        is_reviewer = session.reviewers.filter(pk=user.pk).exists()
        if not is_reviewer:
            return user.is_manager
        done = services.calibration_progress(session=session)[user.pk]
        return done >= session.interactions.count()

    @extend_schema(request=CalibrationScoreSerializer, responses={201: RubricScoreSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def score(self, request, pk=None):
        """Submit your score of one interaction of the session (final once sent)."""
        session = self.get_object()
        serializer = CalibrationScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        interaction = get_object_or_404(
            session.interactions, pk=serializer.validated_data["interaction"]
        )
        row = services.calibration_score(
            session=session,
            reviewer=request.user,
            interaction=interaction,
            values=serializer.validated_data["values"],
        )
        return Response(RubricScoreSerializer(row.score).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=RubricScoreSerializer(many=True))
    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        """Your own scores; everyone's once you have submitted all of yours."""
        session = self.get_object()
        rows = session.scores.select_related("score__rubric", "score__scorer")
        if not self._unblinded(session):
            rows = rows.filter(reviewer=request.user)
        return Response(RubricScoreSerializer([row.score for row in rows], many=True).data)

    @extend_schema(responses=inline_serializer("CalibrationResults", {
        "interactions_compared": serializers.IntegerField(),
        "reviewers": serializers.ListField(), "overall": serializers.DictField(),
        "criteria": serializers.DictField(),
    }))  # fmt: skip
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        session = self.get_object()
        if not self._unblinded(session):
            raise PermissionDenied(
                "Submit your scores for every interaction of the session to see the results."
            )
        return Response(selectors.calibration_results(session=session))
