"""Coaching pairs and rubric scores."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import IsNotHR
from cohorts import selectors, services
from cohorts.api.serializers import (
    CoachingPairSerializer,
    PeerScoreSerializer,
    RubricScoreRowSerializer,
    RubricScoreSerializer,
    SessionSerializer,
)
from cohorts.models import (
    RubricScore,
)
from config.api import ValuesListMixin
from config.pagination import KeysetPagination
from programs.models import Rubric

# --- Coaching pairs and scores -------------------------------------------------------------


class CoachingPairViewSet(viewsets.ReadOnlyModelViewSet):
    """Weekly coaching pairs: agents see the pairs they are in; facilitators their cohorts'."""

    serializer_class = CoachingPairSerializer
    permission_classes = [IsNotHR]
    filterset_fields = ["cohort", "week", "session"]

    def get_queryset(self):
        return (
            selectors.coaching_pair_visible_to(user=self.request.user)
            .select_related("item")
            .prefetch_related("members__enrollment__agent")
        )

    def _member_or_facilitator(self, pair):
        user = self.request.user
        is_member = pair.members.filter(enrollment__agent=user).exists()
        if not (is_member or selectors.is_facilitator(user=user, cohort=pair.cohort)):
            raise PermissionDenied("Only the pair and its facilitators may do this.")

    @extend_schema(request=SessionSerializer, responses=CoachingPairSerializer)
    @action(detail=True, methods=["post"])
    def session(self, request, pk=None):
        """Record the week's session as held or missed (a member or a facilitator)."""
        pair = self.get_object()
        self._member_or_facilitator(pair)
        serializer = SessionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = services.coaching_session_record(pair=pair, **serializer.validated_data)
        return Response(CoachingPairSerializer(pair).data)

    @extend_schema(
        methods=["post"], request=PeerScoreSerializer, responses={201: RubricScoreSerializer}
    )
    @extend_schema(methods=["get"], responses=RubricScoreSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def scores(self, request, pk=None):
        """The pair's peer scores; a member scores a partner with the program's rubric."""
        pair = self.get_object()
        self._member_or_facilitator(pair)
        if request.method == "GET":
            # In a trio, a member reads what they gave and received, not the other two's.
            scores = (
                selectors.rubric_score_visible_to(user=request.user)
                .filter(coaching_pair=pair)
                .select_related("rubric", "scorer")
            )
            return Response(RubricScoreSerializer(scores, many=True).data)
        serializer = PeerScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        score = services.peer_score_create(
            pair=pair, scorer=request.user, **serializer.validated_data
        )
        return Response(RubricScoreSerializer(score).data, status=status.HTTP_201_CREATED)


class CanRecordScores(IsAuthenticated):
    message = "Only coaches and training managers record QA, baseline and role-play scores."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return request.user.is_manager or request.user.role == User.Role.COACH


class RubricScoreViewSet(
    ValuesListMixin, mixins.CreateModelMixin, mixins.ListModelMixin,
    mixins.RetrieveModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Rubric scores, scoped: agents read scores about them, coaches the ones they gave,
    facilitators their cohorts'. HR gets 403. Peer scores are posted on the pair."""

    serializer_class = RubricScoreSerializer
    row_serializer_class = RubricScoreRowSerializer
    permission_classes = [IsNotHR, CanRecordScores]
    pagination_class = KeysetPagination
    filterset_fields = ["subject", "context", "cohort", "rubric"]
    ordering_fields = ["scored_at", "percent"]

    def get_queryset(self):
        return selectors.rubric_score_visible_to(user=self.request.user).select_related(
            "rubric", "scorer"
        )

    @extend_schema(request=None, responses=RubricScoreSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsNotHR])
    def acknowledge(self, request, pk=None):
        """The agent the score is about confirms they read its feedback (idempotent)."""
        score = self.get_object()
        if score.subject_id != request.user.pk:
            raise PermissionDenied("Only the agent the score is about acknowledges it.")
        services.rubric_score_acknowledge(score=score, agent=request.user)
        return Response(self.get_serializer(score).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        if data["context"] == RubricScore.Context.PEER:
            raise PermissionDenied("Peer scores are recorded on the coaching pair.")
        rubric: Rubric = data.pop("rubric")
        serializer.instance = services.rubric_score_create(
            rubric=rubric, scorer=self.request.user, **data
        )
