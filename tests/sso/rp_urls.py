"""Attune's URLs with single sign-on switched on (config/urls.py adds them only when
OIDC_RP_CLIENT_ID is set at start-up, which a test cannot do)."""

from django.urls import include, path

from config.urls import urlpatterns as attune_urlpatterns

urlpatterns = [path("oidc/", include("mozilla_django_oidc.urls")), *attune_urlpatterns]
