"""`tracker clinic serve`: real app processes on loopback sharing one database.

Two servers (two processes, each its own app) take one patient's requests alternately, and
gunicorn runs the app factory in several workers, as a clinic's production server does.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from clinic_support import PASSWORD, SECRET

from tracker.domain.accounts import CONSENT_VERSION
from tracker.services import accounts
from tracker.services.databases import Database, locate

pytestmark = pytest.mark.slow
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, db_url: str, port: int, public: str, *extra: str, **settings: str) -> None:
        self.port = port
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "TRACKER_SECRET_KEY": SECRET,
            "TRACKER_PUBLIC_URL": public,
            "TRACKER_PASSWORD_MEMORY_KIB": "64",
            "TRACKER_CONFIG": "",
            **settings,
        }
        command = [sys.executable, "-m", "tracker", "clinic", "serve", "--db", db_url]
        self.process = subprocess.Popen(
            [*command, "--port", str(port), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )

    def wait(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return ""
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.process.kill()
        out, _ = self.process.communicate()
        raise AssertionError(f"the server did not start: {out}")

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=60)
        return out


class Patient:
    """A browser: one cookie jar, sent to whichever server; the public Host always."""

    def __init__(self, public_host: str) -> None:
        self.host = public_host
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(
        self,
        port: int,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        sent: dict[str, str] | None = None,
    ) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": self.host, **(sent or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({"csrf": self.csrf, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in header or "expires=Thu, 01 Jan 1970" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        found = CSRF.search(text)
        if found:
            self.csrf = found.group(1)
        return response.status, response.getheader("Location", ""), text


@pytest.fixture
def invited(db_url: str) -> Iterator[str]:
    database = Database(locate(db_url))
    with database.writing() as store:
        token = accounts.invite_patient(store, "ann@example.org", dt.datetime.now(dt.UTC)).token
    database.dispose()
    yield token


def test_two_server_processes_serve_one_patient_alternately(db_url: str, invited: str) -> None:
    first_port, second_port = _free_port(), _free_port()
    public = f"http://127.0.0.1:{first_port}"
    first = Server(db_url, first_port, public)
    second = Server(db_url, second_port, public)
    try:
        first.wait()
        second.wait()
        ann = Patient(f"127.0.0.1:{first_port}")
        ports = [first_port, second_port]
        ann.request(ports[0], "GET", f"/welcome/{invited}")
        sent = {"password": PASSWORD, "repeated": PASSWORD, "consent": CONSENT_VERSION}
        assert ann.request(ports[1], "POST", f"/welcome/{invited}", sent)[:2] == (303, "/")
        ann.request(ports[0], "GET", "/sessions")
        added = ann.request(ports[1], "POST", "/sessions", {"date": "2026-11-20", "kind": "ipl"})
        assert added[0] == 303
        for n, day in enumerate(("2026-11-21", "2026-11-22", "2026-11-23")):
            port = ports[n % 2]
            ann.request(port, "GET", "/")
            form = {"date": day, "value-redness": str(6 - n), "session": "1"}
            assert ann.request(ports[(n + 1) % 2], "POST", "/checkin", form)[0] == 303
        for port in ports:
            status, _, page = ann.request(port, "GET", "/history?session=1")
            assert status == 200 and all(d in page for d in ("2026-11-21", "2026-11-23"))
        ann.request(ports[0], "GET", "/")
        assert ann.request(ports[1], "POST", "/sign-out", {})[0] == 303
        assert ann.request(ports[0], "GET", "/status")[:2] == (303, "/sign-in")
    finally:
        first_out, second_out = first.stop(), second.stop()
    assert "plain HTTP" in first_out and "Traceback" not in first_out + second_out


def test_gunicorn_runs_the_app_factory_in_several_workers(db_url: str, invited: str) -> None:
    port = _free_port()
    public = f"http://127.0.0.1:{port}"
    server = Server(db_url, port, public, "--workers", "2")
    try:
        server.wait()
        ann = Patient(f"127.0.0.1:{port}")
        ann.request(port, "GET", f"/welcome/{invited}")
        sent = {"password": PASSWORD, "repeated": PASSWORD, "consent": CONSENT_VERSION}
        assert ann.request(port, "POST", f"/welcome/{invited}", sent)[:2] == (303, "/")
        for _ in range(6):  # whichever worker takes each, the session is known
            assert ann.request(port, "GET", "/status")[0] == 200
    finally:
        out = server.stop()
    assert "Booting worker" in out and "Traceback" not in out


def _addresses(db_url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(locate(db_url).url)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT address FROM login_sessions")).scalars().all()
    engine.dispose()
    return [str(address) for address in found]


@pytest.mark.parametrize("workers", ["1", "2"])  # waitress in this process; gunicorn
def test_serve_trusts_the_one_proxy_in_front(db_url: str, invited: str, workers: str) -> None:
    """Loopback only, so what sends X-Forwarded-For is the proxy in front: the app (each
    gunicorn worker) takes the browser's address from it (rate limits, the audit log)."""
    port = _free_port()
    server = Server(db_url, port, f"http://127.0.0.1:{port}", "--workers", workers)
    try:
        server.wait()
        ann = Patient(f"127.0.0.1:{port}")
        proxy = {"X-Forwarded-For": "203.0.113.5"}
        ann.request(port, "GET", f"/welcome/{invited}", sent=proxy)
        form = {"password": PASSWORD, "repeated": PASSWORD, "consent": CONSENT_VERSION}
        assert ann.request(port, "POST", f"/welcome/{invited}", form, proxy)[:2] == (303, "/")
    finally:
        out = server.stop()
    assert _addresses(db_url) == ["203.0.113.5"]
    assert "TRACKER_TRUSTED_PROXIES=1; 0 believes none" in out
    assert "TRACKER_TRUSTED_PROXIES is 0" not in out and "Traceback" not in out


def test_with_no_proxy_trusted_the_first_forwarded_request_is_said_in_the_log(
    db_url: str, invited: str
) -> None:
    port = _free_port()
    public = f"http://127.0.0.1:{port}"
    server = Server(db_url, port, public, TRACKER_TRUSTED_PROXIES="0")
    try:
        server.wait()
        ann = Patient(f"127.0.0.1:{port}")
        assert ann.request(port, "GET", "/sign-in")[0] == 200
        for _ in range(2):
            sent = {"X-Forwarded-For": "198.51.100.66"}
            assert ann.request(port, "GET", "/sign-in", sent=sent)[0] == 200
    finally:
        out = server.stop()
    assert "(TRACKER_TRUSTED_PROXIES=0)" in out  # the start says what it believes
    assert out.count("TRACKER_TRUSTED_PROXIES is 0") == 1, out
    assert "set TRACKER_TRUSTED_PROXIES=1" in out and "Traceback" not in out
