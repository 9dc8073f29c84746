from django.urls import path

from practice import views

urlpatterns = [
    path("practice/", views.drills, name="practice"),
    path("practice/drills/<int:card_id>/", views.drill_answer, name="practice-drill"),
    path("practice/answers/<int:pk>/", views.answer_feedback, name="practice-answer"),
    path("practice/answers/<int:pk>/delete/", views.answer_delete, name="practice-answer-delete"),
    path("practice/findings/<int:pk>/mark/", views.finding_mark, name="practice-finding-mark"),
    path("practice/precision/", views.precision, name="practice-precision"),
    path("practice/flashcards/", views.flashcards_session, name="practice-flashcards"),
    path(
        "practice/flashcards/<str:kind>/<int:pk>/review/",
        views.flashcard_review,
        name="practice-flashcard-review",
    ),
    path("practice/library/", views.library, name="practice-library"),
    path(
        "practice/library/frameworks/<slug:slug>/",
        views.framework_detail,
        name="practice-framework",
    ),
    path(
        "practice/library/exercises/<slug:slug>/", views.exercise_detail, name="practice-exercise"
    ),
    path("practice/exercises/", views.exercise_log, name="practice-exercise-log"),
    path(
        "practice/exercises/<int:pk>/share/",
        views.exercise_log_share,
        name="practice-exercise-share",
    ),
    path(
        "practice/exercises/<int:pk>/delete/",
        views.exercise_log_delete,
        name="practice-exercise-delete",
    ),
    path("practice/standups/", views.standups, name="practice-standups"),
    path("practice/standups/<int:cohort_id>/", views.standup_drill, name="practice-standup"),
    path("practice/decks/", views.deck_list, name="practice-decks"),
    path("practice/suggestions/", views.suggestions, name="practice-suggestions"),
    path(
        "practice/suggestions/<int:pk>/review/",
        views.suggestion_review,
        name="practice-suggestion-review",
    ),
]
