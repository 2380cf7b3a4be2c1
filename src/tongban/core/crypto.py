"""Encryption at rest for personal identifiers, and blind indexes to look them up.

Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``. ``FIELD_ENCRYPTION_KEY`` may
hold several comma-separated keys: the first encrypts, all decrypt, so a key can be
rotated by putting the new one first and re-saving rows. The blind index always uses the
first key; rotating it means recomputing the index column.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _keys() -> list[str]:
    return [key.strip() for key in settings.FIELD_ENCRYPTION_KEY.split(",") if key.strip()]


def _derive(key: str, purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{key}".encode()).digest()


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(k, "encrypt"))) for k in keys])


def encrypt(plaintext: str) -> str:
    return _fernet(tuple(_keys())).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(_keys())).decrypt(token.encode()).decode()


def blind_index(value: str) -> str:
    """A keyed digest: equal values give equal digests, which reveal nothing without the key."""
    return hmac.new(_derive(_keys()[0], "index"), value.encode(), hashlib.sha256).hexdigest()
