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
    def __init__(self, db_url: str, port: int, public: str, *extra: str) -> None:
        self.port = port
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "TRACKER_SECRET_KEY": SECRET,
            "TRACKER_PUBLIC_URL": public,
            "TRACKER_PASSWORD_MEMORY_KIB": "64",
            "TRACKER_CONFIG": "",
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
        self, port: int, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": self.host}
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
