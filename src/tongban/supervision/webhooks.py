"""The webhook port (审管互动 → a department's system): how a pushed result is POSTed.

Port ``supervision_webhook`` in :mod:`tongban.core.adapters`: ``http`` (the real thing:
urllib with a timeout) and ``local`` (answers 200 and keeps the request in memory, for a
demo or a test without a receiver). ``settings.TONGBAN_ADAPTERS["supervision_webhook"]``
chooses; ``http`` when unset. The adapter only sends: the delivery task records, retries
and decides (``delivery``).

The signature (see docs/supervision-webhooks.md): ``X-Tongban-Signature: sha256=<hex>``,
the HMAC-SHA256 with the endpoint's secret of ``<timestamp>.<body>`` where the timestamp
is the ``X-Tongban-Timestamp`` header (Unix seconds).
"""

import hashlib
import hmac
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings

from tongban.core.adapters import get_adapter, register

PORT = "supervision_webhook"
SIGNATURE_HEADER = "X-Tongban-Signature"
TIMESTAMP_HEADER = "X-Tongban-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-Tongban-Event"
EXCERPT_CHARS = 500


@dataclass(frozen=True)
class WebhookRequest:
    url: str
    body: bytes
    headers: dict[str, str]
    timeout: float


@dataclass(frozen=True)
class WebhookResponse:
    status: int
    body: bytes = b""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def excerpt(self) -> str:
        return self.body[:EXCERPT_CHARS].decode("utf-8", "replace")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver checks (constant-time comparison)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def adapter():
    name = getattr(settings, "TONGBAN_ADAPTERS", {}).get(PORT, "http")
    return get_adapter(PORT, name)


@register(PORT, "http")
class HttpWebhook:
    """POST with urllib. Any answer is returned (the caller decides what a 4xx means);
    no answer at all (refused, timed out, reset) raises ``ConnectionError``."""

    def post(self, request: WebhookRequest) -> WebhookResponse:
        if not request.url.startswith(("http://", "https://")):
            raise ValueError(f"not an http(s) URL: {request.url!r}")
        http_request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            request.url,
            data=request.body,
            headers={"Content-Type": "application/json; charset=utf-8", **request.headers},
            method="POST",
        )
        try:
            with urllib.request.urlopen(http_request, timeout=request.timeout) as answer:  # noqa: S310
                return WebhookResponse(status=answer.status, body=answer.read(64 * 1024))
        except urllib.error.HTTPError as error:
            body = error.read(64 * 1024) if error.fp is not None else b""
            return WebhookResponse(status=error.code, body=body)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ConnectionError(str(getattr(error, "reason", error)) or repr(error)) from None


@dataclass
class _Sent:
    requests: list[WebhookRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


_sent = _Sent()


@register(PORT, "local")
class LocalWebhook:
    """Accepts everything with 200 and keeps it (this process only): :func:`sent`."""

    def post(self, request: WebhookRequest) -> WebhookResponse:
        with _sent.lock:
            _sent.requests.append(request)
        return WebhookResponse(status=200, body=b'{"received": true}')


def sent() -> list[WebhookRequest]:
    with _sent.lock:
        return list(_sent.requests)


def forget_sent() -> None:
    with _sent.lock:
        _sent.requests.clear()
