"""A real OpenID Connect provider (django-oidc-provider) for the single sign-on tests.

It runs as its own process with its own SQLite database and its own users, so that Attune
(the relying party, pytest-django's live server) knows nothing of it but its endpoints.
"""

import os
from pathlib import Path

SECRET_KEY = "test-openid-provider-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.sso.op_urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OP_DATABASE"]}}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
# A cookie name of its own: browsers do not keep cookies apart by port.
SESSION_COOKIE_NAME = "op_sessionid"
CSRF_COOKIE_NAME = "op_csrftoken"
LOGIN_URL = "/login/"
SITE_URL = os.environ["OP_SITE_URL"]
OIDC_USERINFO = "tests.sso.op_settings.userinfo"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def userinfo(claims, user):
    claims["email"] = user.email
    # The provider's own users say whether it checked their address (first_name is
    # borrowed to carry it, this being a test fixture).
    claims["email_verified"] = user.first_name != "unverified"
    claims["name"] = user.last_name
    return claims
