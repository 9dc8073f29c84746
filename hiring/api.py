"""The hiring API: openings, candidates, interviews with their blind scores, the comparison
(JSON or CSV), hiring into an agent account, and an agent's starting point.

Agents and HR get 403 everywhere; an opening someone neither runs nor interviews for, and
everything under it, answers 404. Interviewers (coaches or managers named on the opening)
read it and score; only the managers of the opening's team change it."""

from django.db.models import Count
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Team, User
from accounts.permissions import IsAgent
from cohorts.models import Cohort
from cohorts.scope import managed_cohorts, managed_teams
from config.api import ScopedRelatedField
from config.limits import ColumnRangeMixin
from hiring import exports, selectors, services
from hiring.models import Candidate, Interview, InterviewScore, Opening
from programs.models import Rubric, ScenarioCard


class MayHire(BasePermission):
    """Hiring is for training managers and coaches (who interview); agents and HR: 403."""

    message = "Hiring is for training managers and the interviewers they name."

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user and user.is_authenticated and (user.is_manager or user.role == User.Role.COACH)
        )


def _require_runs(request, opening: Opening) -> None:
    """Changes are for the managers of the opening's team (an interviewer reads only)."""
    if not selectors.opening_managed_by(user=request.user).filter(pk=opening.pk).exists():
        raise PermissionDenied("Only the managers of the opening's team may change it.")


# --- Openings -----------------------------------------------------------------------------


