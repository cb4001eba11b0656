"""The clinic's app as it runs: real processes on loopback sharing one database.

Beside tests/test_clinic_serve.py (two processes serving one patient alternately, gunicorn's
workers): an idle sign-in ends in whichever process sees it next; failed sign-ins counted in
one process lock the account in the other; and the README's nginx site and Caddyfile in
front of the app, over TLS, with the forwarded headers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import os
import re
import shutil
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


class Tls(http.client.HTTPSConnection):
    """HTTPS to a proxy on loopback, naming the public name in TLS (SNI) as a phone would;
    its certificate is the test's own (not checked)."""

    def __init__(self, name: str, port: int) -> None:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        super().__init__("127.0.0.1", port, timeout=60, context=context)
        self.name = name

    def connect(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.name)  # type: ignore[attr-defined]


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
            connection: http.client.HTTPConnection = Tls(self.host, port)
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
        answer["set-cookie"] = "\n".join(response.headers.get_all("Set-Cookie") or [])
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
    assert status == 303 and headers["location"] == "/sign-in?expired=1&next=/status"
    status, headers, _ = phone.request(first.port, "GET", "/status")
    assert status == 303 and headers["location"].startswith("/sign-in")
    ((revoked,),) = rows(db_url, "SELECT COUNT(*) FROM login_sessions WHERE revoked_at IS NOT NULL")
    assert revoked == 1
    # Signing in again works, in either process.
    phone.request(first.port, "GET", "/sign-in")
    sent = {"email": ANN, "password": PASSWORD}
    assert phone.request(second.port, "POST", "/sign-in", sent)[0] == 303
    assert phone.request(first.port, "GET", "/status")[0] == 200


def test_failed_sign_ins_in_one_process_pause_that_address_in_the_other(
    two: tuple[Process, Process, str], db_url: str
) -> None:
    from tracker.domain.throttle import LIMITS

    MAX_FAILURES_PER_ACCOUNT = LIMITS[0].most  # one typed address from one network address

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
    # The right password is not checked now either, in either process: paused.
    for port in (first.port, second.port):
        status, _, page = thief.request(
            port, "POST", "/sign-in", {"email": ANN, "password": PASSWORD}
        )
        assert status == 429 and "paused here" in page
        assert "tracker-session" not in thief.cookies
    ((failures,),) = rows(db_url, "SELECT COUNT(*) FROM login_failures")
    assert failures >= MAX_FAILURES_PER_ACCOUNT


# -- behind the README's reverse proxy --------------------------------------------------------

PUBLIC_NAME = "tracker.clinic.example"
DEPLOY = CHECKOUT / "deploy"


def _proxy_tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin")
    if found is None:
        reason = f"{name} is not installed: the README's {name} file is not tried end to end"
        assert os.environ.get("TRACKER_REQUIRE_PROXIES") != "1", reason  # as .ci/run sets
        pytest.skip(reason)
    return found


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={PUBLIC_NAME}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _wait_for_port(port: int, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}: {log.read_text()}")


def _behind_proxy(db_url: str, tmp_path: Path, tls_port: int) -> None:
    """What the README promises with a proxy in front: HTTPS, Secure host-only cookies, the
    client's own address (not one it claims) in the session's record, and photo-sized
    bodies let through."""
    phone = Phone(PUBLIC_NAME)
    token = invite(db_url, f"https://{PUBLIC_NAME}", ANN)
    status, headers, _ = phone.request(tls_port, "GET", f"/welcome/{token}", tls=True)
    assert status == 200 and headers["strict-transport-security"] == "max-age=31536000"
    assert "tracker-form" not in phone.cookies and "__Host-tracker-form" in phone.cookies
    form = {"password": PASSWORD, "repeated": PASSWORD, "consent": CONSENT_VERSION}
    forged = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "http"}
    status, headers, _ = phone.request(
        tls_port, "POST", f"/welcome/{token}", form, headers=forged, tls=True
    )
    assert status == 303, status
    (cookie,) = [c for c in headers["set-cookie"].split("\n") if "tracker-session=" in c]
    assert cookie.startswith("__Host-tracker-session=")
    for attribute in ("Secure", "HttpOnly", "Path=/", "SameSite=Lax"):
        assert attribute in cookie, cookie
    # The device cookie (it keeps this browser out of pauses others cause) is as guarded.
    (device,) = [c for c in headers["set-cookie"].split("\n") if "tracker-device=" in c]
    assert device.startswith("__Host-tracker-device=")
    for attribute in ("Secure", "HttpOnly", "Path=/", "SameSite=Strict"):
        assert attribute in device, device
    ((address,),) = rows(db_url, "SELECT address FROM login_sessions WHERE revoked_at IS NULL")
    assert address == "127.0.0.1"  # the proxy's view of the client, not the forged one
    assert phone.request(tls_port, "GET", "/status", tls=True)[0] == 200
    # A 2 MB body reaches the app (which refuses it as no image), not the proxy's limit.
    phone.request(tls_port, "GET", "/", tls=True)
    boundary = "----tracker-test"
    junk = "x" * (2 * 1024 * 1024)
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{phone.csrf}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n{junk}\r\n--{boundary}--\r\n"
    )
    connection = Tls(PUBLIC_NAME, tls_port)
    connection.request(
        "POST",
        "/photos",
        body=body.encode(),
        headers={
            "Host": PUBLIC_NAME,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in phone.cookies.items()),
        },
    )
    answer = connection.getresponse()
    answer.read()
    assert answer.status in (303, 400), answer.status  # the app's answer; nginx's would be 413


