"""Settings for a real Celery worker started by the reliability tests.

It talks to the test database the test created (ATTUNE_WORKER_DB_NAME) and the test Redis
database, and writes each e-mail to its own file so the test can count them, slowly enough
(ATTUNE_TEST_MAIL_PAUSE) that the test can kill the worker in the middle of a batch.
"""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["ATTUNE_WORKER_DB_NAME"]
CELERY_TASK_ALWAYS_EAGER = False
# The tests' workers run the solo pool (one task at a time): reserving no more than that
# leaves the next message to another worker, so two workers run two tasks side by side.
CELERY_WORKER_CONCURRENCY = 1
EMAIL_BACKEND = "tests.accounts.slow_email.SlowFileBackend"
EMAIL_FILE_PATH = os.environ.get("ATTUNE_WORKER_MAIL_DIR", "/tmp")
# Seconds each e-mail takes: slow enough for a test to kill the worker mid-batch, short
# enough (a few milliseconds) for a test that delivers thousands.
ATTUNE_TEST_MAIL_PAUSE = float(os.environ.get("ATTUNE_TEST_MAIL_PAUSE", "0.25"))
ATTUNE_DELIVERY_LEASE_SECONDS = 2
# Files the test process stored (an import's upload) are read from the same folder.
if os.environ.get("ATTUNE_WORKER_MEDIA_ROOT"):
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": os.environ["ATTUNE_WORKER_MEDIA_ROOT"]},
        },
    }
