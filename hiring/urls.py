from django.urls import path
from rest_framework.routers import SimpleRouter

from hiring import api

router = SimpleRouter()
router.register("openings", api.OpeningViewSet, basename="opening")
router.register("candidates", api.CandidateViewSet, basename="candidate")
router.register("interviews", api.InterviewViewSet, basename="interview")

urlpatterns = [
    *router.urls,
    path("hiring/starting-point/", api.StartingPointView.as_view(), name="hiring-starting-point"),
]
