"""The HTTP adapter against a real local server: found, 404, timeout, retries after a
5xx, a malformed answer, and the circuit breaker opening, failing fast, half-opening and
closing again."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tongban.core.adapters import get_adapter
from tongban.core.adapters.data_sources import PORT, SourceRequest
from tongban.sharing.adapters import CircuitOpen, breaker_for, reset_breakers


class Register(BaseHTTPRequestHandler):
    script: list = []  # what to answer next: (status, body, delay)
    seen: list = []

    def do_GET(self):
        Register.seen.append(self.path)
        status, body, delay = Register.script.pop(0) if Register.script else (200, {}, 0)
        time.sleep(delay)
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def register():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Register)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Register.script, Register.seen = [], []
    reset_breakers()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    reset_breakers()


def fetch(base, **options):
    request = SourceRequest(
        "population",
        "371402195803120316",
        {"base_url": base, "path": "/persons/{subject}", "timeout": 0.5, "backoff": 0.01,
         **options},
    )  # fmt: skip
    return get_adapter(PORT, "http").fetch(request)


def test_found_and_not_found(register):
    Register.script = [(200, {"name": "李明"}, 0), (404, {}, 0)]
    assert fetch(register) == {"name": "李明"}
    assert fetch(register) is None
    assert Register.seen[0] == "/persons/371402195803120316"


def test_a_5xx_is_retried_then_answered(register):
    Register.script = [(503, {}, 0), (502, {}, 0), (200, {"ok": True}, 0)]
    assert fetch(register, retries=2) == {"ok": True}
    assert len(Register.seen) == 3


def test_a_timeout_fails_after_the_retries(register):
    Register.script = [(200, {}, 1.0), (200, {}, 1.0)]
    with pytest.raises(ConnectionError):
        fetch(register, retries=1, timeout=0.2)
    assert len(Register.seen) == 2


def test_a_malformed_answer_is_an_error(register):
    Register.script = [(200, b"<html>not json</html>", 0)]
    with pytest.raises(ValueError, match="not JSON"):
        fetch(register)


def test_the_breaker_opens_fails_fast_half_opens_and_closes(register):
    Register.script = [(500, {}, 0)] * 2
    options = {"retries": 0, "failures_to_open": 2, "open_seconds": 0.3}
    for _ in range(2):
        with pytest.raises(ConnectionError):
            fetch(register, **options)
    asked = len(Register.seen)
    with pytest.raises(CircuitOpen):
        fetch(register, **options)
    assert len(Register.seen) == asked  # failed fast: the register was not asked
    time.sleep(0.35)
    assert breaker_for("population").state(0.3) == "half_open"
    Register.script = [(200, {"name": "李明"}, 0)]
    assert fetch(register, **options) == {"name": "李明"}
    assert breaker_for("population").state(0.3) == "closed"
