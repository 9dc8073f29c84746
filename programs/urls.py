from rest_framework.routers import DefaultRouter

from programs import api

router = DefaultRouter()
router.register("programs", api.ProgramViewSet, basename="program")
router.register("phases", api.PhaseViewSet, basename="phase")
router.register("workshops", api.WorkshopViewSet, basename="workshop")
router.register("modules", api.ModuleViewSet, basename="module")
router.register("scenario-cards", api.ScenarioCardViewSet, basename="scenariocard")
router.register("micro-scripts", api.MicroScriptViewSet, basename="microscript")
router.register("rubrics", api.RubricViewSet, basename="rubric")
router.register("rubric-criteria", api.RubricCriterionViewSet, basename="rubriccriterion")

urlpatterns = router.urls
