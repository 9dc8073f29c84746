"""Settings for the web server in the broker-down fault test: the test's own database, and
a broker address where nothing listens (port 1), as when Redis is down."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["ATTUNE_WORKER_DB_NAME"]
CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
CELERY_TASK_ALWAYS_EAGER = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
