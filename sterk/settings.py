"""Settings for Sterk, read from the environment (see .env.example).

A malformed value stops start-up with ImproperlyConfigured naming the variable.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sterk.env import env_bool, env_cache, env_database, env_int, env_list, env_str
from sterk.settings_servers import env_database_pool, env_seal_pkcs12, env_storages

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-not-secret-sterk-0123456789-abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://; got {SITE_URL!r}.")
SITE_URL = SITE_URL.rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "sterk",
    "outbox",
    "accounts",
    "partners",
    "activities",
    "governance",
    "cofinancing",
    "signing",
    "agreements",
    "outreach",
    "bundle",
    "updates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sterk.middleware.language_from_cookie",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "sterk.middleware.admin_scopes_disabled",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sterk.urls"
WSGI_APPLICATION = "sterk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sterk.context_processors.tenant",
            ],
        },
    },
]

DATABASES = {
    # DATABASE_POOL: psycopg's connection pool per process (PostgreSQL only).
    "default": env_database_pool(
        env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache keeps the dashboard's computed panels per partnership (sterk/dashboard_cache.py),
# cleared by every write. Every app process must see the same cache, or a write answered by
# one gunicorn worker leaves another showing old figures: the default, a folder on this
# server's disk, serves every worker of one server; several servers need a shared cache
# (CACHE_URL=redis://host:6379/0, or db://sterk_cache after `manage.py createcachetable`).
CACHES = {"default": env_cache("CACHE_URL", f"file://{BASE_DIR / 'var' / 'cache'}")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "accounts.validators.CommonPasswordValidator"},
    {"NAME": "accounts.validators.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24, minimum=60)
INVITATION_MAX_AGE = timedelta(days=env_int("INVITATION_MAX_AGE_DAYS", 7, minimum=1))

# django-axes: lock an account after repeated failed sign-ins.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
# Lock the account, not the address: schools and offices share one IP address, and one
# person mistyping must not lock out colleagues. axes.W006 warns about exactly this choice.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
# Count tries per normalised address: "A@x.nl" and " a@X.NL " are one account with one limit.
AXES_USERNAME_CALLABLE = "accounts.views.lockout_username"
AXES_VERBOSE = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_URL = "media/"
# Uploaded and generated files: on the local disk under MEDIA_ROOT, or with STORAGE_BACKEND=s3
# in S3-compatible object storage that every app server and task worker shares
# (sterk/settings_servers.py reads AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, …). Code
# reaches files only through the storage (open, save, delete), never by a local path.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": env_storages(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console in development; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sterk <noreply@sterk.localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}
# A task still running after its time limit is taken for one whose worker died: `manage.py
# recover_tasks` queues it again, at most TASK_MAX_RECOVERIES times, then marks it failed
# (sterk/task_recovery.py). TASK_TIME_LIMITS overrides the limit for one task path.
TASK_TIME_LIMIT = env_int("TASK_TIME_LIMIT", 10 * 60, minimum=1)
TASK_TIME_LIMITS: dict[str, int] = {}
TASK_MAX_RECOVERIES = env_int("TASK_MAX_RECOVERIES", 3)
# The accountant's bundle is built in the request when its evidence weighs at most this
# (bytes), else by a background task whose progress the page shows (docs/rules.md §24).
BUNDLE_INLINE_MAX_BYTES = env_int("BUNDLE_INLINE_MAX_BYTES", 50 * 1024 * 1024, minimum=0)
# /healthz answers 503 when a queue's oldest waiting item is older than this (seconds).
HEALTH_QUEUE_MAX_AGE = env_int("HEALTH_QUEUE_MAX_AGE", 15 * 60, minimum=1)

# Security: strict by default when DEBUG is off; each can be relaxed from the environment.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer probes /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): scripts only from our own static files, each
# <script> carrying the request's nonce ({{ request.csp_nonce }}); no inline script, no
# style attribute or inline <style>, no eval. Bootstrap's CSS draws its icons from data:
# images. The admin needs no exception (Django 5.2's admin has no inline script; see
# tests/e2e/test_csp.py). PDFs that our own pages frame: sterk.security.framed_by_own_pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; got {LOG_LEVEL!r}."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "pyhanko": {"level": "WARNING", "propagate": True},
        "axes": {"level": "WARNING", "propagate": True},
        "weasyprint": {"level": "WARNING", "propagate": True},
        "fontTools": {"level": "WARNING", "propagate": True},
    },
}

ADMIN_URL_PREFIX = "admin/"

# `make bench` only (benchmarks/run.py): mounts the benchmark's reference view.
BENCHMARK = env_bool("BENCHMARK", False)

# Sealing (signing/sealing.py): every signed document gets a PAdES seal of the platform.
# The certificate comes from SEAL_PKCS12_PATH (a file) or SEAL_PKCS12_BASE64 (its content,
# for servers without a shared file system); without either a self-signed development
# certificate is made in SEAL_DEV_DIR.
SEAL_PKCS12_PATH = env_str("SEAL_PKCS12_PATH")
SEAL_PKCS12_DATA = env_seal_pkcs12()
SEAL_PKCS12_PASSPHRASE = env_str("SEAL_PKCS12_PASSPHRASE", "")
SEAL_DEV_DIR = Path(env_str("SEAL_DEV_DIR", str(BASE_DIR / "var" / "seal")))
SEAL_TSA_URL = env_str("SEAL_TSA_URL", "")
# Behind a reverse proxy, the signatory's address is the last one in X-Forwarded-For (the
# one the proxy added); only trust the header when the proxy always sets it.
SIGNING_TRUST_X_FORWARDED_FOR = env_bool("SIGNING_TRUST_X_FORWARDED_FOR", False)
if SEAL_TSA_URL and not SEAL_TSA_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"SEAL_TSA_URL must start with http:// or https://; got {SEAL_TSA_URL!r}."
    )
