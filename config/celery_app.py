"""The Celery app. `celery -A config worker` and `celery -A config beat` are production
processes: they load the production settings unless DJANGO_SETTINGS_MODULE names others.
manage.py (local) and the test runner set it before anything imports this module, so the
embedded mode keeps its own."""

import logging
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

logger = logging.getLogger(__name__)

app = Celery("attune")
# Every CELERY_* Django setting configures Celery (see config/settings/base.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="attune.ping", ignore_result=False)
def ping() -> str:
    """Round trip through the broker; used by health checks and the service tests."""
    return "pong"


# The first thing to check in a worker's or beat's log: which settings it runs on.
@signals.worker_ready.connect
def log_worker_settings(sender=None, **kwargs) -> None:
    from django.conf import settings

    logger.info("Attune worker ready with settings %s", settings.SETTINGS_MODULE)


@signals.beat_init.connect
def log_beat_settings(sender=None, **kwargs) -> None:
    from django.conf import settings

    logger.info("Attune beat starting with settings %s", settings.SETTINGS_MODULE)
