from django.urls import path
from rest_framework.routers import SimpleRouter

from cohorts import api

router = SimpleRouter()
router.register("cohorts", api.CohortViewSet, basename="cohort")
router.register("enrollments", api.EnrollmentViewSet, basename="enrollment")
router.register("schedule-items", api.ScheduleItemViewSet, basename="scheduleitem")
router.register("coaching-pairs", api.CoachingPairViewSet, basename="coachingpair")
router.register("rubric-scores", api.RubricScoreViewSet, basename="rubricscore")
router.register("invitations", api.InvitationViewSet, basename="invitation")
router.register("refresher-schedules", api.RefresherScheduleViewSet, basename="refresherschedule")

urlpatterns = [path("my-plan/", api.my_plan, name="my-plan"), *router.urls]
