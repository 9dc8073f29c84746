from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts.models import Team, User
from accounts.permissions import IsManagerOrReadOnly, IsTrainingManager


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

    queryset = User.objects.select_related("team")
    serializer_class = UserSerializer
    permission_classes = [IsTrainingManager]
    filterset_fields = ["role", "team", "is_active"]
    search_fields = ["email", "display_name"]
    ordering_fields = ["email", "display_name"]


@extend_schema(responses=UserSerializer)
@api_view(["GET"])
def me(request):
    """The signed-in person's own profile."""
    return Response(UserSerializer(request.user).data)
