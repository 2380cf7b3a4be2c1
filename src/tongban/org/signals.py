"""Logins and logouts go to the audit log (auditors ask who was on duty when)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out

from tongban.core import audit
from tongban.core.context import Actor


def _actor(user) -> Actor:
    return Actor(user_id=user.pk, label=user.get_username(), role=user.role_label)


def _logged_in(sender, request, user, **kwargs) -> None:
    audit.record("account.login", user, actor=_actor(user))


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record("account.logout", user, actor=_actor(user))


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="tongban.org.login")
    user_logged_out.connect(_logged_out, dispatch_uid="tongban.org.logout")
