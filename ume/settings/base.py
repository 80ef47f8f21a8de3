"""Base settings shared by every environment.

Configuration comes from environment variables so that one code base serves the embedded SQLite
default (``make run``) and a production PostgreSQL deployment (``DATABASE_URL``).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("UME_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


SECRET_KEY = os.environ.get("UME_SECRET_KEY", "")
DEBUG = env_bool("UME_DEBUG")
ALLOWED_HOSTS = env_list("UME_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("UME_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ume.core",
    "ume.catalogue",
    "ume.measures",
    "ume.soa",
    "ume.assets",
    "ume.risks",
    "ume.notifications",  # last: its demo raises the reminders of the other apps' demo records
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # SECURE_CSP below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ume.core.middleware.JapaneseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "ume.core.middleware.AuditActorMiddleware",
    "ume.core.middleware.OrganisationMiddleware",
    "ume.core.middleware.RequireMfaMiddleware",
]

ROOT_URLCONF = "ume.urls"
WSGI_APPLICATION = "ume.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ume" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ume.core.context_processors.ume",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default: WAL so readers never block the writer, IMMEDIATE transactions so
# writers queue on BEGIN (this also serialises audit-chain appends), and a busy timeout.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA busy_timeout=20000; PRAGMA cache_size=-20000;"
    ),
}


def database_from_env(default_path: Path) -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        db = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        default_path.parent.mkdir(parents=True, exist_ok=True)
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": default_path}
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["OPTIONS"] = {**SQLITE_OPTIONS, **db.get("OPTIONS", {})}
    return db


DATABASES = {"default": database_from_env(VAR_DIR / "ume.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Accounts and MFA (django-allauth) -----------------------------------------------------------
# Ume is invitation-only: no open sign-up. Login is by e-mail address.
ACCOUNT_ADAPTER = "ume.core.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Ume"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
MFA_PASSKEY_LOGIN_ENABLED = False

# Rate limits (login, failed logins per account and per client, password reset, MFA) are kept in
# the cache below, so every worker process shares one budget and a restart does not reset it.
# Failed logins: 10 a minute from one client address, 5 in 5 minutes for one account.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# The client's address behind a reverse proxy (the documented nginx sets X-Forwarded-For):
# UME_TRUSTED_PROXY_COUNT is the number of proxies in front of Ume (1 for one nginx), or name a
# header that the proxy sets and clients cannot forge with UME_CLIENT_IP_HEADER (e.g. X-Real-IP).
# Without either, the address is the TCP peer's: behind a proxy, every client would share it.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("UME_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("UME_CLIENT_IP_HEADER") or None

# Webhooks post only to https addresses on the internet; a closed network (or the tests) may
# allow http and hosts inside it.
UME_WEBHOOK_ALLOW_HTTP = env_bool("UME_WEBHOOK_ALLOW_HTTP", False)
UME_WEBHOOK_ALLOW_PRIVATE = env_bool("UME_WEBHOOK_ALLOW_PRIVATE", False)

# The address users open Ume at: links in mail the worker sends (no request to take it from).
UME_SITE_URL = os.environ.get("UME_SITE_URL", "http://127.0.0.1:8000/")

# --- Cache -------------------------------------------------------------------------------------
# Django's database cache needs no other server and is shared by all workers (the table is
# created by the migrations). UME_CACHE_URL=redis://host:6379/0 uses Redis instead.
CACHE_URL = os.environ.get("UME_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ume_cache",
        }
    }

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "ume" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "ume" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("UME_MEDIA_ROOT", VAR_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- UI ----------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
# A filter left open reads "All" (すべて), not "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("All")
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/ume.html"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ume.core.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ume.core.api.permissions.PolicyPermission"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "ume.core.api.schema.UmeAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "ume.core.api.base.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ume API",
    "DESCRIPTION": "REST API of Ume, the ISMS platform (ISO/IEC 27001:2022 / JIS Q 27001:2023).",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",  # for ``webhooks``: the payload Ume posts is part of the description
    "WEBHOOKS": ["ume.notifications.api.schema.notification_webhook"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # self-hosted, no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "ume.catalogue.choices.Level",
        "ImplementationStatusEnum": "ume.soa.choices.ImplementationStatus",
        "MeasureStatusEnum": "ume.measures.choices.MeasureStatus",
        "RoleEnum": "ume.core.choices.Role",
    },
}

# --- Background tasks (Django's tasks framework on the database; `manage.py db_worker`) ----------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- E-mail ------------------------------------------------------------------------------------
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("UME_EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("UME_EMAIL_PORT", "25")),
            "username": os.environ.get("UME_EMAIL_HOST_USER", ""),
            "password": os.environ.get("UME_EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("UME_EMAIL_USE_TLS"),
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("UME_DEFAULT_FROM_EMAIL", "ume@localhost")

# --- Security defaults (hardened further in production.py) ---------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Content-Security-Policy (Django's built-in CSP; enforced, not report-only) -----------------
# Every asset is self-hosted, so 'self' is the only source. The few inline <script>s carry
# {{ csp_nonce }}; there is no 'unsafe-inline' or 'unsafe-eval' anywhere: htmx runs with
# allowEval off and without its injected indicator <style> (meta htmx-config in base.html;
# the indicator rules are in ume.css), inline style="" attributes are classes in ume.css (one
# vendor attribute is allowed by hash, below), and the Swagger UI page loads its init script
# from a URL (SpectacularSwaggerSplitView).
# data: images are Tabler's CSS icons and allauth's TOTP QR code. JSON data blocks
# (<script type="application/json">, used by allauth's WebAuthn pages) are not executed, so
# CSP does not apply to them. form-action 'self': an external SSO provider added later must
# be listed here, since Chromium also checks the redirect after a form post.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # One exact style attribute, on two buttons of DRF's browsable API (vendor template); no
    # other inline style runs.
    "style-src-attr": [CSP.UNSAFE_HASHES, "'sha256-OfgyIBrd+/vP79JdFMYP+re4T+fIenvkrHPD2HZ8/cs='"],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# --- end of Content-Security-Policy ----------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("UME_LOG_LEVEL", "WARNING")},
}

# Ume-specific settings.
UME_EXPORT_MAX_ROWS = 200_000
UME_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
UME_IMPORT_MAX_BYTES = int(os.environ.get("UME_IMPORT_MAX_BYTES", 5 * 1024 * 1024))
# The other import limits (ume.core.importing.DEFAULT_LIMITS) may be set the same way.
for _limit in ("INFLATED", "XML_TAGS", "PARTS", "SHEETS", "ROWS", "COLUMNS", "CELLS"):
    if f"UME_IMPORT_MAX_{_limit}" in os.environ:
        globals()[f"UME_IMPORT_MAX_{_limit}"] = int(os.environ[f"UME_IMPORT_MAX_{_limit}"])
UME_INVITATION_DAYS = 14
