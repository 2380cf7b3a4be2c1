"""Login: argon2 hashes, lockout after repeated failures, secure session cookies."""

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tongban.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _login(client, username, password):
    return client.post(reverse("portal:login"), {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = UserFactory()
    user.set_password("another good password")
    user.save()
    assert identify_hasher(user.password).algorithm == "argon2"


def test_five_failures_lock_the_account_even_for_the_right_password(settings):
    settings.TONGBAN_LOCKOUT_FAILURES = 5
    user = UserFactory()
    client = Client()
    for _ in range(5):
        response = _login(client, user.username, "wrong")
        assert response.status_code == 200
    user.refresh_from_db()
    assert user.locked_until is not None
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="account.locked").count() == 1
    assert Notification.objects.filter(recipient=user, channel="sms").exists()


def test_lock_expires(settings):
    settings.TONGBAN_LOCKOUT_FAILURES = 3
    settings.TONGBAN_LOCKOUT_MINUTES = 15
    user = UserFactory()
    client = Client()
    with time_machine.travel("2026-11-27 10:00 +0800", tick=False):
        for _ in range(3):
            _login(client, user.username, "wrong")
    with time_machine.travel("2026-11-27 10:16 +0800", tick=False):
        response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302


def test_success_resets_the_failure_count():
    user = UserFactory()
    client = Client()
    _login(client, user.username, "wrong")
    _login(client, user.username, PASSWORD)
    user.refresh_from_db()
    assert user.failed_logins == 0


def test_session_cookie_is_http_only_and_lax():
    user = UserFactory()
    client = Client()
    response = _login(client, user.username, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def _production_settings(monkeypatch, **env):
    import importlib
    import sys

    for name in ("TONGBAN_SECRET_KEY", "TONGBAN_FIELD_KEY", "TONGBAN_AUDIT_KEY"):
        monkeypatch.setenv(name, env.get(name, f"{name.lower()}-for-test"))
    sys.modules.pop("tongban.settings.production", None)
    return importlib.import_module("tongban.settings.production")


def test_production_profile_marks_cookies_secure(monkeypatch):
    production = _production_settings(monkeypatch)
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_HSTS_SECONDS >= 31536000


def test_production_refuses_to_start_without_shared_keys(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="TONGBAN_AUDIT_KEY"):
        _production_settings(monkeypatch, TONGBAN_AUDIT_KEY="")


def test_login_and_logout_are_audited():
    user = UserFactory()
    client = Client()
    _login(client, user.username, PASSWORD)
    client.post(reverse("portal:logout"))
    actions = list(
        AuditEntry.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )
    assert actions == ["account.login", "account.logout"]
