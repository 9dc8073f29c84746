from rest_framework.routers import SimpleRouter

from insights import api

router = SimpleRouter()
router.register("interactions", api.InteractionViewSet, basename="interaction")
router.register("baselines", api.BaselineViewSet, basename="baseline")
router.register("calibrations", api.CalibrationViewSet, basename="calibration")

urlpatterns = router.urls
