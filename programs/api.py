"""REST API for programs and their content.

Everyone signed in reads published programs; training managers read drafts too and are
the only ones who write. Whole-program reads (`GET /api/programs/{id}/`) come nested in a
fixed number of queries.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsManagerOrReadOnly
from cohorts.tasks import program_cohorts_resync
from config.api import ModelCleanSerializer
from jobs.services import intent_record
from programs import macros, selectors, services
from programs.models import (
    Intensity,
    MicroScript,
    Module,
    Phase,
    Program,
    Rubric,
    RubricCriterion,
    ScenarioCard,
    Situation,
    Workshop,
)

# --- Serializers ---------------------------------------------------------------------------


class RubricCriterionSerializer(ModelCleanSerializer):
    class Meta:
        model = RubricCriterion
        fields = [
            "id",
            "rubric",
            "order",
            "key",
            "name",
            "description",
            "scale_min",
            "scale_max",
            "weight",
            "levels",
        ]


class RubricSerializer(ModelCleanSerializer):
    criteria = RubricCriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Rubric
        fields = [
            "id",
            "name",
            "version",
            "description",
            "status",
            "previous_version",
            "published_at",
            "criteria",
        ]
        read_only_fields = ["status", "previous_version", "published_at"]


class PhaseItemSerializer(ModelCleanSerializer):
    """Workshops and modules name their phase; the program follows from it."""

    def validate(self, attrs):
        phase = attrs.get("phase") or getattr(self.instance, "phase", None)
        if phase is not None:
            attrs["program"] = phase.program
        return super().validate(attrs)


class WorkshopSerializer(PhaseItemSerializer):
    class Meta:
        model = Workshop
        fields = ["id", "program", "phase", "order", "title", "minutes", "day", "agenda"]
        read_only_fields = ["program"]


class ModuleSerializer(PhaseItemSerializer):
    class Meta:
        model = Module
        fields = [
            "id",
            "program",
            "phase",
            "week",
            "topic",
            "summary",
            "prework_minutes",
            "prework_content",
            "practice_minutes",
            "practice_instructions",
        ]
        read_only_fields = ["program"]


class PhaseSerializer(ModelCleanSerializer):
    class Meta:
        model = Phase
        fields = [
            "id",
            "program",
            "order",
            "name",
            "first_day",
            "last_day",
            "goals",
            "peer_coaching",
        ]


class PhaseDetailSerializer(PhaseSerializer):
    workshops = WorkshopSerializer(many=True, read_only=True)
    modules = ModuleSerializer(many=True, read_only=True)

    class Meta(PhaseSerializer.Meta):
        fields = [*PhaseSerializer.Meta.fields, "workshops", "modules"]


class ScenarioCardSerializer(ModelCleanSerializer):
    class Meta:
        model = ScenarioCard
        fields = [
            "id",
            "program",
            "title",
            "persona",
            "situation",
            "channel",
            "intensity",
            "stakes",
            "ambiguity",
            "curveball",
            "success_signals",
            "reflection_questions",
        ]


class MicroScriptSerializer(ModelCleanSerializer):
    class Meta:
        model = MicroScript
        fields = ["id", "program", "kind", "situation", "intensity", "locale", "title", "text"]


class ProgramSerializer(ModelCleanSerializer):
    owner = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "description",
            "status",
            "owner",
            "rubric",
            "cloned_from",
            "published_at",
            "completion_workshops_min",
            "completion_modules_min",
            "completion_coaching_min",
            "completion_requires_certification",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "cloned_from", "published_at", "created_at", "updated_at"]


class ProgramDetailSerializer(ProgramSerializer):
    """A whole program: phases with their workshops and modules, rubric, practice content."""

    rubric_detail = RubricSerializer(source="rubric", read_only=True, allow_null=True)
    phases = PhaseDetailSerializer(many=True, read_only=True)
    scenario_cards = ScenarioCardSerializer(many=True, read_only=True)
    micro_scripts = MicroScriptSerializer(many=True, read_only=True)

    class Meta(ProgramSerializer.Meta):
        fields = [
            *ProgramSerializer.Meta.fields,
            "rubric_detail",
            "phases",
            "scenario_cards",
            "micro_scripts",
        ]


class ProgramCloneSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)


# --- Views ---------------------------------------------------------------------------------


class ProgramViewSet(viewsets.ModelViewSet):
    """Programs. Status changes go through the `publish` and `archive` actions."""

    permission_classes = [IsManagerOrReadOnly]
    filterset_fields = ["status", "owner", "rubric"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at", "updated_at"]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.program_detail_queryset(user=self.request.user)
        return selectors.program_visible_to(user=self.request.user).select_related("owner")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ProgramDetailSerializer
        if self.action == "clone":
            return ProgramCloneSerializer
        return ProgramSerializer

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    @extend_schema(request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        program = services.program_publish(program=self.get_object())
        return Response(ProgramSerializer(program).data)

    @extend_schema(request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        program = services.program_archive(program=self.get_object())
        return Response(ProgramSerializer(program).data)

    @extend_schema(request=ProgramCloneSerializer, responses={201: ProgramSerializer})
    @action(detail=True, methods=["post"])
    def clone(self, request, pk=None):
        serializer = ProgramCloneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clone = services.program_clone(
            program=self.get_object(),
            owner=request.user,
            name=serializer.validated_data.get("name"),
        )
        return Response(ProgramSerializer(clone).data, status=status.HTTP_201_CREATED)


class ProgramContentViewSet(viewsets.ModelViewSet):
    """Base for a program's parts: scoped to visible programs, filterable by program.

    A change to a published program must leave it publishable (phases still contiguous,
    workshops and modules still there); otherwise it is refused and rolled back.
    """

    permission_classes = [IsManagerOrReadOnly]
    model = None

    def get_queryset(self):
        visible = selectors.program_visible_to(user=self.request.user)
        return self.model.objects.filter(program__in=visible)

    def _keep_publishable(self, program):
        program.refresh_from_db(fields=["status"])
        if program.status != Program.Status.PUBLISHED:
            return
        # Running cohorts re-lay their future schedule once the change is committed.
        intent_record(task=program_cohorts_resync, args=[program.pk])
        errors = services.program_publication_errors(program=program)
        if errors:
            raise ValidationError(
                {
                    field: [f"{program} is published: {m}" for m in msgs]
                    for field, msgs in errors.items()
                }
            )

    def perform_create(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            self._keep_publishable(instance.program)

    def perform_update(self, serializer):
        with transaction.atomic():
            instance = serializer.save()
            self._keep_publishable(instance.program)

    def perform_destroy(self, instance):
        with transaction.atomic():
            program = instance.program
            instance.delete()
            self._keep_publishable(program)


class PhaseViewSet(ProgramContentViewSet):
    model = Phase
    serializer_class = PhaseSerializer
    filterset_fields = ["program"]
    ordering_fields = ["order", "first_day"]


class WorkshopViewSet(ProgramContentViewSet):
    model = Workshop
    serializer_class = WorkshopSerializer
    filterset_fields = ["program", "phase"]
    search_fields = ["title", "agenda"]


class ModuleViewSet(ProgramContentViewSet):
    model = Module
    serializer_class = ModuleSerializer
    filterset_fields = ["program", "phase", "week"]
    search_fields = ["topic", "summary"]


class ScenarioCardViewSet(ProgramContentViewSet):
    model = ScenarioCard
    serializer_class = ScenarioCardSerializer
    filterset_fields = ["program", "channel", "intensity"]
    search_fields = ["title", "persona", "situation"]


# The export's documented shapes (programs/macros.py builds them).
ZENDESK_MACROS = inline_serializer("ZendeskMacros", {
    "macros": inline_serializer("ZendeskMacro", {
        "title": serializers.CharField(),
        "active": serializers.BooleanField(),
        "description": serializers.CharField(),
        "actions": inline_serializer("ZendeskMacroAction", {
            "field": serializers.CharField(), "value": serializers.CharField(),
        }, many=True),
    }, many=True),
})  # fmt: skip
PLAIN_MICRO_SCRIPTS = inline_serializer("MicroScriptExport", {
    "micro_scripts": inline_serializer("MicroScriptExportItem", {
        "attune_id": serializers.CharField(), "id": serializers.IntegerField(),
        "program": serializers.IntegerField(), "program_name": serializers.CharField(),
        "kind": serializers.CharField(), "situation": serializers.CharField(),
        "intensity": serializers.CharField(allow_blank=True),
        "locale": serializers.CharField(), "title": serializers.CharField(allow_blank=True),
        "text": serializers.CharField(),
    }, many=True),
})  # fmt: skip
EXPORT_PARAMETERS = [
    OpenApiParameter(
        "shape", str, enum=list(macros.SHAPES),
        description="`json` (default), `csv`, `zendesk` (Zendesk macros, JSON) or `freshdesk` "
        "(Freshdesk canned responses, CSV).",
    ),
    OpenApiParameter(
        "program", int,
        description="One program's scripts; without it, every published program's.",
    ),
    OpenApiParameter("locale", str, description="e.g. `en`."),
    OpenApiParameter("situation", str, enum=Situation.values),
    OpenApiParameter("kind", str, enum=MicroScript.Kind.values),
    OpenApiParameter("intensity", str, enum=Intensity.values),
]  # fmt: skip


class MicroScriptViewSet(ProgramContentViewSet):
    model = MicroScript
    serializer_class = MicroScriptSerializer
    filterset_fields = ["program", "kind", "situation", "intensity", "locale"]
    search_fields = ["title", "text"]

    @extend_schema(
        parameters=EXPORT_PARAMETERS,
        responses={
            (200, "application/json"): PolymorphicProxySerializer(
                component_name="MicroScriptExportJSON",
                serializers=[ZENDESK_MACROS, PLAIN_MICRO_SCRIPTS],
                resource_type_field_name=None,
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="With `shape=csv` or `shape=freshdesk`."
            ),
        },
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        """Micro-scripts as Zendesk macros, Freshdesk canned responses, or plain JSON or CSV,
        filtered by program, locale, situation, kind and intensity. Training managers and
        coaches only (docs/macros.md)."""
        if not macros.may_export(request.user):
            raise PermissionDenied("Only training managers and coaches export micro-scripts.")
        form = macros.MacroFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
        scripts = macros.micro_scripts_for_export(user=request.user, filters=form.cleaned_data)
        return macros.export_response(scripts, shape=form.cleaned_data["shape"])


class RubricViewSet(viewsets.ModelViewSet):
    """Rubric versions. A published version is frozen; `new-version` starts an editable copy."""

    serializer_class = RubricSerializer
    permission_classes = [IsManagerOrReadOnly]
    filterset_fields = ["name", "version", "status"]
    search_fields = ["name"]

    def get_queryset(self):
        return selectors.rubric_visible_to(user=self.request.user).prefetch_related("criteria")

    def perform_destroy(self, instance):
        if instance.is_published:
            raise ValidationError(f"{instance} is published; scores may name it, so it is kept.")
        if instance.programs.exists():
            raise ValidationError(f"{instance} is used by a program.")
        instance.delete()

    @extend_schema(request=None, responses=RubricSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        rubric = services.rubric_publish(rubric=self.get_object())
        return Response(RubricSerializer(rubric).data)

    @extend_schema(request=None, responses={201: RubricSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        rubric = services.rubric_new_version(rubric=self.get_object())
        return Response(RubricSerializer(rubric).data, status=status.HTTP_201_CREATED)


class RubricCriterionViewSet(viewsets.ModelViewSet):
    serializer_class = RubricCriterionSerializer
    permission_classes = [IsManagerOrReadOnly]
    filterset_fields = ["rubric"]

    def get_queryset(self):
        visible = selectors.rubric_visible_to(user=self.request.user)
        return RubricCriterion.objects.filter(rubric__in=visible).select_related("rubric")

    def perform_destroy(self, instance):
        if instance.rubric.is_published:
            raise ValidationError(
                f"{instance.rubric} is published and cannot change; create a new version."
            )
        instance.delete()
