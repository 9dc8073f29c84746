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
]
