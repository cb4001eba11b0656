"""The clinic's app as it runs: real processes on loopback sharing one database.

Two `tracker clinic serve` processes serve one patient's requests alternately (what a proxy
in front of several processes or machines does); an idle sign-in ends in whichever process
sees it next; failed sign-ins counted in one process lock the account in the other;
`tracker clinic serve --workers 2` runs gunicorn's worker processes; and (where nginx is
installed) the README's nginx site in front, over TLS, with the forwarded headers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import invoke
from sqlalchemy import create_engine, text
from tracker.domain.accounts import CONSENT_VERSION

from tracker.storage.database import resolve

pytestmark = pytest.mark.slow

SECRET = "process-test-secret-" + "y" * 32
PASSWORD = "correct horse battery"
ANN = "ann@example.org"
CHECKOUT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clinic_env(public_url: str, **more: str) -> dict[str, str]:
    return {
        **os.environ,
        "TRACKER_SECRET_KEY": SECRET,
        "TRACKER_PUBLIC_URL": public_url,
        # Argon2id at a small cost: the machine is shared; the cost is not what is tested.
        "TRACKER_PASSWORD_MEMORY_KIB": "1024",
        "PYTHONUNBUFFERED": "1",
        **more,
    }


@dataclass
class Process:
    process: subprocess.Popen[str]
    port: int
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def serve(db_url: str, env: dict[str, str], log: Path, port: int, *extra: str) -> Process:
    """`tracker clinic serve` on this port, once it answers a page."""
    command = [sys.executable, "-m", "tracker", "--db", db_url, "clinic", "serve"]
    command += ["--port", str(port), *extra]
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=CHECKOUT,
            start_new_session=True,
        )
    served = Process(process, port, log)
    host = env["TRACKER_PUBLIC_URL"].split("//")[1]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/sign-in", headers={"Host": host})
            if connection.getresponse().status == 200:
                return served
        time.sleep(0.3)
    served.stop()
    raise AssertionError("clinic serve did not answer: " + log.read_text())


@dataclass
class Phone:
    """A browser: its cookies, the last form's CSRF token, the public name in Host."""

    host: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    def request(
        self,
        port: int,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        tls: bool = False,
    ) -> tuple[int, dict[str, str], str]:
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", port, timeout=30, context=context
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent = {"Host": self.host, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({"csrf": self.csrf, **form})
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        connection.close()
        answer = {k.lower(): v for k, v in response.getheaders()}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";")[0]
        found = CSRF.search(page)
        if found:
            self.csrf = found.group(1)
        return response.status, answer, page


def invite(db_url: str, public_url: str, email: str) -> str:
    done = invoke(
        "--db",
        db_url,
        "clinic",
        "invite",
        email,
        env={"TRACKER_PUBLIC_URL": public_url, "TRACKER_SECRET_KEY": SECRET},
    )
    assert done.exit_code == 0, done.output
    found = re.search(r"/welcome/(\S+)", done.stdout)
    assert found, done.stdout
    return found.group(1)


