"""Test settings: fast hashing, in-memory mail, tasks run immediately."""

from .base import *

DEBUG = False
SECRET_KEY = "test-only-key-0123456789abcdef0123456789abcdef0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# Webhook tests post to a server on 127.0.0.1 (the refusal of such addresses is tested with
# this switched off).
UME_WEBHOOK_ALLOW_PRIVATE = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
ACCOUNT_RATE_LIMITS = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": VAR_DIR / "test.sqlite3"}
# The live server and the test client find static files themselves; no collectstatic in tests.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]
