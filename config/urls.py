from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from accounts.web import PasswordResetView
from config.views import favicon, health, home, ready

admin.site.site_header = "Attune administration"
admin.site.site_title = "Attune admin"
admin.site.index_title = "Operations"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("programs.urls")),
    path("api/", include("accounts.urls")),
    path("api/", include("cohorts.urls")),
    path("api/", include("certification.urls")),
    path("api/", include("insights.urls")),
    path("api/", include("imports.urls")),
    path("api/", include("reviews.urls")),
    path("api/", include("audit.urls")),
    path("api/", include("wellbeing.urls")),
    path("api/", include("helpdesk.urls")),
    path("api/", include("hiring.urls")),
    path("api/", include("practice.urls")),
    path("badges/", include("certification.urls_public")),
    path("", include("accounts.urls_public")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("api-auth/", include("rest_framework.urls")),
    path("health/", health, name="health"),
    path("health/ready/", ready, name="ready"),
    path("favicon.ico", favicon, name="favicon"),
    # Before Django's own: the same page, rate limited (accounts/web.py).
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("config.web_urls")),
    path("", home, name="home"),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

if settings.ATTUNE_OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))