def test_behind_the_readmes_nginx_site(db_url: str, tmp_path: Path) -> None:
    nginx = _proxy_tool("nginx")
    app_port, http_port, tls_port = free_port(), free_port(), free_port()
    env = clinic_env(f"https://{PUBLIC_NAME}", TRACKER_TRUSTED_PROXIES="1")
    app = serve_behind(db_url, env, tmp_path / "app.log", app_port)
    cert, key = _certificate(tmp_path)
    live = f"/etc/letsencrypt/live/{PUBLIC_NAME}/"
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    for old, new in (
        (live + "fullchain.pem", str(cert)),
        (live + "privkey.pem", str(key)),
        ("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;"),
        ("    listen [::]:80;\n", ""),
        ("    listen [::]:443 ssl http2;\n", ""),
    ):
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\ndaemon off;\n"
        f"events {{}}\nhttp {{ include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    log = tmp_path / "nginx.out"
    with log.open("w") as out:
        proxy = subprocess.Popen(
            [nginx, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        _wait_for_port(tls_port, proxy, log)
        plain = Phone(PUBLIC_NAME)
        status, headers, _ = plain.request(http_port, "GET", "/status?x=1")
        assert status == 301 and headers["location"] == f"https://{PUBLIC_NAME}/status?x=1"
        _behind_proxy(db_url, tmp_path, tls_port)
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)
        app.stop()


def test_behind_the_readmes_caddyfile(db_url: str, tmp_path: Path) -> None:
    caddy = _proxy_tool("caddy")
    app_port, http_port, tls_port = free_port(), free_port(), free_port()
    env = clinic_env(f"https://{PUBLIC_NAME}", TRACKER_TRUSTED_PROXIES="1")
    app = serve_behind(db_url, env, tmp_path / "app.log", app_port)
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    # The file as shipped, but on loopback ports, with Caddy's own local CA instead of
    # Let's Encrypt (no network here), and no admin endpoint.
    head, _, body = caddyfile.partition(f"{PUBLIC_NAME} {{")
    assert "email it@clinic.example" in head
    body = body.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    (tmp_path / "Caddyfile").write_text(
        f"{{\n\tadmin off\n\tskip_install_trust\n\thttp_port {http_port}\n"
        f"\thttps_port {tls_port}\n\tstorage file_system {tmp_path / 'caddy-data'}\n}}\n\n"
        f"{PUBLIC_NAME} {{\n\ttls internal\n{body}",
        encoding="utf-8",
    )
    log = tmp_path / "caddy.out"
    with log.open("w") as out:
        proxy = subprocess.Popen(
            [caddy, "run", "--config", str(tmp_path / "Caddyfile"), "--adapter", "caddyfile"],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg")},
        )
    try:
        _wait_for_port(tls_port, proxy, log)
        _behind_proxy(db_url, tmp_path, tls_port)
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)
        app.stop()


def serve_behind(db_url: str, env: dict[str, str], log: Path, port: int) -> Process:
    """The app for a proxy in front: it answers only to the public name, so it is ready
    when its port answers at all."""
    command = [sys.executable, "-m", "tracker", "--db", db_url, "clinic", "serve"]
    command += ["--port", str(port)]
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
    _wait_for_port(port, process, log)  # type: ignore[arg-type]
    return Process(process, port, log)
