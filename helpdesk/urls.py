from django.urls import path
from rest_framework.routers import SimpleRouter

from helpdesk import api

router = SimpleRouter()
router.register("helpdesk-sources", api.HelpdeskSourceViewSet, basename="helpdesksource")

urlpatterns = [
    *router.urls,
    path(
        "helpdesk/webhook/<slug:slug>/",
        api.WebhookView.as_view(),
        name="helpdesk-webhook",
    ),
]
