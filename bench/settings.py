"""The platform's settings plus the bench's own endpoint (``bench.urls``): a baseline
measured on the very same stack (gunicorn, Django, ninja, session, CSRF, PostgreSQL)."""

from tongban.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
