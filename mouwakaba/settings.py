"""Settings for Mouwakaba, all read from the environment.

Development needs nothing set: SQLite under ``var/``, a generated secret key kept in
``var/secret_key``, console e-mail. Production sets ``MOUWAKABA_ENV=production`` and then
must provide ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``; the process refuses to
start without them rather than run with a guessable key.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets generic Django classes (ModelAdmin[Model], ...) be subscripted at run time, as the
# type checker sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MOUWAKABA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("MOUWAKABA_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
TESTING = os.environ.get("MOUWAKABA_TESTING") == "1"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when MOUWAKABA_ENV=production.")
    # Development: generate once and keep it, so sessions survive a restart.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when MOUWAKABA_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_countries",
    "mouwakaba.core",
    "mouwakaba.territories",
    "mouwakaba.accounts",
    "mouwakaba.people",
    "mouwakaba.directory",
    "mouwakaba.cases",
    "mouwakaba.eligibility",
    "mouwakaba.referrals",
    "mouwakaba.indicators",
]
if TESTING:
    # A model that stands for personal data, so that the one door can be tested before
    # the registry exists; it is never installed outside the test suite.
    INSTALLED_APPS.append("mouwakaba.core.tests.scoped")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "mouwakaba.core.middleware.InternalLanguagesMiddleware",
]

ROOT_URLCONF = "mouwakaba.urls"
WSGI_APPLICATION = "mouwakaba.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mouwakaba" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mouwakaba.core.context_processors.languages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'mouwakaba.sqlite3'}"
if PRODUCTION and not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set when MOUWAKABA_ENV=production.")
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE makes a write
        # transaction take its lock at BEGIN instead of failing half way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The application's queries are short and index-driven: compiling them with LLVM (JIT)
    # costs more than it saves (measured: 1.3 s on one caseload query at 1M persons).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and authentication -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Failed logins: after 5 failures for one username from one address, that pair waits
# 15 minutes. Axes' own access log is off: the audit trail records logins.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "mouwakaba.accounts.views.locked_out"

# --- Languages -----------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("fr", _("French")),
    ("en", _("English")),
    ("es", _("Spanish")),
]
# The staff's pages are in these; Spanish serves the public pages (directory, the
# "what could I be entitled to?" check), which migrants from Spanish-speaking countries read.
INTERNAL_LANGUAGES = ["ar", "fr", "en"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Africa/Casablanca")
FORMAT_MODULE_PATH = ["mouwakaba.formats"]

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mouwakaba@localhost")
# The address users reach the application at (https://mouwakaba.example.ma): links in
# e-mails are absolute when it is set.
SITE_URL = os.environ.get("SITE_URL", "")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mouwakaba.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mouwakaba API",
    "DESCRIPTION": "Migrant reception and accompaniment: registry, cases, directory, referrals.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One enum for every country field (nationality, residence, issuing country).
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "django_countries.countries",
        "ReferralStatusEnum": "mouwakaba.referrals.models.ReferralStatus",
        "EligibilityStatusEnum": "mouwakaba.referrals.models.EligibilityStatus",
        "CaseStatusEnum": "mouwakaba.cases.models.CaseStatus",
        "NeedStatusEnum": "mouwakaba.cases.models.NeedStatus",
    },
}

# --- Security --------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging: no personal data, only what operators need ----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes would otherwise log usernames and addresses of every attempt.
        "axes": {"level": "WARNING"},
    },
}

# Case attachments (scans of documents): outside the static root, served only through a
# scoped view that audits every download.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
ATTACHMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

# Duplicate detection: a candidate scoring at least MATCH_THRESHOLD is "match", at least
# POSSIBLE_THRESHOLD "possible" (scores are probabilities, see people/matching/).
MATCH_THRESHOLD = float(os.environ.get("MATCH_THRESHOLD", "0.99"))
POSSIBLE_THRESHOLD = float(os.environ.get("POSSIBLE_THRESHOLD", "0.2"))
# Processes a full duplicate check (find_duplicates --full) compares the registry with, and
# that compute every match key again after an engine change.
MATCHING_JOBS = int(os.environ.get("MATCHING_JOBS", str(min(2, os.cpu_count() or 1))))

# Reference data files shipped with the code (versioned with it).
DATA_DIR = BASE_DIR / "data"

# --- Indicators ---------------------------------------------------------------------------
# Dashboards and reports read figures computed ahead by `manage.py refresh_indicators`
# (cron). A stored figure of a period still running is used while younger than the first
# age, of a finished period while younger than the second; older, the page recomputes it.
INDICATORS_MAX_AGE_RUNNING = timedelta(
    minutes=int(os.environ.get("INDICATORS_MAX_AGE_RUNNING_MINUTES", "60"))
)
INDICATORS_MAX_AGE_FINISHED = timedelta(
    hours=int(os.environ.get("INDICATORS_MAX_AGE_FINISHED_HOURS", "26"))
)
