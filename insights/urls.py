from rest_framework.routers import SimpleRouter

from insights import api

router = SimpleRouter()
router.register("interactions", api.InteractionViewSet, basename="interaction")
router.register("baselines", api.BaselineViewSet, basename="baseline")
router.register("calibrations", api.CalibrationViewSet, basename="calibration")
router.register("insights", api.InsightsViewSet, basename="insights")
router.register("experiments", api.ExperimentViewSet, basename="experiment")

urlpatterns = router.urls
