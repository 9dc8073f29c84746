from rest_framework.routers import SimpleRouter

from reviews import api

router = SimpleRouter()
router.register("review-plans", api.ReviewPlanViewSet, basename="reviewplan")
router.register("review-assignments", api.ReviewAssignmentViewSet, basename="reviewassignment")
router.register("disputes", api.DisputeViewSet, basename="dispute")
router.register("self-assessments", api.SelfAssessmentViewSet, basename="selfassessment")

urlpatterns = router.urls
