"""Production settings: PostgreSQL via DATABASE_URL, HTTPS behind a reverse proxy.

Required environment: UME_SECRET_KEY, UME_ALLOWED_HOSTS, DATABASE_URL (recommended).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *

DEBUG = False
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set UME_SECRET_KEY to a random string of at least 50 characters.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("UME_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("UME_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LOGGING["root"]["level"] = os.environ.get("UME_LOG_LEVEL", "INFO")
