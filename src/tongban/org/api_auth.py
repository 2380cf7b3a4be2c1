"""API authentication: a department system's bearer token, or a logged-in browser session."""

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from tongban.core.context import Actor, set_actor

from .actions import token_digest
from .models import ApiClient
from .policy import ANONYMOUS, Principal, principal_for_client, principal_for_user


class ClientToken(HttpBearer):
    """``Authorization: Bearer tb_<prefix>_<secret>``; returns the client's principal."""

    def authenticate(self, request, token: str):
        parts = token.split("_")
        if len(parts) < 3 or parts[0] != "tb":
            return None
        client = ApiClient.objects.select_related("agency").filter(token_prefix=parts[1]).first()
        if client is None or not client.is_active or client.token_digest != token_digest(token):
            return None
        if client.expires_at and client.expires_at <= timezone.now():
            return None
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        principal = principal_for_client(client)
        request.principal = principal
        set_actor(Actor(user_id=None, label=principal.label, role="api_client"))
        return principal


class Session(SessionAuth):
    """The browser session (CSRF-checked for writes)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        principal = principal_for_user(user)
        request.principal = principal
        return principal


class OptionalSession(Session):
    """Public endpoints: anyone, with the session's principal when there is one."""

    def __call__(self, request):
        return super().__call__(request) or principal_anonymous(request)


def principal_anonymous(request) -> Principal:
    request.principal = ANONYMOUS
    return ANONYMOUS


AUTH = [ClientToken(), Session()]
PUBLIC = [ClientToken(), OptionalSession()]