class OpeningSerializer(ColumnRangeMixin, serializers.ModelSerializer):
    team = ScopedRelatedField(scope=managed_teams, queryset=Team.objects.all())
    rubric = ScopedRelatedField(
        scope=selectors.interview_rubrics,
        queryset=Rubric.objects.all(),
        required=False,
        help_text="A published rubric version; by default the interview rubric's newest.",
    )
    interviewers = ScopedRelatedField(
        scope=selectors.interviewer_choices, queryset=User.objects.all(), many=True,
        required=False,
    )  # fmt: skip
    candidates = serializers.IntegerField(source="candidate_count", read_only=True)

    class Meta:
        model = Opening
        fields = [
            "id", "title", "team", "rubric", "interviewers", "status", "candidates",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        if self.instance is not None and "team" in attrs and attrs["team"] != self.instance.team:
            raise serializers.ValidationError({"team": ["Set when the opening is made."]})
        if self.instance is None and attrs.get("status", "open") != Opening.Status.OPEN:
            raise serializers.ValidationError({"status": ["An opening starts open."]})
        return attrs


class OpeningViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Openings you run (your teams') or interview for. Creating one is for the managers of
    its team."""

    serializer_class = OpeningSerializer
    permission_classes = [MayHire]
    filterset_fields = ["status", "team"]

    def get_queryset(self):
        return (
            selectors.opening_visible_to(user=self.request.user)
            .annotate(candidate_count=Count("candidates"))
            .prefetch_related("interviewers")
            .order_by("-created_at", "-id")
        )

    def create(self, request, *args, **kwargs):
        if not request.user.is_manager:
            raise PermissionDenied("Only training managers open hiring.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("status", None)
        opening = services.opening_create(by=request.user, **data)
        opening = self.get_queryset().get(pk=opening.pk)
        return Response(self.get_serializer(opening).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        _require_runs(self.request, serializer.instance)
        data = dict(serializer.validated_data)
        data.pop("team", None)
        services.opening_update(opening=serializer.instance, **data)

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        opening = self.get_queryset().get(pk=kwargs["pk"])
        return Response(self.get_serializer(opening).data)

    def _comparison(self, request):
        # Not get_object(): the list's counts and interviewers are not needed here.
        opening = get_object_or_404(
            selectors.opening_visible_to(user=request.user).select_related("rubric"),
            pk=self.kwargs["pk"],
        )
        _require_runs(request, opening)
        return opening, selectors.comparison_rows(opening=opening)

    @extend_schema(
        responses=inline_serializer(
            "HiringComparison",
            {
                "opening": serializers.IntegerField(),
                "disagreement_points": serializers.IntegerField(),
                "candidates": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    @action(detail=True, methods=["get"])
    def comparison(self, request, pk=None):
        """The candidates ranked by mean score, each criterion's mean and the spread between
        interviewers, flagged beyond one scale point. For the managers of the opening."""
        opening, rows = self._comparison(request)
        return Response({
            "opening": opening.pk,
            "disagreement_points": selectors.DISAGREEMENT_POINTS,
            "candidates": [_comparison_row(row) for row in rows],
        })  # fmt: skip

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")}
    )
    @action(detail=True, methods=["get"], url_path="comparison-csv")
    def comparison_csv(self, request, pk=None):
        """The comparison as a CSV file."""
        opening, rows = self._comparison(request)
        response = HttpResponse(
            exports.comparison_csv(opening=opening, rows=rows), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="opening-{opening.pk}.csv"'
        return response


def _comparison_row(row: dict) -> dict:
    candidate = row["candidate"]
    return {
        "rank": row["rank"],
        "candidate": candidate.pk,
        "name": candidate.name,
        "stage": candidate.stage,
        "mean": None if row["mean"] is None else str(row["mean"]),
        "role_plays": row["role_plays"],
        "interviewers": row["interviewers"],
        "disagreement": row["disagreement"],
        "criteria": [
            {**c, "mean": None if c["mean"] is None else str(c["mean"])} for c in row["criteria"]
        ],
    }


# --- Candidates ---------------------------------------------------------------------------


class CandidateSerializer(ColumnRangeMixin, serializers.ModelSerializer):
    opening = ScopedRelatedField(scope=selectors.opening_managed_by, queryset=Opening.objects.all())

    class Meta:
        model = Candidate
        fields = [
            "id", "opening", "name", "email", "phone", "stage", "stage_changed_at", "agent",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["stage_changed_at", "agent", "created_at"]

    def validate(self, attrs):
        if (
            self.instance is not None
            and "opening" in attrs
            and (attrs["opening"] != self.instance.opening)
        ):
            raise serializers.ValidationError({"opening": ["Add the candidate to the other one."]})
        return attrs


class HireSerializer(serializers.Serializer):
    cohort = ScopedRelatedField(
        scope=managed_cohorts, queryset=Cohort.objects.all(), required=False, allow_null=True,
        help_text="A cohort you facilitate to enrol the new agent in (the new-hire primer).",
    )  # fmt: skip
    time_zone = serializers.CharField(
        required=False, allow_blank=True, max_length=64, default="",
        help_text="The agent's IANA time zone; empty: the cohort's, or UTC.",
    )  # fmt: skip


class CandidateViewSet(viewsets.ModelViewSet):
    """Candidates of the openings you run or interview for. Adding, changing, deleting and
    hiring are for the managers of the opening's team."""

    serializer_class = CandidateSerializer
    permission_classes = [MayHire]
    filterset_fields = ["opening", "stage"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.candidate_visible_to(user=self.request.user).order_by("name", "id")

    def create(self, request, *args, **kwargs):
        if not request.user.is_manager:
            raise PermissionDenied("Only the managers of the opening's team add candidates.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("stage", None)  # a candidate starts as applied; the stage moves later
        candidate = services.candidate_add(**data)
        return Response(self.get_serializer(candidate).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        _require_runs(self.request, serializer.instance.opening)
        data = {k: v for k, v in serializer.validated_data.items() if k != "opening"}
        serializer.instance = services.candidate_update(candidate=serializer.instance, **data)

    def perform_destroy(self, instance):
        _require_runs(self.request, instance.opening)
        services.candidate_delete(candidate=instance)

    @extend_schema(
        request=HireSerializer,
        responses={201: inline_serializer("HiredAgent", {"agent": serializers.IntegerField(),
                                                          "email": serializers.EmailField()})},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def hire(self, request, pk=None):
        """Hire: an agent account in the opening's team, invited by e-mail to set a password,
        optionally enrolled in a cohort you facilitate; the interview scores become the
        agent's starting point."""
        candidate = self.get_object()
        _require_runs(request, candidate.opening)
        serializer = HireSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        agent = services.candidate_hire(candidate=candidate, by=request.user,
                                        **serializer.validated_data)  # fmt: skip
        return Response({"agent": agent.pk, "email": agent.email}, status=status.HTTP_201_CREATED)


# --- Interviews ---------------------------------------------------------------------------


class ScenarioSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ScenarioCard
        fields = ["id", "title", "persona", "situation", "channel", "intensity", "curveball",
                  "success_signals"]  # fmt: skip


class InterviewSerializer(serializers.ModelSerializer):
    candidate = ScopedRelatedField(
        scope=selectors.candidate_managed_by, queryset=Candidate.objects.all()
    )
    scenario = ScopedRelatedField(
        scope=selectors.scenario_library, queryset=ScenarioCard.objects.all(), required=False,
        allow_null=True, help_text="A card of a published program; empty: one is drawn.",
    )  # fmt: skip
    scenario_card = ScenarioSummarySerializer(source="scenario", read_only=True)
    held_on = serializers.DateField(required=False)
    scores_submitted = serializers.IntegerField(source="score_count", read_only=True)

    class Meta:
        model = Interview
        fields = ["id", "candidate", "scenario", "scenario_card", "held_on", "scores_submitted",
                  "created_at"]  # fmt: skip
        read_only_fields = ["created_at"]


class InterviewScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = InterviewScore
        fields = ["id", "interview", "interviewer", "values", "notes", "submitted_at"]
        read_only_fields = fields


class ScoreInputSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=serializers.IntegerField(min_value=-32768, max_value=32767),
        help_text="{criterion key: score}, one per criterion of the opening's rubric.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class InterviewViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Role-plays of the candidates you see. Each interviewer scores blind: the others'
    scores show once their own is submitted."""

    serializer_class = InterviewSerializer
    permission_classes = [MayHire]
    filterset_fields = ["candidate"]

    def get_queryset(self):
        return (
            selectors.interview_visible_to(user=self.request.user)
            .select_related("scenario")
            .annotate(score_count=Count("scores"))
            .order_by("held_on", "id")
        )

    def create(self, request, *args, **kwargs):
        if not request.user.is_manager:
            raise PermissionDenied("Only the managers of the opening's team add role-plays.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        interview = services.interview_create(**serializer.validated_data)
        interview = self.get_queryset().get(pk=interview.pk)
        return Response(self.get_serializer(interview).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ScoreInputSerializer, responses={201: InterviewScoreSerializer})
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        """Submit your score of this role-play, with notes; final once sent."""
        interview = self.get_object()
        serializer = ScoreInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.interview_score_submit(
            interview=interview, interviewer=request.user, **serializer.validated_data
        )
        return Response(InterviewScoreSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=InterviewScoreSerializer(many=True))
    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        """Your own score; everyone's once yours is submitted (or if you run the opening
        without interviewing)."""
        interview = self.get_object()
        rows = selectors.interview_scores_for(interview=interview, user=request.user)
        return Response(InterviewScoreSerializer(rows, many=True).data)


# --- Starting point -----------------------------------------------------------------------


class StartingPointView(APIView):
    """An agent's own interview scores from when they were hired: their starting point."""

    permission_classes = [IsAgent]

    @extend_schema(
        responses={
            200: inline_serializer(
                "StartingPoint",
                {
                    "opening": serializers.CharField(),
                    "hired_at": serializers.DateTimeField(),
                    "mean": serializers.CharField(allow_null=True),
                    "criteria": serializers.ListField(child=serializers.DictField()),
                },
            ),
            404: OpenApiResponse(description="You did not join through an interview here."),
        }
    )
    def get(self, request):
        candidate = selectors.starting_point_candidate(agent=request.user, user=request.user)
        if candidate is None:
            raise NotFound("You did not join through an interview in Attune.")
        (row,) = selectors.comparison_rows(opening=candidate.opening, candidates=[candidate])
        body = _comparison_row(row)
        return Response({
            "opening": candidate.opening.title,
            "hired_at": candidate.stage_changed_at,
            "mean": body["mean"],
            "criteria": body["criteria"],
        })  # fmt: skip
