"""Settings for the test suite.

The suite runs on whatever DATABASE_URL / REDIS_URL say (SQLite and in-process tasks when
unset). pytest-django creates and drops its own test database. Tests that need Redis use
their own database number (TEST_REDIS_DB, default 11) so that they never touch the data of
a developer's server sharing the same Redis.

Under pytest-xdist (`pytest -n 2`) each worker process takes the next number: gw0 uses
TEST_REDIS_DB, gw1 the one after it. Two tests that each start a real Celery worker at the
same time then never run each other's tasks against the wrong test database.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, env

DEBUG = False
SECRET_KEY = "attune-test-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ATTUNE_PUBLIC_BASE_URL = "https://attune.test"

REDIS_DATABASES = 16  # Redis's default `databases` setting: numbers 0 to 15

if REDIS_URL:
    _xdist_worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    TEST_REDIS_DB = env.int("TEST_REDIS_DB", default=11) + _xdist_worker
    if TEST_REDIS_DB >= REDIS_DATABASES:
        raise ImproperlyConfigured(
            f"Test worker gw{_xdist_worker} would use Redis database {TEST_REDIS_DB}, past "
            f"Redis's last ({REDIS_DATABASES - 1}): set TEST_REDIS_DB lower or run fewer "
            "workers (pytest -n)."
        )
    _parts = urlsplit(REDIS_URL)
    TEST_REDIS_URL = urlunsplit(_parts._replace(path=f"/{TEST_REDIS_DB}"))
    CELERY_BROKER_URL = TEST_REDIS_URL
    CELERY_RESULT_BACKEND = TEST_REDIS_URL
    # Tests send tasks to a real worker only where a test is about Celery; everywhere else
    # they run in process so that each test stays inside its own transaction.
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
