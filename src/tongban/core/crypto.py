"""Encryption at rest for personal identifiers, and blind indexes to look them up.

Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``; the key is derived from
``FIELD_ENCRYPTION_KEY`` so that it can be rotated apart from the session secret.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings


def _derive(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{settings.FIELD_ENCRYPTION_KEY}".encode()).digest()


@cache
def _fernet(key_material: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive("encrypt")))


def encrypt(plaintext: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()


def blind_index(value: str) -> str:
    """A keyed digest: equal values give equal digests, which reveal nothing without the key."""
    return hmac.new(_derive("index"), value.encode(), hashlib.sha256).hexdigest()
