"""Production profile: HTTPS only, secure cookies, HSTS. Passes ``check --deploy``.

Behind nginx terminating TLS: nginx sets ``X-Forwarded-Proto``.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

# Every machine of a deployment must share these: a key generated per machine would make
# ID numbers unreadable elsewhere and the audit chain unverifiable.
for _name in ("TONGBAN_SECRET_KEY", "TONGBAN_FIELD_KEY", "TONGBAN_AUDIT_KEY"):
    if not os.environ.get(_name, "").strip():
        raise ImproperlyConfigured(f"{_name} must be set in production (see docs/deploy.md)")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("TONGBAN_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]  # load balancers probe gunicorn directly
SECURE_HSTS_SECONDS = int(os.environ.get("TONGBAN_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
