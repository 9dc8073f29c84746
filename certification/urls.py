from django.urls import path
from rest_framework.routers import SimpleRouter

from certification import api, badge_link_api

router = SimpleRouter()
router.register("certification/gates", api.GateViewSet, basename="gate")
router.register("certification/assessments", api.AssessmentViewSet, basename="assessment")
router.register("certification/decisions", api.DecisionViewSet, basename="decision")
router.register("badge-links", badge_link_api.BadgeLinkViewSet, basename="badge-link")

urlpatterns = [
    path("certification/status/", api.my_status, name="certification-status"),
    *router.urls,
]
