"""REST API for certification: gates, role-play assessments, decisions and my status."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import IsManagerOrReadOnly, IsNotHR, IsTrainingManager
from certification import openbadges, selectors, services
from certification.models import (
    CertificationDecision,
    CertificationGate,
    DecisionStatus,
    RolePlayAssessment,
)
from cohorts.models import Enrollment
from cohorts.selectors import enrollment_visible_to, is_facilitator
from config import limits
from config.api import ModelCleanSerializer
from config.limits import ColumnRangeMixin

# --- Serializers ---------------------------------------------------------------------------


class GateSerializer(ModelCleanSerializer):
    class Meta:
        model = CertificationGate
        fields = [
            "id", "program", "threshold_percent", "recent_scores", "counted_contexts",
            "requires_role_play", "required_modules", "validity_days", "cooldown_days",
            "attempt_limit",
        ]  # fmt: skip


class AssessmentSerializer(serializers.ModelSerializer):
    agent = serializers.IntegerField(source="enrollment.agent_id", read_only=True)
    percent = serializers.DecimalField(
        source="score.percent", max_digits=5, decimal_places=2, read_only=True, default=None
    )

    class Meta:
        model = RolePlayAssessment
        fields = [
            "id", "enrollment", "agent", "scenario", "assessor", "status", "scheduled_at",
            "score", "percent", "notes", "assessed_at", "created_at",
        ]  # fmt: skip
        read_only_fields = ["status", "score", "notes", "assessed_at", "created_at"]


class BookSerializer(ColumnRangeMixin, serializers.ModelSerializer):
    """Book a role-play; give `values` and `passed` too to record the outcome at once."""

    values = serializers.JSONField(required=False)
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        model = RolePlayAssessment
        fields = ["enrollment", "scenario", "assessor", "scheduled_at", "values", "passed", "notes"]
        extra_kwargs = {"assessor": {"required": False}}

    def validate(self, attrs):
        if ("values" in attrs) != (attrs.get("passed") is not None):
            raise serializers.ValidationError(
                {"passed": "Give both `values` and `passed` to record an outcome, or neither."}
            )
        return attrs


class AssessSerializer(serializers.Serializer):
    values = serializers.JSONField()
    passed = serializers.BooleanField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.ModelSerializer):
    """A certification: `status` is valid, expired or revoked now; `previous` is the
    certification it renews (a recertification), `renewed_by` the one that renewed it."""

    status = serializers.SerializerMethodField()
    renewed_by = serializers.SerializerMethodField()
    badge = serializers.SerializerMethodField()

    class Meta:
        model = CertificationDecision
        fields = [
            "id", "enrollment", "agent", "program", "evidence", "decided_at", "expires_at",
            "status", "previous", "renewed_by", "revoked_at", "revoked_by",
            "revocation_reason", "badge",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=DecisionStatus.choices))
    def get_status(self, decision) -> str:
        return decision.status_at(self.context.get("now") or timezone.now())

    def get_renewed_by(self, decision) -> int | None:
        renewal = getattr(decision, "renewed_by", None)
        return renewal.pk if renewal else None

    def get_badge(self, decision) -> dict | None:
        assertion = getattr(decision, "assertion", None)
        if assertion is None:
            return None
        return {
            "uuid": str(assertion.uuid),
            "assertion": openbadges.assertion_url(assertion),
            "verify": openbadges.verify_url(assertion),
            "baked_png": openbadges.baked_url(assertion),
            "revoked": assertion.revoked,
        }


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class EvaluateSerializer(serializers.Serializer):
    enrollment = limits.IdField()


NOT_CERTIFIED = inline_serializer(
    "NotCertified",
    {
        "certified": serializers.BooleanField(),
        "missing": serializers.ListField(child=serializers.CharField()),
    },
)


# --- Views ---------------------------------------------------------------------------------


class GateViewSet(viewsets.ModelViewSet):
    """One certification gate per program; managers set it, everyone may read it."""

    serializer_class = GateSerializer
    permission_classes = [IsManagerOrReadOnly]
    filterset_fields = ["program"]

    def get_queryset(self):
        return selectors.gate_visible_to(user=self.request.user).prefetch_related(
            "required_modules"
        )


class CanAssess(IsAuthenticated):
    message = "Only coaches, training managers and certified assessors book role-plays."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return request.user.role != User.Role.HR


class AssessmentViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Live role-play assessments. Book (an assessor may book themselves), then `assess`."""

    permission_classes = [IsNotHR, CanAssess]
    filterset_fields = ["enrollment", "status", "assessor"]

    def get_queryset(self):
        return (
            selectors.assessment_visible_to(user=self.request.user)
            .select_related("enrollment", "score")
            .distinct()
        )

    def get_serializer_class(self):
        return BookSerializer if self.action == "create" else AssessmentSerializer

    @extend_schema(request=BookSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        serializer = BookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        enrollment: Enrollment = data["enrollment"]
        assessor = data.get("assessor") or request.user
        facilitates = is_facilitator(user=request.user, cohort=enrollment.cohort)
        if assessor != request.user and not facilitates:
            raise PermissionDenied("Only the cohort's facilitators book for another assessor.")
        if request.user.role == User.Role.AGENT and enrollment.agent_id == request.user.pk:
            raise PermissionDenied("Nobody assesses their own role-play.")
        assessment = services.role_play_book(
            enrollment=enrollment,
            scenario=data["scenario"],
            assessor=assessor,
            scheduled_at=data.get("scheduled_at"),
        )
        if data.get("passed") is not None:
            assessment = services.role_play_assess(
                assessment=assessment,
                by=request.user,
                values=data["values"],
                passed=data["passed"],
                notes=data["notes"],
            )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssessSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        """The booked assessor scores the role-play with the rubric and passes or fails it."""
        serializer = AssessSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.role_play_assess(
            assessment=self.get_object(), by=request.user, **serializer.validated_data
        )
        return Response(AssessmentSerializer(assessment).data)


class DecisionFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        choices=DecisionStatus.choices,
        method="filter_status",
        help_text="valid, expired (past its expiry, not revoked) or revoked, as of now.",
    )

    class Meta:
        model = CertificationDecision
        fields = ["agent", "program", "enrollment", "status"]

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value, timezone.now())


