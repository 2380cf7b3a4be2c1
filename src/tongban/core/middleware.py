"""Request id and actor for every request, read by the audit log and the logs."""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import Actor, _actor, _request_id, new_request_id

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Takes the request id from ``X-Request-ID`` (set by nginx) or makes one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else new_request_id()
        request.request_id = request_id
        token = _request_id.set(request_id)
        actor_token = _actor.set(None)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _actor.reset(actor_token)
        response["X-Request-ID"] = request_id
        return response


def actor_for_user(user) -> Actor | None:
    if user is None or not user.is_authenticated:
        return None
    return Actor(user_id=user.pk, label=user.get_username(), role=getattr(user, "role_label", ""))


class ActorMiddleware:
    """Sets the logged-in user as the actor; API token clients set themselves later."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            _actor.set(actor_for_user(user))
        return self.get_response(request)
