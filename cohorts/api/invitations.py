"""Invitations still waiting, for the managers of the people invited."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import invitations
from accounts.models import Invitation
from accounts.permissions import IsTrainingManager
from cohorts.models import Enrollment
from cohorts.scope import managed_cohorts
from config import limits


class InvitationSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)
    status = serializers.ChoiceField(choices=["waiting", "accepted", "revoked"], read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "user", "email", "name", "status", "times_sent", "last_sent_at"]
        read_only_fields = fields


class InvitationFilter(django_filters.FilterSet):
    cohort = django_filters.NumberFilter(
        method="in_cohort",
        label="Only people enrolled in this cohort.",
        min_value=1,
        max_value=limits.BIGINT_MAX,
    )

    class Meta:
        model = Invitation
        fields = ["cohort"]

    def in_cohort(self, queryset, name, value):
        return queryset.filter(user__in=Enrollment.objects.filter(cohort=value).values("agent"))


class InvitationViewSet(viewsets.ReadOnlyModelViewSet):
    """Invitations not yet accepted, of people enrolled in the cohorts you facilitate.
    Resending e-mails a new link (older ones stop working); revoking withdraws it."""

    serializer_class = InvitationSerializer
    permission_classes = [IsTrainingManager]
    filterset_class = InvitationFilter
    search_fields = ["user__email", "user__display_name"]
    ordering_fields = ["last_sent_at", "user__email"]

    def get_queryset(self):
        people = Enrollment.objects.filter(
            cohort__in=managed_cohorts(user=self.request.user)
        ).values("agent")
        return invitations.open_invitations(users=people).order_by("user__email")

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        invitation = invitations.invitation_resend(invitation=self.get_object(), by=request.user)
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = invitations.invitation_revoke(invitation=self.get_object(), by=request.user)
        return Response(InvitationSerializer(invitation).data)
