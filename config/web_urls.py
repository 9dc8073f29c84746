"""The web pages, one namespace ("web") gathered from the apps that own them."""

from django.urls import include, path

app_name = "web"

urlpatterns = [
    path("", include("cohorts.plan_urls")),
    path("", include("cohorts.manager_urls")),
    path("", include("insights.web_urls")),
    path("", include("imports.web_urls")),
    path("", include("accounts.web_urls")),
    path("", include("audit.web_urls")),
    path("", include("reviews.web_urls")),
    path("", include("certification.web_urls")),
    path("", include("wellbeing.web_urls")),
    path("", include("programs.web_urls")),
    path("", include("helpdesk.web_urls")),
    path("", include("hiring.web_urls")),
    path("", include("practice.web_urls")),
]
