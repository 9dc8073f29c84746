"""ASGI entry point: production settings unless DJANGO_SETTINGS_MODULE names others."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from django.core.asgi import get_asgi_application

from config.startup import static_manifest_require

application = get_asgi_application()
static_manifest_require()
