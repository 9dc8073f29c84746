from django.urls import path
from rest_framework.routers import SimpleRouter

from wellbeing import api

router = SimpleRouter()
router.register("journal", api.JournalEntryViewSet, basename="journalentry")
router.register("support-resources", api.SupportResourceViewSet, basename="supportresource")
router.register("wellbeing/debriefs", api.DebriefViewSet, basename="debrief")
router.register("wellbeing/pulse", api.PulseViewSet, basename="pulse")

urlpatterns = router.urls

urlpatterns += [
    path("wellbeing/exposure/", api.ExposureView.as_view(), name="wellbeing-exposure"),
    path(
        "wellbeing/exposure/teams/", api.TeamExposureView.as_view(), name="wellbeing-exposure-teams"
    ),
]
