from rest_framework.routers import SimpleRouter

from audit import api

router = SimpleRouter()
router.register("audit-log", api.AuditEntryViewSet, basename="auditentry")

urlpatterns = router.urls
