from rest_framework.routers import SimpleRouter

from imports import api

router = SimpleRouter()
router.register("import-jobs", api.ImportJobViewSet, basename="importjob")

urlpatterns = router.urls
