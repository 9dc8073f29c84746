from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from accounts import calendar
from accounts.models import (
    OPTIONAL_KIND_CHOICES,
    ApiToken,
    Notification,
    ReminderOptOut,
    Team,
    User,
)
from accounts.permissions import IsManagerOrReadOnly, IsTrainingManager
from accounts.selectors import api_tokens_of
from accounts.services import api_token_create, api_token_revoke


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "description"]


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "display_name", "role", "team", "time_zone", "is_active"]


class TeamViewSet(viewsets.ModelViewSet):
    queryset = Team.objects.all()
    serializer_class = TeamSerializer
    permission_classes = [IsManagerOrReadOnly]
    search_fields = ["name"]
    ordering_fields = ["name"]


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """People directory for training managers (agents never list other people)."""

    serializer_class = UserSerializer
    permission_classes = [IsTrainingManager]
    filterset_fields = ["role", "team", "is_active"]
    search_fields = ["email", "display_name"]
    ordering_fields = ["email", "display_name"]

    def get_queryset(self):
        from cohorts.scope import directory_visible_to

        return directory_visible_to(user=self.request.user).select_related("team")


@extend_schema(responses=UserSerializer)
@api_view(["GET"])
def me(request):
    """The signed-in person's own profile."""
    return Response(UserSerializer(request.user).data)


# --- Notifications, reminder preferences, calendar feed -----------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your in-app notifications, newest first (`?unread=true` for unread only)."""

    serializer_class = NotificationSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return Notification.objects.none()
        notifications = Notification.objects.filter(user=self.request.user)
        if self.request.query_params.get("unread") in ("true", "1"):
            notifications = notifications.filter(read_at__isnull=True)
        return notifications

    @extend_schema(responses=inline_serializer("Unread", {"unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        count = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
        return Response({"unread": count})

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None, responses=inline_serializer("Read", {"read": serializers.IntegerField()})
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        count = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        return Response({"read": count})


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OPTIONAL_KIND_CHOICES)
    label = serializers.CharField(read_only=True)
    enabled = serializers.BooleanField()


@extend_schema(methods=["get"], responses=PreferenceSerializer(many=True))
@extend_schema(
    methods=["put"],
    request=PreferenceSerializer(many=True),
    responses=PreferenceSerializer(many=True),
)
@api_view(["GET", "PUT"])
def reminder_preferences(request):
    """Which kinds of reminder you get. PUT a list of {kind, enabled} to change some."""
    if request.method == "PUT":
        serializer = PreferenceSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        for item in serializer.validated_data:
            if item["enabled"]:
                ReminderOptOut.objects.filter(user=request.user, kind=item["kind"]).delete()
            else:
                ReminderOptOut.objects.get_or_create(user=request.user, kind=item["kind"])
    off = set(ReminderOptOut.objects.filter(user=request.user).values_list("kind", flat=True))
    return Response(
        [
            {"kind": kind, "label": label, "enabled": kind not in off}
            for kind, label in OPTIONAL_KIND_CHOICES
        ]
    )


CALENDAR_FEED = inline_serializer("CalendarFeed", {"url": serializers.URLField(allow_null=True)})


@extend_schema(methods=["get", "post"], request=None, responses=CALENDAR_FEED)
@extend_schema(methods=["delete"], request=None, responses={200: CALENDAR_FEED})
@api_view(["GET", "POST", "DELETE"])
def calendar_feed_link(request):
    """Your private calendar URL. POST makes a new one (the old stops working), DELETE
    turns the feed off."""
    if request.method == "POST":
        calendar.calendar_token_regenerate(user=request.user)
    elif request.method == "DELETE":
        calendar.calendar_token_revoke(user=request.user)
    return Response({"url": calendar.feed_url(request.user)})


# --- Personal API tokens ------------------------------------------------------------------


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at"]


class NewApiTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The secret, shown only this once.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


class ApiTokenViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Your personal API tokens. Creating one answers its secret (`token`), this once;
    `revoke/` turns a token off for good."""

    serializer_class = ApiTokenSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return ApiToken.objects.none()
        return api_tokens_of(user=self.request.user)

    @extend_schema(request=ApiTokenSerializer, responses={201: NewApiTokenSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ApiTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, secret = api_token_create(user=request.user, name=serializer.validated_data["name"])
        token.token = secret
        return Response(NewApiTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        api_token_revoke(token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
