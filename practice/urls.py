from django.urls import path
from rest_framework.routers import SimpleRouter

from practice import api

router = SimpleRouter()
router.register("drill-answers", api.DrillAnswerViewSet, basename="drillanswer")
router.register("drill-findings", api.DrillFindingViewSet, basename="drillfinding")
router.register("flashcards", api.FlashcardViewSet, basename="flashcard")
router.register("frameworks", api.FrameworkViewSet, basename="framework")
router.register("exercises", api.ExerciseViewSet, basename="exercise")
router.register("exercise-logs", api.ExerciseLogViewSet, basename="exerciselog")
router.register("scenario-decks", api.ScenarioDeckViewSet, basename="scenariodeck")
router.register("standup-drills", api.StandupDrillViewSet, basename="standupdrill")
router.register(
    "scenario-suggestions", api.ScenarioSuggestionViewSet, basename="scenariosuggestion"
)

urlpatterns = [
    *router.urls,
    path("drill-precision/", api.RulePrecisionView.as_view(), name="drill-precision"),
]
