"""Review plans and the week's review assignments, for managers and coaches."""

from django.contrib.auth import get_user_model
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.permissions import IsAgent, IsNotHR, IsTrainingManager
from cohorts.api import RubricScoreSerializer
from cohorts.models import Cohort, RubricScore
from cohorts.scope import directory_visible_to, managed_cohorts
from config import limits
from config.api import ModelCleanSerializer, ScopedRelatedField
from reviews import assignment as services
from reviews import disputes, selectors
from reviews import services as review_services
from reviews.models import Dispute, ReviewAssignment, ReviewPlan, SelfAssessment

User = get_user_model()
REVIEWER_ROLES = [User.Role.COACH, User.Role.MANAGER]


class IsReviewerOrManager(IsAuthenticated):
    """Coaches (their own reviews) and training managers (their cohorts'); agents and HR
    get a 403: individual QA work is not theirs to read here."""

    message = "Only coaches and training managers see review assignments."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.user.is_manager or request.user.role == User.Role.COACH


# --- Plans ---------------------------------------------------------------------------------


class ReviewPlanSerializer(ModelCleanSerializer):
    cohort = ScopedRelatedField(scope=managed_cohorts, queryset=Cohort.objects.all())
    coaches = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=User.objects.filter(role__in=REVIEWER_ROLES, is_active=True),
        help_text="Coaches or training managers who review.",
    )

    class Meta:
        model = ReviewPlan
        fields = [
            "id", "cohort", "per_agent_per_week", "coaches", "prefer_escalated",
            "prefer_low_csat", "active", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]


class CoachLoadSerializer(serializers.Serializer):
    coach_id = serializers.IntegerField()
    name = serializers.CharField()
    open = serializers.IntegerField(help_text="Reviews still to do, in this plan.")
    overdue = serializers.IntegerField(help_text="Of those, past their due time.")
    done_this_week = serializers.IntegerField(help_text="This week's reviews submitted.")


class ReviewPlanViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """A cohort's review plan: how many interactions per active agent a week, by which
    coaches. Managers, for the cohorts they facilitate."""

    serializer_class = ReviewPlanSerializer
    permission_classes = [IsTrainingManager]
    filterset_fields = ["cohort", "active"]

    def get_queryset(self):
        return (
            services.plans_visible_to(user=self.request.user)
            .prefetch_related("coaches")
            .order_by("id")
        )

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)

    @extend_schema(responses=CoachLoadSerializer(many=True))
    @action(detail=True, methods=["get"])
    def load(self, request, pk=None):
        """Per coach of the plan: reviews still to do, overdue, and done this week."""
        rows = services.coach_load(plan=self.get_object())
        return Response(CoachLoadSerializer(rows, many=True).data)


# --- Assignments ---------------------------------------------------------------------------


class ReviewAssignmentSerializer(serializers.ModelSerializer):
    cohort = serializers.IntegerField(source="plan.cohort_id", read_only=True)
    agent_name = serializers.CharField(source="agent.__str__", read_only=True)
    reviewer_name = serializers.CharField(source="reviewer.__str__", read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = [
            "id", "plan", "cohort", "agent", "agent_name", "week", "slot", "interaction",
            "reviewer", "reviewer_name", "due_at", "status", "skip_reason", "routing_reason",
            "score", "created_at", "completed_at",
        ]  # fmt: skip
        read_only_fields = fields


class ReviewAssignmentFilter(filters.FilterSet):
    week = filters.DateFilter(
        validators=[limits.validate_year_in_range], help_text="Monday of the week."
    )
    reviewer = filters.NumberFilter(
        field_name="reviewer_id", min_value=1, max_value=limits.BIGINT_MAX
    )
    agent = filters.NumberFilter(field_name="agent_id", min_value=1, max_value=limits.BIGINT_MAX)
    plan = filters.NumberFilter(field_name="plan_id", min_value=1, max_value=limits.BIGINT_MAX)

    class Meta:
        model = ReviewAssignment
        fields = ["status", "week", "reviewer", "agent", "plan"]


class ReassignSerializer(serializers.Serializer):
    reviewer = ScopedRelatedField(scope=directory_visible_to, queryset=User.objects.all())


class SkipSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


# --- Writing a review ----------------------------------------------------------------------


class ReviewDraftSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=1000),
        required=False,
        default=dict,
        help_text="Criterion key -> score, so far.",
    )
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=review_services.FEEDBACK_MAX),
        required=False,
        default=dict,
    )
    strength = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=review_services.FEEDBACK_MAX
    )
    next_step = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=review_services.FEEDBACK_MAX
    )


