"""Test profile: the default profile with fast hashing (argon2 stays in the list)."""

from .base import *  # noqa: F403
from .base import PASSWORD_HASHERS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests reuse primary keys after each rollback: a shared fragment cache would serve one
# test's page to the next.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
