"""Load over HTTP: a gunicorn with two sync workers, 16 clients (wrk when installed, Python
threads otherwise), p50/p99 per request or requests per second."""

import contextlib
import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections

CLIENTS = 16
REQUESTS_PER_CLIENT = int(os.environ.get("TONGBAN_BENCH_REQUESTS", "100"))
WRK_SECONDS = int(os.environ.get("TONGBAN_BENCH_SECONDS", "15"))
WARM_UP_SECONDS = 3
# Any 32 letters: Django compares the cookie's secret with the header's.
CSRF_SECRET = "benchbenchbenchbenchbenchbench00"


def session_cookie(user) -> str:
    """A logged-in session for ``user``, with a CSRF cookie for writes."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(access_log: str | None = None, settings_module: str | None = None) -> Iterator[int]:
    """Two sync workers, as deploy.md allows; yields the port.

    Not gthread: deploy.md's 4 threads per worker accepted 215–230 cases/s here where sync
    workers accepted 300 (the threads contend for the GIL; the cores are busy anyway).
    The clients send ``Connection: close``, as nginx does without upstream keep-alive
    (sync workers close every connection after one answer in any case).

    ``access_log``: a file for gunicorn's access log, one line per request with the time
    the worker spent on it in microseconds (``server_times`` reads it)."""
    port = _free_port()
    connections.close_all()  # the workers open their own connections
    env = {**os.environ, "TONGBAN_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "tongban.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync",
            "--log-level", "warning",
            *(["--access-logfile", access_log, "--access-logformat", "%(U)s %(s)s %(D)s"]
              if access_log else []),
        ],
        env=env,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def load(port: int, paths: list[str], cookie: str) -> list[float]:
    """GET ``paths`` (picked at random) from 16 Python threads; seconds per request."""
    samples: list[float] = []
    lock = threading.Lock()
    failures = []

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(REQUESTS_PER_CLIENT):
            path = rng.choice(paths)
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "zh-hans"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                failures.append((path, response.status))
        conn.close()
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"failed requests: {failures[:5]} ({len(failures)} in all)")
    return samples


def _run_wrk(port: int, script: str, cookie: str, seconds: int) -> str:
    """wrk, 16 connections: a client in C leaves the two cores to the server, where a
    Python client takes half of them. Raises when any answer was not 2xx."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        output = subprocess.run(
            [
                "wrk", "-t2", f"-c{CLIENTS}", f"-d{seconds}s", "--latency",
                "-H", f"Cookie: {cookie}", "-H", "Accept-Language: zh-hans",
                "-H", "Connection: close",
                "-s", file.name, f"http://127.0.0.1:{port}/",
            ],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(file.name)
    if "Non-2xx" in output:
        raise RuntimeError(f"failed requests:\n{output}")
    return output


def _get_script(paths: list[str]) -> str:
    listed = ", ".join(f'"{path}"' for path in paths)
    return (
        f"local paths = {{{listed}}}\n"
        "request = function()\n"
        '  return wrk.format("GET", paths[math.random(#paths)])\n'
        "end\n"
    )


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def measure_latency(name: str, port: int, paths: list[str], cookie: str) -> None:
    """Print ``<name>_p50`` and ``<name>_p99`` for GETs of ``paths``."""
    if shutil.which("wrk"):
        # Warm up first: each worker opens its connection, fills its caches and prepares
        # its statements; the figures are for a server in its steady state.
        script = _get_script(paths)
        _run_wrk(port, script, cookie, WARM_UP_SECONDS)
        output = _run_wrk(port, script, cookie, WRK_SECONDS)
        found = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
        p50, p99 = _ms(found["50"]), _ms(found["99"])
    else:
        samples = sorted(load(port, paths, cookie))
        p50 = samples[len(samples) // 2] * 1000
        p99 = samples[int(len(samples) * 0.99) - 1] * 1000
    print(f"{name}_p50: {p50:.1f} ms")
    print(f"{name}_p99: {p99:.1f} ms")


def post_rate(port: int, paths: list[str], body: str, cookie: str, seconds: int) -> float:
    """POST ``body`` to each of ``paths`` once, in order, from 16 wrk connections for
    ``seconds`` or until the paths run out; requests per second."""
    return post_load(port, paths, body, cookie, seconds)[0]


def post_load(
    port: int, paths: list[str], body: str, cookie: str, seconds: int
) -> tuple[float, float, float]:
    """As :func:`post_rate`: requests per second, and the p50 and p99 latency in ms."""
    listed = ", ".join(f'"{path}"' for path in paths)
    script = (
        f"local paths = {{{listed}}}\n"
        "local threads = 0\n"
        "function setup(thread) thread:set('first', threads); threads = threads + 1 end\n"
        "function init(args)\n"
        "  n = first + 1\n"
        # wrk.format's own headers replace the command line's: copy the cookie over
        "  headers = {}\n"
        "  for name, value in pairs(wrk.headers) do headers[name] = value end\n"
        "  headers['Content-Type'] = 'application/json'\n"
        f"  headers['X-CSRFToken'] = '{CSRF_SECRET}'\n"
        "end\n"
        "request = function()\n"
        "  local path = paths[n]\n"
        "  n = n + 2\n"
        # out of paths: the thread stops after a harmless request (a repeat would fail)
        "  if path == nil then done = true; return wrk.format('GET', '/api/v1/health') end\n"
        f"  return wrk.format('POST', path, headers, '{body}')\n"
        "end\n"
        "response = function(status, headers, body)\n"
        "  if done then wrk.thread:stop() end\n"
        "end\n"
    )
    output = _run_wrk(port, script, cookie, seconds)
    found = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rate, _ms(found["50"]), _ms(found["99"])


def has_wrk() -> bool:
    return shutil.which("wrk") is not None


def server_times(access_log: str, path_contains: str, skip: int = 0) -> list[float]:
    """Milliseconds the workers spent per request (queueing before a worker took it not
    counted): the access log's lines for paths containing ``path_contains``, after the
    first ``skip`` of them (a warm-up)."""
    with open(access_log) as log:
        times = [
            int(parts[2]) / 1000
            for parts in (line.split() for line in log)
            if len(parts) == 3 and path_contains in parts[0] and parts[1].startswith("2")
        ]
    return times[skip:]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]