def rows(db_url: str, sql: str, **params: object) -> list[tuple[object, ...]]:
    engine = create_engine(resolve(db_url).url)
    try:
        with engine.begin() as connection:
            return [tuple(r) for r in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def execute(db_url: str, sql: str, **params: object) -> None:
    engine = create_engine(resolve(db_url).url)
    try:
        with engine.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        engine.dispose()


@pytest.fixture
def two(db_url: str, tmp_path: Path) -> Iterator[tuple[Process, Process, str]]:
    """Two app processes on one database, both answering to the first one's public name
    (a proxy in front would send that name to either)."""
    first_port = free_port()
    public = f"http://127.0.0.1:{first_port}"
    env = clinic_env(public)
    # The first listens on the public port itself; the second on a port of its own.
    first = serve(db_url, env, tmp_path / "one.log", first_port)
    second = serve(db_url, env, tmp_path / "two.log", free_port())
    try:
        yield first, second, public
    finally:
        first.stop()
        second.stop()


def test_two_processes_serve_one_patient_alternately(
    two: tuple[Process, Process, str], db_url: str
) -> None:
    first, second, public = two
    assert first.process.pid != second.process.pid
    phone = Phone(public.split("//")[1])
    token = invite(db_url, public, ANN)
    ports = [first.port, second.port]
    assert phone.request(ports[0], "GET", f"/welcome/{token}")[0] == 200
    form = {"password": PASSWORD, "repeated": PASSWORD, "consent": CONSENT_VERSION}
    status, headers, _ = phone.request(ports[1], "POST", f"/welcome/{token}", form)
    assert status == 303, "the link opened in one process is accepted by the other"
    assert "tracker-session" in phone.cookies
    today = dt.datetime.now(dt.UTC).date()
    assert phone.request(ports[0], "GET", "/sessions")[0] == 200
    added = {"date": (today - dt.timedelta(days=3)).isoformat(), "kind": "ipl"}
    assert phone.request(ports[1], "POST", "/sessions", added)[0] == 303
    for day, value in enumerate((6, 5, 3)):
        date = (today - dt.timedelta(days=2 - day)).isoformat()
        mine, other = ports[day % 2], ports[(day + 1) % 2]
        status, _, page = phone.request(mine, "GET", f"/?date={date}")
        assert status == 200 and "How strong" in page
        sent = {"date": date, "value-redness": str(value)}
        status, headers, _ = phone.request(other, "POST", "/checkin", sent)
        assert status == 303 and headers["location"].endswith("/status"), (status, headers)
        status, _, page = phone.request(mine, "GET", "/status")
        assert status == 200 and f"{value}/10" in page.replace(" ", ""), page[:2000]
    stored = rows(
        db_url,
        "SELECT e.severity FROM entries e JOIN sessions s ON s.id = e.session_id "
        "JOIN profiles p ON p.id = s.profile_id WHERE p.name = :n ORDER BY e.date",
        n=ANN,
    )
    assert [v for (v,) in stored] == [6, 5, 3]
    # Signed out in one process: the other no longer knows the session either.
    phone.request(ports[0], "GET", "/status")
    assert phone.request(ports[0], "POST", "/sign-out", {})[0] == 303
    status, headers, _ = phone.request(ports[1], "GET", "/status")
    assert status == 303 and headers["location"].startswith("/sign-in")


def test_an_idle_sign_in_ends_in_whichever_process_sees_it_next(
    two: tuple[Process, Process, str], db_url: str
) -> None:
    first, second, public = two
    phone = Phone(public.split("//")[1])
    token = invite(db_url, public, ANN)
    phone.request(first.port, "GET", f"/welcome/{token}")
    form = {"password": PASSWORD, "repeated": PASSWORD, "consent": CONSENT_VERSION}
    assert phone.request(first.port, "POST", f"/welcome/{token}", form)[0] == 303

    def idle_for(minutes: int) -> None:
        """The session last seen that long ago (as if the phone had lain unused)."""
        execute(
            db_url,
            "UPDATE login_sessions SET last_seen_at = :t, created_at = :t WHERE revoked_at IS NULL",
            t=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=minutes),
        )

    idle_for(29)  # under the 30 minutes: still signed in, in the other process too
    assert phone.request(second.port, "GET", "/status")[0] == 200
    assert phone.request(first.port, "GET", "/status")[0] == 200
    idle_for(31)
    status, headers, _ = phone.request(second.port, "GET", "/status")
    assert status == 303 and headers["location"] == "/sign-in?expired=1"
    status, headers, _ = phone.request(first.port, "GET", "/status")
    assert status == 303 and headers["location"].startswith("/sign-in")
    ((revoked,),) = rows(db_url, "SELECT COUNT(*) FROM login_sessions WHERE revoked_at IS NOT NULL")
    assert revoked == 1
    # Signing in again works, in either process.
    phone.request(first.port, "GET", "/sign-in")
    sent = {"email": ANN, "password": PASSWORD}
    assert phone.request(second.port, "POST", "/sign-in", sent)[0] == 303
    assert phone.request(first.port, "GET", "/status")[0] == 200


def test_failed_sign_ins_in_one_process_lock_the_account_in_the_other(
    two: tuple[Process, Process, str], db_url: str
) -> None:
    from tracker.domain.accounts import MAX_FAILURES_PER_ACCOUNT

    first, second, public = two
    token = invite(db_url, public, ANN)
    phone = Phone(public.split("//")[1])
    phone.request(first.port, "GET", f"/welcome/{token}")
    form = {"password": PASSWORD, "repeated": PASSWORD, "consent": CONSENT_VERSION}
    assert phone.request(first.port, "POST", f"/welcome/{token}", form)[0] == 303
    thief = Phone(public.split("//")[1])
    thief.request(first.port, "GET", "/sign-in")
    for attempt in range(MAX_FAILURES_PER_ACCOUNT):
        port = (first.port, second.port)[attempt % 2]
        status, _, page = thief.request(
            port, "POST", "/sign-in", {"email": ANN, "password": "guess"}
        )
        assert status == 401 and "do not match" in page
    # The right password now fails too, in either process, with the same words.
    for port in (first.port, second.port):
        status, _, page = thief.request(
            port, "POST", "/sign-in", {"email": ANN, "password": PASSWORD}
        )
        assert status == 401 and "do not match" in page
        assert "tracker-session" not in thief.cookies
    ((failures,),) = rows(db_url, "SELECT COUNT(*) FROM login_failures")
    assert failures >= MAX_FAILURES_PER_ACCOUNT


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def test_clinic_serve_with_workers_runs_gunicorn_worker_processes(
    db_url: str, tmp_path: Path
) -> None:
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    served = serve(db_url, clinic_env(public), tmp_path / "gunicorn.log", port, "--workers", "2")
    try:
        masters = _children(served.process.pid)
        assert len(masters) == 1, masters  # gunicorn's arbiter, started by `clinic serve`
        assert len(_children(masters[0])) == 2  # and its two workers
        phone = Phone(public.split("//")[1])
        token = invite(db_url, public, ANN)
        phone.request(port, "GET", f"/welcome/{token}")
        form = {"password": PASSWORD, "repeated": PASSWORD, "consent": CONSENT_VERSION}
        assert phone.request(port, "POST", f"/welcome/{token}", form)[0] == 303
        for _ in range(12):  # each a new connection: the workers take them in turn
            assert phone.request(port, "GET", "/status")[0] == 200
    finally:
        served.stop()
    assert served.process.returncode == 0, served.log.read_text()