class ReviewWriting:
    """Mixed into the assignments: the assigned reviewer saves a draft, then submits once."""

    def _mine(self):
        assignment = self.get_object()
        if assignment.reviewer_id != self.request.user.pk:
            raise PermissionDenied("Only the assigned reviewer writes this review.")
        return assignment

    @extend_schema(request=ReviewDraftSerializer, responses=ReviewAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def draft(self, request, pk=None):
        """Save what you have written so far; the agent sees nothing yet."""
        assignment = self._mine()
        body = ReviewDraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changed = review_services.review_draft_save(
            assignment=assignment, reviewer=request.user, **body.validated_data
        )
        return Response(self.get_serializer(changed).data)

    @extend_schema(request=None, responses={201: RubricScoreSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the saved draft (every criterion, a strength, a next step); final."""
        score = review_services.review_submit(assignment=self._mine(), reviewer=request.user)
        return Response(RubricScoreSerializer(score).data, status=status.HTTP_201_CREATED)


class ReviewAssignmentViewSet(ReviewWriting, viewsets.ReadOnlyModelViewSet):
    """The week's reviews: a coach sees the ones they review, a manager those of their
    cohorts. Managers reassign an open review to another coach of the plan, or skip it
    with a reason."""

    serializer_class = ReviewAssignmentSerializer
    permission_classes = [IsReviewerOrManager]
    filterset_class = ReviewAssignmentFilter
    ordering_fields = ["due_at", "week"]

    def get_queryset(self):
        return (
            selectors.assignment_visible_to(user=self.request.user)
            .select_related("plan", "agent", "reviewer")
            .order_by("due_at", "id")
        )

    @extend_schema(request=ReassignSerializer, responses=ReviewAssignmentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsTrainingManager])
    def reassign(self, request, pk=None):
        """Give an open review to another coach of the plan (not the agent, not the
        agent's coaching partner that week)."""
        assignment = self.get_object()
        body = ReassignSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        changed = services.assignment_reassign(
            assignment=assignment, reviewer=body.validated_data["reviewer"], by=request.user
        )
        return Response(self.get_serializer(changed).data)

    @extend_schema(request=SkipSerializer, responses=ReviewAssignmentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsTrainingManager])
    def skip(self, request, pk=None):
        """Close an open review without a score; the reason is required and kept."""
        assignment = self.get_object()
        body = SkipSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changed = services.assignment_skip(
            assignment=assignment, reason=body.validated_data["reason"], by=request.user
        )
        return Response(self.get_serializer(changed).data)


# --- Disputes ------------------------------------------------------------------------------


class DisputeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dispute
        fields = [
            "id", "score", "agent", "reasons", "status", "opened_at", "resolved_by",
            "resolved_at", "reply", "adjusted_score",
        ]  # fmt: skip
        read_only_fields = fields


def _scores_about(*, user):
    return RubricScore.objects.filter(subject=user)


class DisputeOpenSerializer(serializers.Serializer):
    score = ScopedRelatedField(scope=_scores_about, queryset=RubricScore.objects.all())
    reasons = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=disputes.REASON_MAX),
        help_text="Criterion key -> why you disagree.",
    )


class DisputeResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["upheld", "adjusted", "rejected"])
    reply = serializers.CharField(max_length=5000)
    values = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=1000),
        required=False,
        default=dict,
        help_text="With adjusted: the criteria whose score changes.",
    )


class DisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Agents dispute their QA scores within 14 days and read the replies; training
    managers and the cohort's other coaches resolve them. HR gets 403."""

    serializer_class = DisputeSerializer
    permission_classes = [IsNotHR]
    filterset_fields = ["status"]

    def get_queryset(self):
        return disputes.disputes_visible_to(user=self.request.user).order_by("opened_at", "id")

    @extend_schema(request=DisputeOpenSerializer, responses={201: DisputeSerializer})
    def create(self, request):
        body = DisputeOpenSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        dispute = disputes.dispute_open(agent=request.user, **body.validated_data)
        return Response(DisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DisputeResolveSerializer, responses=DisputeSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        dispute = self.get_object()
        if not disputes.may_resolve(dispute, request.user):
            raise PermissionDenied(
                "A manager of the cohort or another of its coaches resolves it, never the "
                "scorer or the agent."
            )
        body = DisputeResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        resolved = disputes.dispute_resolve(dispute=dispute, by=request.user, **body.validated_data)
        return Response(DisputeSerializer(resolved).data)


# --- Self-assessment -----------------------------------------------------------------------


def _assignments_of(*, user):
    return ReviewAssignment.objects.filter(agent=user)


class SelfAssessmentSerializer(serializers.ModelSerializer):
    assignment = ScopedRelatedField(scope=_assignments_of, queryset=ReviewAssignment.objects.all())
    values = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=1000))

    class Meta:
        model = SelfAssessment
        fields = ["id", "assignment", "values", "created_at"]
        read_only_fields = ["created_at"]


class SelfAssessmentViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):  # fmt: skip
    """An agent scores their own interaction under review, before the coach's review is
    in; self-scores never count. Agents only."""

    serializer_class = SelfAssessmentSerializer
    permission_classes = [IsAgent]

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated:  # the schema generator asks as nobody
            return SelfAssessment.objects.none()
        return SelfAssessment.objects.filter(assignment__agent=user).order_by("id")

    def perform_create(self, serializer):
        serializer.instance = review_services.self_assessment_create(
            agent=self.request.user, **serializer.validated_data
        )
