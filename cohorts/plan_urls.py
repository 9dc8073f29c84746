"""The agent's pages: my plan and what an agent does from it."""

from django.urls import path

from cohorts import views

urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("plan/prework/<int:item_id>/", views.plan_prework_done, name="plan-prework"),
    path("plan/calendar/", views.plan_calendar, name="plan-calendar"),
    path(
        "plan/scores/<int:score_id>/acknowledge/",
        views.plan_score_acknowledge,
        name="plan-score-acknowledge",
    ),
    path("plan/coaching/<int:pair_id>/", views.plan_coaching, name="plan-coaching"),
    path(
        "plan/coaching/<int:pair_id>/session/",
        views.plan_coaching_session,
        name="plan-coaching-session",
    ),
    path(
        "plan/coaching/<int:pair_id>/score/",
        views.plan_coaching_score,
        name="plan-coaching-score",
    ),
]
