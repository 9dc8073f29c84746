from rest_framework.routers import SimpleRouter

from wellbeing import api

router = SimpleRouter()
router.register("journal", api.JournalEntryViewSet, basename="journalentry")
router.register("support-resources", api.SupportResourceViewSet, basename="supportresource")
router.register("wellbeing/debriefs", api.DebriefViewSet, basename="debrief")
router.register("wellbeing/pulse", api.PulseViewSet, basename="pulse")

urlpatterns = router.urls
