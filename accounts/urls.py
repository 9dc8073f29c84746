from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts import api

router = SimpleRouter()
router.register("teams", api.TeamViewSet)
router.register("users", api.UserViewSet, basename="user")
router.register("notifications", api.NotificationViewSet, basename="notification")
router.register("me/tokens", api.ApiTokenViewSet, basename="api-token")

urlpatterns = [
    path("me/", api.me, name="me"),
    path("me/reminders/", api.reminder_preferences, name="reminder-preferences"),
    path("me/calendar/", api.calendar_feed_link, name="calendar-feed-link"),
    *router.urls,
]
