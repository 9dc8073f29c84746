"""The web pages, one namespace ("web") gathered from the apps that own them."""

from django.urls import include, path

from cohorts import views as cohort_views

app_name = "web"

urlpatterns = [
    path("plan/", cohort_views.plan, name="plan"),
    path("plan/prework/<int:item_id>/", cohort_views.plan_prework_done, name="plan-prework"),
    path("plan/calendar/", cohort_views.plan_calendar, name="plan-calendar"),
    path(
        "plan/scores/<int:score_id>/acknowledge/",
        cohort_views.plan_score_acknowledge,
        name="plan-score-acknowledge",
    ),
    path("", include("cohorts.manager_urls")),
    path("", include("insights.web_urls")),
    path("", include("imports.web_urls")),
    path("", include("accounts.web_urls")),
    path("", include("audit.web_urls")),
    path("", include("reviews.web_urls")),
    path("", include("certification.web_urls")),
]
