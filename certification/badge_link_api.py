"""The helpdesk badge links through the API, for integrations (the pages do the same jobs:
the plan's "Badge in your helpdesk" and /badge-links/).

An agent makes (or replaces), reads and revokes their own link; a training manager lists
and revokes the links of the agents in their scope. The link's public addresses are the
agent's secret to hand out: they are shown to the agent only, never to a manager. Coaches
and HR have no badge links to read (403); a link outside the reader's own is a 404.
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from certification import badge_links
from certification.models import BadgeLink


class MayHoldBadgeLinks(BasePermission):
    """Agents (their own links) and training managers (their agents')."""

    message = "Badge links are read by the agent and their training managers."

    def has_permission(self, request, view):
        user = request.user
        return bool(user.is_authenticated and (user.role == user.Role.AGENT or user.is_manager))


class BadgeLinkSerializer(serializers.ModelSerializer):
    agent_name = serializers.CharField(source="agent.get_full_name", read_only=True)
    live = serializers.SerializerMethodField()
    svg = serializers.SerializerMethodField(help_text="The SVG badge (the agent only).")
    json = serializers.SerializerMethodField(help_text="The status document (the agent only).")

    class Meta:
        model = BadgeLink
        fields = [
            "id", "agent", "agent_name", "created_at", "live", "revoked_at", "revoked_by",
            "svg", "json",
        ]  # fmt: skip
        read_only_fields = fields

    def get_live(self, link) -> bool:
        return link.revoked_at is None

    def _address(self, link, kind: str) -> str | None:
        if link.revoked_at is not None or link.agent_id != self.context["request"].user.pk:
            return None
        # Both addresses come from one signing; the second field reads what the first made.
        urls = getattr(link, "_urls", None)
        if urls is None:
            urls = link._urls = badge_links.badge_link_urls(link)
        return urls[kind]

    def get_svg(self, link) -> str | None:
        return self._address(link, "svg")

    def get_json(self, link) -> str | None:
        return self._address(link, "json")


class BadgeLinkFilter(filters.FilterSet):
    live = filters.BooleanFilter(
        field_name="revoked_at", lookup_expr="isnull", label="Only live (or only revoked) links"
    )
    agent = filters.NumberFilter(field_name="agent_id")

    class Meta:
        model = BadgeLink
        fields = ["live", "agent"]


class BadgeLinkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Helpdesk badge links: POST makes the agent's link (replacing a live one, which
    stops answering at once); `revoke` stops one."""

    serializer_class = BadgeLinkSerializer
    permission_classes = [MayHoldBadgeLinks]
    filterset_class = BadgeLinkFilter
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return (
            badge_links.links_visible_to(user=self.request.user)
            .select_related("agent")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=None, responses={201: BadgeLinkSerializer})
    def create(self, request, *args, **kwargs):
        """Make the signed-in agent's link (agents only); a live one is revoked with it."""
        if request.user.role != request.user.Role.AGENT:
            raise PermissionDenied("Only agents have a helpdesk badge link.")
        link = badge_links.badge_link_create(agent=request.user)
        data = self.get_serializer(link).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: BadgeLinkSerializer, 404: OpenApiResponse(description="Not yours.")},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Stop the link at once (the agent, or a training manager of theirs). Revoking a
        revoked link changes nothing."""
        link = badge_links.badge_link_revoke(link=self.get_object(), by=request.user)
        return Response(self.get_serializer(link).data)
