"""WSGI entry point (gunicorn ume.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ume.settings.production")
application = get_wsgi_application()
