"""Settings shared by every environment, read from environment variables.

With nothing set, Attune runs on a SQLite file and runs Celery tasks in process, so a
newcomer needs nothing but Python. Set DATABASE_URL and REDIS_URL to use PostgreSQL and a
real Celery broker.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# --- Core ---------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# Good enough for a developer's machine; the production settings refuse it.
DEVELOPMENT_SECRET_KEY = "attune-insecure-development-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_TZ = True
LANGUAGE_CODE = "en"
USE_I18N = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Public address used in links that leave the app (e-mails, badges, calendar feeds).
ATTUNE_PUBLIC_BASE_URL = env("ATTUNE_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'attune.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A request (or a probe) gives up on an unreachable database instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # No JIT: once the tables are analysed, the planner's cost estimates for the insight
    # reports (aggregates over a million interactions) pass jit_above_cost, and LLVM then
    # compiled for 2 s to run a 40 ms query. Attune's queries are short and varied, so
    # compilation never pays for itself. DATABASE_JIT=on gives the server's default back.
    if not env.bool("DATABASE_JIT", default=False):
        options = DATABASES["default"]["OPTIONS"]
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # The few statements that ask for it (config.prepared) are prepared once per session;
    # Django's own cursors bind on the client and never prepare, whatever this says. Being
    # the only prepared statements, they alone take the generic plan from their first run:
    # planned once per session, not on each run. (The A/B result's query: planning took
    # 1.8 ms to run it in 2.3; its generic plan runs in 1.6 and is never planned again.)
    # DATABASE_PREPARED_STATEMENTS=off for a pooler that cannot keep them (PgBouncer in
    # transaction mode before 1.21): those statements then run unprepared.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        options = DATABASES["default"]["OPTIONS"]
        options.setdefault("prepare_threshold", 5)
        options["options"] = (
            f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
        )

# --- Applications -------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "auditlog",
    "accounts",
    "programs",
    "cohorts",
    "certification",
    "insights",
    "audit",
    "imports",
    "reviews",
    "jobs",
    "wellbeing",
    "helpdesk",
    "hiring",
    "practice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: names the signed-in person (also an API token's) on audit entries.
    "audit.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A read whose database connection was lost is answered again on a new connection.
    "config.middleware.ReadRetryMiddleware",
    # A write is one transaction: a server error leaves nothing half-made.
    "config.middleware.AtomicWritesMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the "try again later" page.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.single_sign_on",
            ],
        },
    },
]

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "static/"
# Where collectstatic writes and whitenoise serves from (the manifest lives there too).
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# --- E-mail -------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":  # noqa: F821
    # django-environ reads filemail:///tmp/mail as the relative path tmp/mail (it wants
    # four slashes, as for SQLite). A mail directory relative to wherever a process was
    # started is never what was meant, so the path is always absolute, as in a URL.
    EMAIL_FILE_PATH = "/" + EMAIL_FILE_PATH.lstrip("/")  # noqa: F821
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Attune <attune@localhost>")

# --- Caches -------------------------------------------------------------------------------
# Throttle counters live here. With several processes (gunicorn workers) point CACHE_URL at
# a shared cache, e.g. redis://127.0.0.1:6379/1, or each process counts on its own.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# --- REST API -----------------------------------------------------------------------------


def api_authentication_classes(*, basic: bool) -> list[str]:
    """Sessions for the browser, personal tokens for scripts, HTTP Basic only if enabled."""
    classes = [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ]
    if basic:
        classes.append("accounts.authentication.BasicAuthentication")
    return classes


# HTTP Basic sends the password with every request; production turns it off by default.
ATTUNE_API_BASIC_AUTH = env.bool("ATTUNE_API_BASIC_AUTH", default=True)
# How many reverse proxies in front of Attune append to X-Forwarded-For. 0: trust only the
# connection's address (REMOTE_ADDR), so nobody can pick their own IP with a header.
ATTUNE_PROXY_COUNT = env.int("ATTUNE_PROXY_COUNT", default=0)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": api_authentication_classes(basic=ATTUNE_API_BASIC_AUTH),
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("ATTUNE_API_THROTTLE_ANON", default="120/minute"),
        "user": env("ATTUNE_API_THROTTLE_USER", default="1200/minute"),
        "password_reset_ip": env("ATTUNE_PASSWORD_RESET_THROTTLE_IP", default="10/hour"),
        "password_reset_email": env("ATTUNE_PASSWORD_RESET_THROTTLE_EMAIL", default="3/hour"),
    },
    "NUM_PROXIES": ATTUNE_PROXY_COUNT,
    # DRF's own, except that a body nested too deep or a figure JSON cannot hold is a 400.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "config.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "config.filters.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AttuneAutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Attune API",
    "DESCRIPTION": "Empathy-training programs for customer-support teams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc are served from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProgramStatusEnum": "programs.models.Program.Status",
        "RubricStatusEnum": "programs.models.Rubric.Status",
        "ReminderKindEnum": "accounts.models.ReminderKind",
        "ScheduleItemKindEnum": "cohorts.models.ScheduleItem.Kind",
        "MicroScriptKindEnum": "programs.models.MicroScript.Kind",
        "HelpdeskSourceKindEnum": "helpdesk.models.HelpdeskSource.Kind",
        "FlashcardKindEnum": "practice.flashcards.KIND_CHOICES",
    },
}

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # Embedded default: no broker, tasks run in process when they are sent.
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=4 * 60)
# A task is acknowledged after it ran, so a worker that dies mid-task hands it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Nothing in Attune reads a task's return value (work is recorded in the database), and a
# result backend that cannot be reached held every publication for ~20 s. Health checks
# that need a round trip ask for a result explicitly.
CELERY_TASK_IGNORE_RESULT = True
# A broker that does not answer is given up on quickly; the work waits as a task intent
# (jobs app) and the relay publishes it when the broker is back. See docs/reliability.md.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "max_retries": 1,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# After a failed publication a process leaves the broker alone this long (requests record
# their work and answer at once; the relay publishes it).
ATTUNE_BROKER_BACKOFF_SECONDS = env.int("ATTUNE_BROKER_BACKOFF_SECONDS", default=30)
# A published intent whose task has not finished after this long is published again. Longer
# than CELERY_TASK_TIME_LIMIT, so that a task still running is not doubled.
ATTUNE_INTENT_STALL_SECONDS = env.int("ATTUNE_INTENT_STALL_SECONDS", default=15 * 60)

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Open Badges --------------------------------------------------------------------------
# The issuer named in every badge; its profile is served at /badges/issuer.
ATTUNE_BADGE_ISSUER_NAME = env("ATTUNE_BADGE_ISSUER_NAME", default="Attune")
# Empty: the public base URL.
ATTUNE_BADGE_ISSUER_URL = env("ATTUNE_BADGE_ISSUER_URL", default="")
ATTUNE_BADGE_ISSUER_EMAIL = env("ATTUNE_BADGE_ISSUER_EMAIL", default="badges@attune.example")

# --- Reconciliation -----------------------------------------------------------------------
# The checks the periodic reconciliation runs (jobs/reconciliation.py), each a function
# `(now, fix) -> list[Finding]`, in this order.
ATTUNE_RECONCILERS = [
    "certification.reconcile.gate_met_without_decision",
    "certification.reconcile.decision_without_badge",
    "cohorts.reconcile.schedule_older_than_program",
    "insights.reconcile.interaction_weeks_out_of_date",
    "wellbeing.reconcile.rotation_advisory_missing",
    "wellbeing.reconcile.recovery_prompt_missing",
]

# --- Reminders ----------------------------------------------------------------------------
ATTUNE_REMINDER_RESOLVERS = [
    "cohorts.reminders.resolve",
    "certification.reminders.resolve",
]
ATTUNE_CALENDAR_SOURCES = [
    "cohorts.calendar.events_for",
    "certification.calendar.events_for",
]
# Local times between which nobody is sent a reminder; it waits for the morning.
ATTUNE_QUIET_HOURS_START = env("ATTUNE_QUIET_HOURS_START", default="20:00")
ATTUNE_QUIET_HOURS_END = env("ATTUNE_QUIET_HOURS_END", default="08:00")
# How often beat starts the sweep, in minutes.
ATTUNE_REMINDER_SWEEP_MINUTES = env.int("ATTUNE_REMINDER_SWEEP_MINUTES", default=5)
# How long the unsubscribe link in a reminder works (a newer reminder carries a new one).
ATTUNE_UNSUBSCRIBE_LINK_DAYS = env.int("ATTUNE_UNSUBSCRIBE_LINK_DAYS", default=60)
# The largest file each import takes (bytes). Larger uploads are refused with a message;
# files over FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to disk while they arrive.
ATTUNE_ENROLLMENT_UPLOAD_MAX_BYTES = env.int(
    "ATTUNE_ENROLLMENT_UPLOAD_MAX_BYTES", default=5_000_000
)
ATTUNE_INTERACTION_UPLOAD_MAX_BYTES = env.int(
    "ATTUNE_INTERACTION_UPLOAD_MAX_BYTES", default=200_000_000
)
# A larger file sent to POST /api/interactions/import/ is imported by a worker (an import
# job, answered 202) rather than inside the request: 5 MB is some 40,000 rows, seconds of
# work, well within the web server's timeout.
ATTUNE_INTERACTION_IMPORT_IN_REQUEST_MAX_BYTES = env.int(
    "ATTUNE_INTERACTION_IMPORT_IN_REQUEST_MAX_BYTES", default=5_000_000
)
# How long an invitation link works; a person whose link expired can ask for a new one.
ATTUNE_INVITATION_DAYS = env.int("ATTUNE_INVITATION_DAYS", default=7)
# A row stuck "being delivered" this long (its worker died) is delivered again.
ATTUNE_DELIVERY_LEASE_SECONDS = env.int("ATTUNE_DELIVERY_LEASE_SECONDS", default=300)

# --- Single sign-on (OpenID Connect) ------------------------------------------------------
# Off unless OIDC_RP_CLIENT_ID is set. People are matched to accounts by e-mail address;
# an unknown address is refused unless OIDC_CREATE_USER is on (then an agent account is
# made). See docs/single-sign-on.md.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
ATTUNE_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
# django-axes' backend comes first: it refuses a locked-out sign-in before any other backend
# looks at the password. See "Sign-in lock-out" below and docs/authentication.md.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if ATTUNE_OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT")
    AUTHENTICATION_BACKENDS.append("accounts.sso.EmailMatchingOIDCBackend")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = env.bool("OIDC_CREATE_USER", default=False)
ATTUNE_OIDC_PROVIDER_NAME = env("ATTUNE_OIDC_PROVIDER_NAME", default="single sign-on")
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"

# --- Sign-in lock-out (django-axes) -------------------------------------------------------
# After ATTUNE_LOGIN_FAILURE_LIMIT failed sign-ins for one e-mail address from one IP
# address, that pair is refused (even with the right password) until the cool-off has
# passed since its last attempt. Covers /accounts/login/, /admin/login/, /api-auth/login/
# and HTTP Basic on the API. See docs/authentication.md.
AXES_FAILURE_LIMIT = env.int("ATTUNE_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ATTUNE_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_WHITELIST_CALLABLE = "accounts.lockout.is_not_a_password_attempt"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Failed attempts are kept (AccessAttempt, in the admin); successful sign-ins are not
# logged by axes: that is personal data we have no use for here.
AXES_DISABLE_ACCESS_LOG = True

# --- Content-Security-Policy (django-csp) -------------------------------------------------
# Scripts only from our own static files: no page has inline script, so none may run.
# Styles allow inline `style` attributes (progress bars size themselves with one, and
# Swagger UI writes its own); nothing else comes from anywhere but this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# The reflection journal is encrypted with these Fernet keys (comma-separated; the first
# encrypts, all decrypt). Development derives a key from SECRET_KEY when none is set;
# production requires its own (config/settings/production.py). config/crypto.py.
ATTUNE_JOURNAL_KEYS = env.list("ATTUNE_JOURNAL_KEYS", default=[])
ATTUNE_JOURNAL_KEY_FROM_SECRET = True

# --- Exposure to high-intensity work (docs/wellbeing-exposure.md) -------------------------
# Escalations of one account one agent handles in a row before their managers are told.
ATTUNE_ROTATION_STREAK = env.int("ATTUNE_ROTATION_STREAK", default=5)
# Tasks an interaction import records (a task intent) once its rows are written, each
# called with (source, the ISO time the import started): what the new rows set off.
ATTUNE_AFTER_INTERACTION_IMPORT = ["wellbeing.tasks.interactions_imported_task"]
# Called by `manage.py load_playbook` after the programs, with stdout= (docs/practice.md).
ATTUNE_AFTER_PLAYBOOK_LOAD = ["practice.library.library_load"]

# Helpdesk sync (docs/helpdesk.md). A Zendesk source's API token is read from the
# environment variable the source names (ATTUNE_HELPDESK_TOKEN_...), never stored.
# Where a Zendesk source's API is; {subdomain} is the source's. Tests point it at a local server.
ATTUNE_HELPDESK_ZENDESK_URL = env(
    "ATTUNE_HELPDESK_ZENDESK_URL", default="https://{subdomain}.zendesk.com"
)
ATTUNE_HELPDESK_SYNC_MINUTES = env.int("ATTUNE_HELPDESK_SYNC_MINUTES", default=5)
ATTUNE_HELPDESK_HTTP_TIMEOUT = env.int("ATTUNE_HELPDESK_HTTP_TIMEOUT", default=30)
# Tries per page: a 5xx or network error is tried again after 2, 4, 8 ... seconds.
ATTUNE_HELPDESK_HTTP_ATTEMPTS = env.int("ATTUNE_HELPDESK_HTTP_ATTEMPTS", default=4)
ATTUNE_HELPDESK_BACKOFF_SECONDS = env.float("ATTUNE_HELPDESK_BACKOFF_SECONDS", default=2.0)
# A 429 asking to wait longer than this ends the run; the next one starts after the wait.
ATTUNE_HELPDESK_RETRY_AFTER_MAX = env.int("ATTUNE_HELPDESK_RETRY_AFTER_MAX", default=60)
# Webhook deliveries: how old a signed timestamp may be, how far ahead of our clock.
ATTUNE_HELPDESK_WEBHOOK_MAX_AGE = env.int("ATTUNE_HELPDESK_WEBHOOK_MAX_AGE", default=300)
ATTUNE_HELPDESK_WEBHOOK_CLOCK_SKEW = env.int("ATTUNE_HELPDESK_WEBHOOK_CLOCK_SKEW", default=30)
ATTUNE_HELPDESK_WEBHOOK_MAX_ROWS = env.int("ATTUNE_HELPDESK_WEBHOOK_MAX_ROWS", default=1000)

# Hiring (docs/hiring.md): a candidate not hired is deleted this many days after their
# last change of stage, by the daily retention sweep.
ATTUNE_HIRING_RETENTION_DAYS = env.int("ATTUNE_HIRING_RETENTION_DAYS", default=180)
