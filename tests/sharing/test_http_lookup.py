"""A source behind the HTTP adapter, asked through ``lookup``: the answer is recorded; a
source that keeps failing is recorded as ``error`` and then, breaker open, as
``circuit_open`` without being asked; it is asked again once the breaker half-opens."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tongban.org.policy import SYSTEM
from tongban.sharing import services
from tongban.sharing.models import MaterialVerification, SharingQuery

from .conftest import use_adapter


class Exchange(BaseHTTPRequestHandler):
    status = 200
    asked: list = []

    def do_GET(self):
        Exchange.asked.append((self.path, self.headers.get("X-Token")))
        body = json.dumps({"name": "李四", "alive": True}).encode()
        self.send_response(Exchange.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body if Exchange.status == 200 else b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def exchange():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Exchange)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Exchange.status, Exchange.asked = 200, []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def case(sw, exchange):
    case = sw.draft()
    MaterialVerification.objects.all().delete()
    SharingQuery.objects.all().delete()
    use_adapter("population", "http", base_url=exchange, path="/v1/persons/{subject}",
                retries=0, failures_to_open=2, open_seconds=0.3, timeout=1,
                header_name="X-Token", header_value="secret")  # fmt: skip
    return case


def ask(sw, case):
    return services.lookup(SYSTEM, "population", sw.subject, case=case, purpose="核验")


def test_the_answer_is_recorded(sw, case):
    answer = ask(sw, case)

    assert answer.found and answer.data["name"] == "李四"
    assert Exchange.asked == [(f"/v1/persons/{sw.subject}", "secret")]
    query = SharingQuery.objects.get(pk=answer.query_id)
    assert query.adapter == "http" and query.returned == {"name": "李四", "alive": True}


def test_the_breaker_opens_fails_fast_and_closes_again(sw, case):
    Exchange.status = 500
    outcomes = [ask(sw, case) for _ in range(3)]
    assert len(Exchange.asked) == 2  # the third failed fast
    assert all(not a.found and a.error for a in outcomes)
    recorded = list(SharingQuery.objects.order_by("pk").values_list("outcome", flat=True))
    assert recorded == ["error", "error", "circuit_open"]

    time.sleep(0.35)  # half open: the next one is let through
    Exchange.status = 200
    assert ask(sw, case).found
    assert ask(sw, case).found  # closed again
    assert len(Exchange.asked) == 4
