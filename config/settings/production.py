"""Production settings: secrets are required, transport is secure by default.

gunicorn (config.wsgi / config.asgi), the Celery worker and beat load these unless
DJANGO_SETTINGS_MODULE names others, so a missing secret stops them at start-up with a
message naming the variable rather than letting them run on development defaults.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEVELOPMENT_SECRET_KEY, REST_FRAMEWORK, api_authentication_classes, env

DEBUG = False

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "Set the SECRET_KEY environment variable: production refuses to start without its "
        "own secret key (the development key is refused too). Make one with "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set the ALLOWED_HOSTS environment variable: the host names this site answers to, "
        "comma-separated (e.g. attune.example.com)."
    )

# Agents' reflection journals are encrypted with this key; a key derived from SECRET_KEY
# would make every entry unreadable the day the secret key is changed.
ATTUNE_JOURNAL_KEY_FROM_SECRET = False
if not env.list("ATTUNE_JOURNAL_KEYS", default=[]):
    raise ImproperlyConfigured(
        "Set the ATTUNE_JOURNAL_KEYS environment variable: the Fernet key that encrypts "
        "agents' reflection journals (keep it apart from database backups). Make one with "
        "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers and orchestrators probe the container over plain HTTP; a redirect to
# HTTPS would read as "unhealthy".
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^health/ready/$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Scripts use personal API tokens; HTTP Basic (a password on every request) is off unless
# an operator turns it back on.
ATTUNE_API_BASIC_AUTH = env.bool("ATTUNE_API_BASIC_AUTH", default=False)
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_AUTHENTICATION_CLASSES": api_authentication_classes(basic=ATTUNE_API_BASIC_AUTH),
}
