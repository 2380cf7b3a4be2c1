"""The two data-source adapters of this app: ``local`` (tables, for the demo and for
registers copied in) and ``http`` (a provincial exchange speaking JSON).

The HTTP adapter has a timeout, retries with backoff for connection errors and 5xx, and
a circuit breaker per source: after ``failures_to_open`` failures in a row it fails fast
for ``open_seconds``, then lets one request through (half open); a success closes it.
"""

import datetime as dt
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tongban.core import crypto, sql
from tongban.core.adapters import register
from tongban.core.adapters.data_sources import SourceRequest

from .models import DataSource, SharedRecord


class CircuitOpen(ConnectionError):
    """The source failed repeatedly; not asked again until the breaker half-opens."""


def age_on(birth: str, today: dt.date) -> int | None:
    try:
        born = dt.date.fromisoformat(birth)
    except (TypeError, ValueError):
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# The register row of a subject: read on every lookup, so written once, not compiled by
# the ORM each time (that cost more than the read). Table names from the models.
_RECORD_SQL = (
    f"SELECT r.data FROM {SharedRecord._meta.db_table} r"  # noqa: S608
    f" JOIN {DataSource._meta.db_table} s ON s.id = r.source_id"
    " WHERE s.code = %s AND r.subject_index = %s ORDER BY r.id LIMIT 1"
)


@register("data_source", "local")
class LocalAdapter:
    def fetch(self, request: SourceRequest) -> dict[str, Any] | None:
        with sql.hot_cursor() as cursor:
            cursor.execute(_RECORD_SQL, [request.source, crypto.blind_index(request.subject)])
            row = cursor.fetchone()
        if row is None or row[0] is None:
            return None
        data = json.loads(row[0]) if isinstance(row[0], str | bytes) else row[0]
        if request.source == "population" and "birth_date" in data:
            # Computed when asked, as a register would: a stored age goes stale.
            data = {**data, "age": age_on(data["birth_date"], timezone.localdate())}
        return data


@dataclass
class Breaker:
    failures: int = 0
    opened_at: float | None = None

    def state(self, open_seconds: float) -> str:
        if self.opened_at is None:
            return "closed"
        return "half_open" if time.monotonic() - self.opened_at >= open_seconds else "open"


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(source: str) -> Breaker:
    with _breakers_lock:
        return _breakers.setdefault(source, Breaker())


def reset_breakers() -> None:
    with _breakers_lock:
        _breakers.clear()


class _Retryable(Exception):
    pass


@register("data_source", "http")
class HttpAdapter:
    def fetch(self, request: SourceRequest) -> dict[str, Any] | None:
        options = request.options
        open_seconds = float(options.get("open_seconds", 30))
        breaker = breaker_for(request.source)
        if breaker.state(open_seconds) == "open":
            raise CircuitOpen(f"{request.source}: circuit open")
        try:
            answer = self._with_retries(request, options)
        except Exception:
            with _breakers_lock:
                breaker.failures += 1
                if breaker.failures >= int(options.get("failures_to_open", 5)):
                    breaker.opened_at = time.monotonic()
            raise
        with _breakers_lock:
            breaker.failures = 0
            breaker.opened_at = None
        return answer

    def _with_retries(self, request: SourceRequest, options: dict) -> dict[str, Any] | None:
        retries = int(options.get("retries", 2))
        delay = float(options.get("backoff", 0.1))
        for attempt in range(retries + 1):
            try:
                return self._once(request, options)
            except _Retryable as error:
                if attempt == retries:
                    raise ConnectionError(str(error)) from None
                time.sleep(delay * (2**attempt))
        return None  # unreachable

    def _once(self, request: SourceRequest, options: dict) -> dict[str, Any] | None:
        base = str(options.get("base_url", "")).rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise ValueError(f"{request.source}: no http(s) base_url configured")
        path = str(options.get("path", "/{subject}")).format(
            subject=urllib.parse.quote(request.subject, safe="")
        )
        headers = {"Accept": "application/json"}
        if options.get("header_name"):
            headers[str(options["header_name"])] = str(options.get("header_value", ""))
        http_request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(  # noqa: S310 (scheme checked above)
                http_request, timeout=float(options.get("timeout", 2))
            ) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            if error.code >= 500:
                raise _Retryable(f"HTTP {error.code}") from None
            raise ConnectionError(f"HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise _Retryable(str(getattr(error, "reason", error))) from None
        try:
            data = json.loads(body)
        except ValueError:
            shown = body[:200].decode("utf-8", "replace")
            raise ValueError(f"{request.source}: the answer is not JSON: {shown!r}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{request.source}: the answer is not a JSON object")
        return data
