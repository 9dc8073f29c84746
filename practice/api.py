"""The practice API: written drills (an agent answers a card and reads the findings at
once), coaches' marks on findings, and each analyzer rule's measured precision."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsNotHR
from config.api import ScopedRelatedField
from practice import selectors, services
from practice.models import ANSWER_MAX_CHARS, DrillAnswer, DrillFinding
from programs.models import ScenarioCard


class IsCoachOrManager(BasePermission):
    message = "Only coaches and training managers may do this."

    def has_permission(self, request, view):
        return selectors.can_mark(user=request.user)


class DrillFindingSerializer(serializers.ModelSerializer):
    my_mark = serializers.SerializerMethodField(
        help_text="The asking coach's mark: true (right), false (wrong) or null."
    )

    class Meta:
        model = DrillFinding
        fields = ["id", "order", "rule", "verdict", "quote", "why", "my_mark"]
        read_only_fields = fields

    def get_my_mark(self, finding) -> bool | None:
        marks = getattr(finding, "my_marks", None)
        return marks[0].correct if marks else None


class DrillAnswerSerializer(serializers.ModelSerializer):
    card = ScopedRelatedField(
        scope=selectors.drill_cards_visible_to, queryset=ScenarioCard.objects.all()
    )
    text = serializers.CharField(max_length=ANSWER_MAX_CHARS)
    findings = DrillFindingSerializer(many=True, read_only=True)

    class Meta:
        model = DrillAnswer
        fields = ["id", "agent", "card", "text", "analyzer_version", "created_at", "findings"]
        read_only_fields = ["agent", "analyzer_version", "created_at", "findings"]


class DrillAnswerViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Written drills. An agent posts an answer to a scenario card and gets the findings in
    the response; they list their own answers. Coaches and managers read the answers of the
    agents they review, coach or facilitate; HR gets 403."""

    serializer_class = DrillAnswerSerializer
    permission_classes = [IsNotHR]
    filterset_fields = ["card", "agent"]

    def get_queryset(self):
        return selectors.drill_answer_detail_queryset(user=self.request.user)

    def create(self, request, *args, **kwargs):
        if request.user.role != request.user.Role.AGENT:
            raise PermissionDenied("Written drills are answered by agents.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer = services.drill_answer_submit(
            agent=request.user,
            card=serializer.validated_data["card"],
            text=serializer.validated_data["text"],
        )
        answer = self.get_queryset().get(pk=answer.pk)
        return Response(self.get_serializer(answer).data, status=status.HTTP_201_CREATED)


class FindingMarkSerializer(serializers.Serializer):
    correct = serializers.BooleanField(help_text="true: the finding is right; false: wrong.")


class DrillFindingViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Findings a coach or manager may judge; `mark` records right or wrong (again to
    change it). Findings of answers outside their scope answer 404."""

    serializer_class = DrillFindingSerializer
    permission_classes = [IsCoachOrManager]

    def get_queryset(self):
        return selectors.finding_markable_by(user=self.request.user).order_by("pk")

    @extend_schema(request=FindingMarkSerializer, responses={200: DrillFindingSerializer})
    @action(detail=True, methods=["post"])
    def mark(self, request, pk=None):
        finding = self.get_object()
        body = FindingMarkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.finding_mark(
            finding=finding, coach=request.user, correct=body.validated_data["correct"]
        )
        finding = (
            selectors.drill_answer_detail_queryset(user=request.user)
            .get(pk=finding.answer_id)
            .findings.get(pk=finding.pk)
        )
        finding.my_marks = list(finding.marks.filter(coach=request.user))
        return Response(DrillFindingSerializer(finding).data)


class RulePrecisionSerializer(serializers.Serializer):
    rule = serializers.CharField()
    name = serializers.CharField()
    findings = serializers.IntegerField()
    marked = serializers.IntegerField()
    right = serializers.IntegerField()
    wrong = serializers.IntegerField()
    precision = serializers.FloatField(allow_null=True)


class RulePrecisionView(APIView):
    """Each analyzer rule's precision from coaches' marks (right marks / all marks). Counts
    per rule only; coaches and managers."""

    permission_classes = [IsCoachOrManager]

    @extend_schema(responses={200: RulePrecisionSerializer(many=True)})
    def get(self, request):
        return Response(RulePrecisionSerializer(selectors.rule_precision(), many=True).data)
