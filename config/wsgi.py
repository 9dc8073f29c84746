"""WSGI entry point (gunicorn config.wsgi:application): production settings unless
DJANGO_SETTINGS_MODULE names others."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from django.core.wsgi import get_wsgi_application

from config.startup import static_manifest_require

application = get_wsgi_application()
static_manifest_require()
