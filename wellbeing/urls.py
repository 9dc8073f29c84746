from rest_framework.routers import SimpleRouter

from wellbeing import api

router = SimpleRouter()
router.register("journal", api.JournalEntryViewSet, basename="journalentry")
router.register("support-resources", api.SupportResourceViewSet, basename="supportresource")

urlpatterns = router.urls
