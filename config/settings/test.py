"""Settings for the test suite.

The suite runs on whatever DATABASE_URL / REDIS_URL say (SQLite and in-process tasks when
unset). pytest-django creates and drops its own test database. Tests that need Redis use
their own database number (TEST_REDIS_DB, default 11) so that they never touch the data of
a developer's server sharing the same Redis.
"""

from urllib.parse import urlsplit, urlunsplit

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

if REDIS_URL:
    _parts = urlsplit(REDIS_URL)
    TEST_REDIS_URL = urlunsplit(_parts._replace(path=f"/{env.int('TEST_REDIS_DB', default=11)}"))
    CELERY_BROKER_URL = TEST_REDIS_URL
    CELERY_RESULT_BACKEND = TEST_REDIS_URL
    # Tests send tasks to a real worker only where a test is about Celery; everywhere else
    # they run in process so that each test stays inside its own transaction.
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
