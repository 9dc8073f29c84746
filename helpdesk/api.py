"""The helpdesk sources API (managers, their own sources) and the webhook (signed rows)."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsTrainingManager
from cohorts.api.serializers import OptionalURLField
from config.api import as_drf_validation_error
from helpdesk import macro_push, selectors, services
from helpdesk.models import HelpdeskSource

# Set once, when the source is made: the slug is the interactions' source.
FIXED_AFTER_CREATE = ("kind", "slug")


@extend_schema_field(
    {"oneOf": [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}]}
)
class OptionalEmailField(serializers.EmailField):
    """An e-mail address, or "" for none (a webhook source has none)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)


class HelpdeskSourceSerializer(serializers.ModelSerializer):
    api_base_url = OptionalURLField(read_only=True)
    agent_email = OptionalEmailField(required=False)
    webhook_url = serializers.SerializerMethodField()
    lag_seconds = serializers.SerializerMethodField()
    stopped = serializers.SerializerMethodField()

    class Meta:
        model = HelpdeskSource
        fields = [
            "id", "name", "slug", "kind", "enabled", "owner", "subdomain", "api_base_url",
            "agent_email", "token_env", "handle_time_field", "start_time", "webhook_url",
            "synced_through", "lag_seconds", "stopped", "retry_not_before", "last_sync_at",
            "last_success_at", "last_error", "last_error_at", "consecutive_failures",
            "failures_total", "rows_created", "rows_updated", "rows_rejected", "last_report",
            "last_macro_push_at", "last_macro_push", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "owner", "api_base_url", "synced_through", "retry_not_before", "last_sync_at",
            "last_success_at", "last_error", "last_error_at", "consecutive_failures",
            "failures_total", "rows_created", "rows_updated", "rows_rejected", "last_report",
            "last_macro_push_at", "last_macro_push", "created_at",
        ]  # fmt: skip

    def get_webhook_url(self, source) -> str | None:
        if source.kind != HelpdeskSource.Kind.WEBHOOK:
            return None
        return f"/api/helpdesk/webhook/{source.slug}/"

    def get_lag_seconds(self, source) -> int | None:
        lag = selectors.source_lag(source, now=timezone.now())
        return None if lag is None else int(lag.total_seconds())

    def get_stopped(self, source) -> bool:
        """The helpdesk refused the token: nothing syncs until the source is saved again."""
        return source.auth_failed_at is not None

    def validate(self, attrs):
        if self.instance is not None:
            changed = [n for n in FIXED_AFTER_CREATE if n in attrs and attrs[n] != getattr(
                self.instance, n)]  # fmt: skip
            if changed:
                raise serializers.ValidationError(
                    {name: ["Set when the source is made; make a new source."] for name in changed}
                )
            instance = copy.copy(self.instance)
        else:
            instance = HelpdeskSource(owner=self.context["request"].user)
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(exclude=["webhook_secret"])
        except DjangoValidationError as error:
            raise as_drf_validation_error(error) from error
        return attrs


class HelpdeskSourceCreatedSerializer(HelpdeskSourceSerializer):
    webhook_secret = serializers.CharField(
        read_only=True, help_text="A webhook source's secret: shown this once."
    )

    class Meta(HelpdeskSourceSerializer.Meta):
        fields = [*HelpdeskSourceSerializer.Meta.fields, "webhook_secret"]


class HelpdeskSourceViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """A training manager's helpdesk sources: their last sync, lag and errors. Another
    manager's source answers 404; agents, coaches and HR 403."""

    serializer_class = HelpdeskSourceSerializer
    permission_classes = [IsTrainingManager]
    filterset_fields = ["kind", "enabled"]

    def get_queryset(self):
        return selectors.source_visible_to(user=self.request.user)

    @extend_schema(responses={201: HelpdeskSourceCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source, secret = services.source_create(owner=request.user, **serializer.validated_data)
        body = HelpdeskSourceSerializer(source, context=self.get_serializer_context()).data
        return Response({**body, "webhook_secret": secret}, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        services.source_update(source=serializer.instance, **serializer.validated_data)

    @extend_schema(request=None, responses={202: HelpdeskSourceSerializer})
    @action(detail=True, methods=["post"])
    def sync(self, request, pk=None):
        """Sync now: the run is recorded with the request and starts after it commits."""
        source = self.get_object()
        try:
            services.source_sync_request(source=source)
        except DjangoValidationError as error:
            raise as_drf_validation_error(error) from error
        source.refresh_from_db()
        return Response(self.get_serializer(source).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=inline_serializer(
            "MacroPushFilters",
            {
                "program": serializers.IntegerField(required=False),
                "locale": serializers.CharField(required=False),
                "situation": serializers.CharField(required=False),
                "kind": serializers.CharField(required=False),
                "intensity": serializers.CharField(required=False),
            },
        ),
        responses={202: inline_serializer("MacroPush", {"scripts": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"], url_path="push-macros")
    def push_macros(self, request, pk=None):
        """Push the micro-scripts matching the export's filters to this Zendesk source as
        macros, in the background (a macro pushed before is updated). The source's
        `last_macro_push` reports how it went."""
        source = self.get_object()
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
        form = macro_push.push_filter_form(user=request.user, data=request.data)
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: list(errors) for field, errors in form.errors.items()}
            )
        try:
            count = macro_push.macros_push_request(
                source=source, user=request.user, filters=form.cleaned_data
            )
        except DjangoValidationError as error:
            raise as_drf_validation_error(error) from error
        return Response({"scripts": count}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("WebhookSecret", {"webhook_secret": serializers.CharField()})
        },
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new webhook secret, shown once; the old one stops working at once."""
        source = self.get_object()
        try:
            secret = services.webhook_secret_rotate(source=source)
        except DjangoValidationError as error:
            raise as_drf_validation_error(error) from error
        return Response({"webhook_secret": secret})


WEBHOOK_ERROR = inline_serializer(
    "WebhookError",
    {
        "detail": serializers.CharField(),
        "rejected": serializers.ListField(child=serializers.DictField(), required=False),
    },
)


class WebhookView(APIView):
    """Interaction rows pushed by a helpdesk, signed with the source's secret (no session,
    no token: the signature is the authentication). See docs/helpdesk.md."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request={"application/json": {"type": "array", "items": {"type": "object"}}},
        parameters=[
            OpenApiParameter("X-Attune-Timestamp", OpenApiTypes.STR, OpenApiParameter.HEADER),
            OpenApiParameter("X-Attune-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        responses={
            200: inline_serializer(
                "WebhookAccepted",
                {
                    "rows": serializers.IntegerField(),
                    "created": serializers.IntegerField(),
                    "updated": serializers.IntegerField(),
                },
            ),
            400: WEBHOOK_ERROR,
            401: WEBHOOK_ERROR,
            404: OpenApiResponse(description="No webhook source by that name."),
            409: WEBHOOK_ERROR,
        },
    )
    def post(self, request, slug):
        source = HelpdeskSource.objects.filter(
            slug=slug, kind=HelpdeskSource.Kind.WEBHOOK, enabled=True
        ).first()
        if source is None:
            return Response({"detail": "No webhook source by that name."}, status=404)
        try:
            accepted = services.webhook_receive(
                source=source,
                body=request.body,
                timestamp=request.headers.get("X-Attune-Timestamp", ""),
                signature=request.headers.get("X-Attune-Signature", ""),
            )
        except services.WebhookRefused as refused:
            return Response({"detail": refused.message, **(refused.report or {})}, refused.status)
        return Response(accepted)