class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Certifications with their frozen evidence. Managers revoke with a reason."""

    serializer_class = DecisionSerializer
    permission_classes = [IsNotHR]
    filterset_class = DecisionFilter

    def get_queryset(self):
        return selectors.decision_visible_to(user=self.request.user).select_related(
            "assertion", "renewed_by"
        )

    @extend_schema(request=RevokeSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsTrainingManager])
    def revoke(self, request, pk=None):
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = services.certification_revoke(
            decision=self.get_object(), by=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(DecisionSerializer(decision).data)

    @extend_schema(
        request=EvaluateSerializer,
        responses={
            200: PolymorphicProxySerializer(
                component_name="Evaluation",
                serializers=[DecisionSerializer, NOT_CERTIFIED],
                resource_type_field_name=None,
            ),
            404: OpenApiResponse(description="No such enrolment among those you may see."),
        },
    )
    @action(detail=False, methods=["post"], permission_classes=[IsTrainingManager])
    def evaluate(self, request):
        """Evaluate one agent's certification now (it also runs after every role-play)."""
        serializer = EvaluateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment = get_object_or_404(
            enrollment_visible_to(user=request.user), pk=serializer.validated_data["enrollment"]
        )
        decision = services.certification_evaluate(enrollment=enrollment)
        if decision is None:
            status_ = services.certification_status(enrollment=enrollment)
            return Response(
                {"certified": False, "missing": [c.detail for c in status_.criteria if not c.met]}
            )
        return Response(DecisionSerializer(decision).data)


def _status_dict(status_: services.CertificationStatus) -> dict:
    decision = status_.decision
    return {
        "enrollment": status_.enrollment.pk,
        "program": status_.enrollment.program.name,
        "certified": decision is not None,
        "eligible": status_.eligible,
        "criteria": [{"key": c.key, "met": c.met, "detail": c.detail} for c in status_.criteria],
        "missing": [c.detail for c in status_.criteria if not c.met],
        "certification": DecisionSerializer(decision).data if decision else None,
        "expires_at": status_.expires_at,
        "expiring_soon": status_.expiring_soon,
        "expired_certification": (
            DecisionSerializer(status_.expired_decision).data if status_.expired_decision else None
        ),
        # Recertifying: only evidence after this counts (None: not recertifying).
        "evidence_since": status_.evidence_since,
    }


@extend_schema(
    responses=inline_serializer("CertificationStatus", {"programs": serializers.ListField()})
)
@api_view(["GET"])
def my_status(request):
    """Where the signed-in agent stands on certification, criterion by criterion."""
    enrollments = (
        Enrollment.objects.filter(agent=request.user)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .select_related("program__rubric", "cohort")
    )
    now = timezone.now()
    return Response(
        {
            "programs": [
                _status_dict(services.certification_status(enrollment=e, now=now))
                for e in enrollments
            ]
        }
    )
