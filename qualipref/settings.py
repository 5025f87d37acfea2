"""Qualipref settings: one module, driven by environment variables (see .env.example).

Without any variable the application runs on its embedded defaults: SQLite under var/, Celery over
kombu's filesystem transport, e-mails to the console. Production sets DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL and CELERY_BROKER_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QUALIPREF_VAR_DIR", BASE_DIR / "var"))


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    return int(os.environ.get(name) or default)


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY doit être défini lorsque DEBUG=0.")
    SECRET_KEY = "dev-only-insecure-key-qualipref-change-me-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "qualipref.admin.QualiprefAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third parties
    "dsfr",
    "widget_tweaks",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_ratelimit",
    "simple_history",
    "axes",
    # Qualipref
    "qualipref",
    "sites",
    "accounts",
    "engagements",
    "audits",
    "complaints",
    "surveys",
    "indicators",
    "planning",
    "crisis",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (settings at the end: CSP)
    "qualipref.lib.request_limits.RequestSizeLimitMiddleware",  # a body above REQUEST_MAX_BYTES: 413, unread
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qualipref.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # With DEBUG, the French 404/500 pages unless DEBUG_PAGES=1 asks for Django's debug pages.
    "qualipref.middleware.FrenchErrorPagesMiddleware",
    # last, as django-axes asks
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qualipref.urls"
WSGI_APPLICATION = "qualipref.wsgi.application"

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
                # django-dsfr's SITE_CONFIG, kept by each process until the configuration changes
                "qualipref.site_config.site_config",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qualipref.sqlite3'}"),
        # Production: 300 (Dockerfile, .env.example): with 300 the actions list served twice the requests of 0.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        # A connection kept across requests is checked before reuse: after a PostgreSQL restart the next request
        # reconnects instead of failing on the dead connection.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.NationalAdministratorBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection: lock a username from one address after repeated failures, for a while only.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# An attempt during the lock (even with the right password) does not restart it: nobody can be kept out for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address behind the trusted proxies (TRUSTED_PROXY_COUNT), the same for the public forms' rate limits.
AXES_CLIENT_IP_CALLABLE = "qualipref.lib.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
# Named date formats (SHORT_DATE_FORMAT...): Django's French locale, plus the project's in qualipref/formats/fr/.
FORMAT_MODULE_PATH = ["qualipref.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "qualipref.lib.static_storage.KeptUrlsManifestStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
# Manifest storage renames files: django-dsfr's integrity hashes would no longer match.
DSFR_USE_INTEGRITY_CHECKSUMS = False

# E-mail: console by default, SMTP in production.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Qualipref <ne-pas-repondre@qualipref.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: strict by default when DEBUG is off (manage.py check --deploy is clean).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "qualipref.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # input: nullable read-only fields and conditional fields declared as they are (qualipref/lib/openapi.py)
    "DEFAULT_SCHEMA_CLASS": "qualipref.lib.openapi.AutoSchema",
    "DATE_FORMAT": "%Y-%m-%d",
    "EXCEPTION_HANDLER": "qualipref.lib.drf.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Qualipref",
    "DESCRIPTION": "API REST de Qualipref : territoire, référentiels, plans d'action, audits, enquêtes, "
    "réclamations et indicateurs qualité des préfectures.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # input: every operation describes its 4xx answers (qualipref/lib/openapi.py)
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "qualipref.lib.openapi.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ComplaintCategoryEnum": "complaints.models.Complaint.Category",
        "CorrespondenceKindEnum": "complaints.models.Correspondence.Kind",
        "ChannelEnum": "complaints.models.Complaint.Channel",  # the name it had before the replies had a channel
        "ReplyChannelEnum": "complaints.models.ReplyDelivery.Channel",
        "ActionSourceEnum": "engagements.models.Action.Source",
        "AuditKindEnum": "audits.models.Audit.Kind",
        "AuditStatusEnum": "audits.models.Audit.Status",
        "DecisionEnum": "engagements.models.Labelling.Decision",
        "FindingCategoryEnum": "audits.models.Finding.Category",
        "AssessmentResultEnum": "audits.models.Assessment.Result",
        "IndicatorSourceEnum": "indicators.models.Indicator.Source",
        "IndicatorStatusEnum": "indicators.models.Status",
        "CampaignStatusEnum": "surveys.models.Campaign.Status",
        "CampaignKindEnum": "surveys.models.Campaign.Kind",
        "QuestionKindEnum": "surveys.models.Question.Kind",
        "YearlyReviewStatusEnum": "reviews.models.YearlyReview.Status",
        # the status of every PDF produced by the worker (audit reports, reviews): its first name kept
        "AuditReportStatusEnum": "qualipref.lib.models.ProducedPdf.Status",
    },
}

# Celery: kombu's filesystem transport by default (no server), Redis in production.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
# With a Redis result backend, Celery subscribes to each task's result before publishing it, and retried that for
# some twenty seconds while Redis was away (its default policy): the write that queued the task waited, or gunicorn
# killed it. No retry: the publish fails at once and the outbox sends the task later (tests/test_faults.py).
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Time limits, from the longest task measured: a 100,000-row correspondence import 10-12 s, the national full
# computation of the indicators 6.7 s, the audit report of bench/audit_report.py 3.7 s. A task past the soft
# limit gets SoftTimeLimitExceeded (its work item is marked failed), past the hard limit its process is killed.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 100)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 120)
# Redis: a message delivered to a worker that dies without acknowledging it (SIGKILL, lost machine) goes back to
# the queue once it has been unacknowledged for CELERY_VISIBILITY_TIMEOUT seconds; every running worker looks for
# such messages every few seconds (kombu's restore_visible; a restarted worker at once). It must exceed the hard
# time limit, or a task still running would be delivered a second time: 240 s = twice the hard limit, so a killed
# task runs again within about 4 minutes. (kombu's default, one hour, left a killed report "saving" that long.)
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 240)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT doit dépasser CELERY_TASK_TIME_LIMIT (tâches exécutées deux fois)."
    )
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 4)),
        "unacked_restore_throttle": 1,  # one look every unacked_restore_interval seconds (kombu's default: 10)
        # A broker that is away costs a publish one short connection attempt (the outbox sends it later).
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
    }
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery"
    for _folder in ("queue", "processed", "control"):
        (_queue / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),  # broadcast tables, else written to the working directory
        "store_processed": False,
    }

# Cache: Redis when there is one (rate limits shared by every process), local memory otherwise.
CACHE_URL = env("CACHE_URL") or (CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            # django-redis: with IGNORE_EXCEPTIONS a Redis that is away reads as an empty cache and writes to it are
            # dropped (logged by DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS): pages are built from the database, writes
            # keep working. Short socket timeouts: an unreachable Redis costs each request a fraction of a second.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "qualipref",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "qualipref.cache"
    SILENCED_SYSTEM_CHECKS = []
else:
    # Embedded mode runs one web process: its local memory is shared by every request.
    # In production, qualipref.checks warns when no Redis cache is configured.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
# The public forms' counters live in the cache: with Redis away, a form is accepted (and the failure logged by
# django-redis) rather than refused to everyone; the limit is back with Redis.
RATELIMIT_FAIL_OPEN = True
# Sessions (database, Django's default SESSION_ENGINE) and django-axes (database handler) do not use the cache.

# In development (DEBUG), 404 and 500 answer the French pages users see; DEBUG_PAGES=1 shows Django's
# debug pages (traceback, URL patterns) instead (qualipref.middleware.FrenchErrorPagesMiddleware).
QUALIPREF_DEBUG_PAGES = env_bool("DEBUG_PAGES", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # A 403 is logged as one line with its French reason (qualipref.lib.logs.OneLineForbidden).
        "one_line_forbidden": {"()": "qualipref.lib.logs.OneLineForbidden"},
        # The cache's failures (django-redis, Redis away): one line a minute per process, not a traceback per call.
        "once_a_minute": {"()": "qualipref.lib.logs.OncePerInterval", "seconds": 60},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_forbidden"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "qualipref.cache": {"filters": ["once_a_minute"]},
        "django": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO"), "propagate": False},
    },
}

# Qualipref
QUALIPREF_BRAND = "Qualipref"
# Address of the site in e-mails sent by tasks (digests of notifications), without a trailing slash.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# Deadline alerts (complaints, correspondence): shares of the delay, in percent, after which the assignee and the
# site's referents are notified; and always once overdue (indicators.alerts.complaints).
QUALIPREF_ALERT_THRESHOLDS = sorted({int(value) for value in env_list("DEADLINE_ALERT_THRESHOLDS", "60,90")})
if not all(0 < value < 100 for value in QUALIPREF_ALERT_THRESHOLDS):
    raise ImproperlyConfigured("DEADLINE_ALERT_THRESHOLDS : des pourcentages entre 1 et 99, séparés par des virgules.")


# Deadline alerts of the other sources (indicators.alerts): days before a due date at which the people concerned
# are notified (then once overdue): actions, audit reports, follow-up/renewal audits, yearly CLU and survey, reception
# trainings to renew.
def _days(name, values):
    days = sorted({int(value) for value in values})
    if not days or not all(0 <= value <= 366 for value in days):
        raise ImproperlyConfigured(f"{name} : des nombres de jours entre 0 et 366, séparés par des virgules.")
    return days


QUALIPREF_ACTION_ALERT_DAYS = _days("ACTION_ALERT_DAYS", env_list("ACTION_ALERT_DAYS", "7"))
QUALIPREF_AUDIT_ALERT_DAYS = _days("AUDIT_REPORT_ALERT_DAYS", env_list("AUDIT_REPORT_ALERT_DAYS", "7"))
# The argued response to an audit's findings: expected this many days after the report's delivery.
QUALIPREF_FINDING_RESPONSE_DAYS = env_int("FINDING_RESPONSE_DAYS", 30)
QUALIPREF_FINDING_RESPONSE_ALERT_DAYS = _days(
    "FINDING_RESPONSE_ALERT_DAYS", env_list("FINDING_RESPONSE_ALERT_DAYS", "7")
)
QUALIPREF_FOLLOW_UP_ALERT_DAYS = _days("FOLLOW_UP_AUDIT_ALERT_DAYS", env_list("FOLLOW_UP_AUDIT_ALERT_DAYS", "90,30"))
QUALIPREF_YEARLY_ALERT_DAYS = _days("YEARLY_MEETING_ALERT_DAYS", env_list("YEARLY_MEETING_ALERT_DAYS", "30"))
# The items of the quality programme (planning) not done at the end of their window: alerted this many days before.
QUALIPREF_PROGRAMME_ALERT_DAYS = _days("PROGRAMME_ALERT_DAYS", env_list("PROGRAMME_ALERT_DAYS", "7"))
QUALIPREF_TRAINING_ALERT_DAYS = _days("TRAINING_RENEWAL_ALERT_DAYS", env_list("TRAINING_RENEWAL_ALERT_DAYS", "30"))
# Quality documents whose review is due (approval + review period): their owner is alerted this many days before.
QUALIPREF_DOCUMENT_REVIEW_ALERT_DAYS = _days("DOCUMENT_REVIEW_ALERT_DAYS", env_list("DOCUMENT_REVIEW_ALERT_DAYS", "30"))
# Seconds a built dashboard is kept in the cache (indicators.dashboards.cache; any write the dashboards read makes
# it obsolete at once): 0 turns the cache off.
QUALIPREF_DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60)
# Months the requester's personal data of a closed complaint (and a sender's of an answered letter) is kept
# before the nightly job anonymises it (complaints.retention).
QUALIPREF_COMPLAINTS_RETENTION_MONTHS = env_int("PERSONAL_DATA_RETENTION_MONTHS", 24)
# Periodic tasks: schedules live in the database (django-celery-beat), created by data migrations with
# qualipref.lib.beat.schedule_daily and editable in the admin: 03:30 retention, 06:30 deadline alerts of every app
# (indicators.tasks.send_deadline_alerts), 07:00 digest of the notifications; every 5 minutes the prefectures' mailboxes
# (complaints.tasks.read_mailboxes, complaints.inbound).


# --- Sign-in behind the proxy and API tokens --------------------------------------------------------------------
# Proxies in front of the application that append the client's address to X-Forwarded-For (the TLS proxy of
# docs/exploitation.md, § Connexion, jetons d'API et limites derrière le proxy: 1). 0: only REMOTE_ADDR counts and
# X-Forwarded-For is never read. Used by the login lock-out (django-axes) and the rate limits (django-ratelimit) through
# qualipref.lib.client_ip.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT : un nombre de proxys, 0 ou plus.")
RATELIMIT_IP_META_KEY = "qualipref.lib.client_ip.client_ip"
# API tokens (django-rest-knox, model accounts.ApiToken): stored hashed, one per client of a user, valid this many
# days, revoked on a password change or a deactivation.
QUALIPREF_API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's migrations create its own token table even when KNOX_TOKEN_MODEL swaps it out; that empty table's foreign key
# to the users then stops PostgreSQL from truncating them (the browser tests' flush). Without its migrations, Django
# creates no table for a swapped model.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=QUALIPREF_API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
}

# --- Faults: tasks never lost, work items never stuck (qualipref.outbox) ---
# A report or import left pending or running this many minutes (no progress) is sent again through the outbox, or
# marked failed with « Relancer » on its page once WORK_MAX_ATTEMPTS sends were made. More than the visibility
# timeout plus the hard time limit, so that a message of a killed worker is redelivered by Redis first.
QUALIPREF_WORK_STALE_MINUTES = env_int("WORK_STALE_MINUTES", 15)
QUALIPREF_WORK_MAX_ATTEMPTS = env_int("WORK_MAX_ATTEMPTS", 3)
if QUALIPREF_WORK_STALE_MINUTES * 60 <= CELERY_VISIBILITY_TIMEOUT + CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "WORK_STALE_MINUTES doit dépasser CELERY_VISIBILITY_TIMEOUT + CELERY_TASK_TIME_LIMIT (en minutes)."
    )
# Days the tasks sent are kept in the outbox table (for the operator) before the relay deletes them.
QUALIPREF_OUTBOX_PURGE_DAYS = env_int("OUTBOX_PURGE_DAYS", 7)

# --- Content-Security-Policy (django-csp 4) -------------------------------------------------------------------
# Scripts: our static files only (no inline script, no on* attribute, no eval). Styles: 'unsafe-inline' on purpose:
# the server-drawn SVG charts and map carry their <style> inside the <svg> (the same SVG goes into the PDFs, and
# dashboards are cached across requests, so a per-request nonce cannot be written into them), Swagger UI's page has
# its own <style> and Redoc writes styles at run time; CSS runs no code, and with images, fonts and connections
# limited to this site, injected CSS could send nothing elsewhere. CSP_REPORT_ONLY=1 sends the same policy
# as Content-Security-Policy-Report-Only (a first deployment: violations reported, nothing blocked), to
# CSP_REPORT_URI when set.
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402 (with the setting it serves)

_CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:"],  # the DSFR's icons and pictograms are data: URLs
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
if env("CSP_REPORT_URI"):
    _CSP_DIRECTIVES["report-uri"] = env("CSP_REPORT_URI")
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}

# --- Backups (qualipref.backups; docs/exploitation.md, § Sauvegardes et restauration) ----------------------------
# Where `manage.py backup` writes its archives, and how many of the newest it keeps there (0: all).
QUALIPREF_BACKUP_DIR = Path(env("BACKUP_DIR", VAR_DIR / "backups"))
QUALIPREF_BACKUP_KEEP = env_int("BACKUP_KEEP", 14)

# --- Request size limits ----------------------------------------------------------------------------------------
# A body whose Content-Length is above REQUEST_MAX_BYTES is refused (413, French message) before it is read:
# the largest upload (correspondence import, 30 Mo) and its form fit. Set the proxy's client_max_body_size to the
# same value (docs/exploitation.md). Django's own limits: fields other than files (2,5 Mo, 1000 fields); files above
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file instead of memory.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 32 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
