from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts import api

router = SimpleRouter()
router.register("teams", api.TeamViewSet)
router.register("users", api.UserViewSet)

urlpatterns = [path("me/", api.me, name="me"), *router.urls]
