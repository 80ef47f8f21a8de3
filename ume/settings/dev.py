"""Development settings: `make run` on 127.0.0.1; mail is printed and kept under var/mail/."""

from .base import *

DEBUG = env_bool("UME_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
MAILERS = {
    "default": {
        "BACKEND": "ume.core.mail.DevelopmentEmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
}
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # WebAuthn on http://127.0.0.1 during development
