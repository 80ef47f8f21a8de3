"""Development settings: `make run` on 127.0.0.1 with the console mail backend."""

from .base import *

DEBUG = env_bool("UME_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # WebAuthn on http://127.0.0.1 during development
