"""WSGI entry point for gunicorn: ``gunicorn tongban.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
application = get_wsgi_application()

# Load jieba's dictionary while the worker boots, not on the first search (about 1 s).
from tongban.catalog.search import segments  # noqa: E402

segments("预热")
