import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("attune")
# Every CELERY_* Django setting configures Celery (see config/settings/base.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="attune.ping")
def ping() -> str:
    """Round trip through the broker; used by health checks and the service tests."""
    return "pong"
