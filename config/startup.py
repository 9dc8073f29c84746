"""Checks a web process makes before it answers its first request."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import ImproperlyConfigured


def static_manifest_require() -> None:
    """Refuse to start a web server that would answer 500 on every page with a stylesheet.

    With DEBUG off, the manifest storage resolves `{% static %}` through the manifest that
    `collectstatic` writes (the Docker image does it at build time); without it the sign-in
    page fails on its first request. This turns that into a start-up error saying what to do.
    """
    storage = staticfiles_storage
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return
    if not storage.exists(storage.manifest_name):
        raise ImproperlyConfigured(
            f"The static files manifest {storage.path(storage.manifest_name)} is missing: run "
            "`python manage.py collectstatic --noinput` with the same settings (and "
            "STATIC_ROOT) before starting the web server. See docs/production.md."
        )
