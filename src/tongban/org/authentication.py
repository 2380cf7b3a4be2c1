"""Login with lockout after repeated failures (argon2 hashes are set in settings)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit, notifications
from tongban.core.context import Actor
from tongban.core.sql import WithChildren

from .models import StaffAssignment, User


def is_locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > timezone.now())


def lock_message(user: User) -> str:
    until = timezone.localtime(user.locked_until)
    return _(
        "This account is locked after too many failed logins. Try again after %(time)s, "
        "or ask the platform administrator to unlock it."
    ) % {"time": until.strftime("%H:%M")}


def record_failure(user: User) -> None:
    """Count a failed login; the N-th failure locks the account and tells its owner."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins", "locked_until"])
        actor = Actor(user_id=None, label=f"login:{user.get_username()}", role="anonymous")
        audit.record(
            "account.login_failed", user, actor=actor, changes={"failed_logins": user.failed_logins}
        )
        if user.failed_logins >= settings.TONGBAN_LOCKOUT_FAILURES:
            user.locked_until = timezone.now() + timedelta(minutes=settings.TONGBAN_LOCKOUT_MINUTES)
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])
            audit.record(
                "account.locked",
                user,
                actor=actor,
                changes={"locked_until": user.locked_until.isoformat()},
            )
            notifications.notify(
                user,
                _("Your account was locked"),
                _(
                    "After %(count)s failed logins your tongban account is locked for "
                    "%(minutes)s minutes. If this was not you, tell the platform administrator."
                )
                % {
                    "count": settings.TONGBAN_LOCKOUT_FAILURES,
                    "minutes": settings.TONGBAN_LOCKOUT_MINUTES,
                },
                channels=[notifications.Channel.INBOX, notifications.Channel.SMS],
            )


def record_success(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None


def unlock(user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit.record("account.unlocked", user)


# The session's user, read on every logged-in request, with their role assignments (the
# policy asks for them on nearly every staff request): one statement, built once.
_USER_WITH_ASSIGNMENTS = WithChildren(
    User, StaffAssignment, "user", ["agency", "service_point", "window"], ["role", "id"]
)


class LockoutModelBackend(ModelBackend):
    """Django's model backend that refuses locked accounts and counts failures."""

    def get_user(self, user_id):
        """As Django's: the active user with this id, or None (read with a prepared query)."""
        if type(user_id) is not int:
            return super().get_user(user_id)
        user, assignments = _USER_WITH_ASSIGNMENTS(user_id, using=router.db_for_read(User))
        if user is not None:
            user._tongban_assignments = tuple(assignments)  # see ``loaded_assignments``
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            User().set_password(password)  # same time as a real check: no user enumeration
            return None
        if is_locked(user):
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            record_success(user)
            return user
        record_failure(user)
        return None
