"""`tracker serve` itself: a real waitress server on loopback, its key, and Ctrl-C."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import TODAY, Run


class Served:
    def __init__(self, process: subprocess.Popen[str], url: str, printed: str) -> None:
        self.process = process
        self.printed = printed
        self.url = url
        parts = urlsplit(url)
        self.host = parts.hostname or ""
        self.port = parts.port or 0
        self.token = parts.query.split("=", 1)[1]
        self.cookie = ""

    def request(
        self,
        method: str,
        path: str,
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        sent = {"Cookie": self.cookie, **(headers or {})}
        if body is not None:
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.read()
        return response

    def sign_in(self) -> None:
        response = self.request("GET", f"/?token={self.token}")
        assert response.status == 303
        self.cookie = response.getheader("Set-Cookie", "").split(";")[0]


def start(db_url: str, *extra: str, env: dict[str, str] | None = None) -> Served:
    command = [
        sys.executable,
        "-m",
        "tracker",
        "--db",
        db_url,
        "--today",
        TODAY.isoformat(),
        "serve",
        *([] if env else ["--no-browser"]),
        "--port",
        "0",
        *extra,
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    assert process.stdout is not None
    seen = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        found = re.search(r"(http://\S+\?token=\S+)", line)
        if found:
            return Served(process, found.group(1), "".join(seen))
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError("serve printed no address: " + "".join(seen))


def stop(served: Served) -> str:
    served.process.send_signal(signal.SIGINT)
    out, _ = served.process.communicate(timeout=30)
    assert served.process.returncode == 0, out
    return out


@pytest.fixture
def served(db_url: str, session_id: int) -> Iterator[Served]:
    found = start(db_url)
    yield found
    if found.process.poll() is None:
        found.process.kill()
        found.process.communicate()


def test_serve_listens_on_loopback_with_a_fresh_key_and_stops_on_ctrl_c(
    served: Served, db_url: str
) -> None:
    assert served.host == "127.0.0.1"
    assert len(served.token) >= 40
    assert served.request("GET", "/status").status == 403
    # The way in never leads to another site, whatever path the address holds.
    away = served.request("GET", f"//evil.example/?token={served.token}")
    assert away.status == 303
    assert away.getheader("Location") == "/"  # no such page of the tracker: the start page
    served.sign_in()
    assert served.request("GET", "/status").status == 200
    evil = served.request("GET", "/status", headers={"Host": "evil.example"})
    assert evil.status == 403
    assert "Stopped." in stop(served)
    again = start(db_url)
    try:
        assert again.token != served.token  # a new key each start
    finally:
        stop(again)


def test_serve_warns_when_listening_beyond_this_computer(db_url: str) -> None:
    # 127.0.0.2 is still loopback, so the test reaches nothing else; but it is not the
    # default address, which is what the warning is about.
    served = start(db_url, "--host", "127.0.0.2")
    stop(served)
    assert "Warning: serving on 127.0.0.2" in served.printed


def test_a_taken_port_is_refused_in_one_line(db_url: str) -> None:
    served = start(db_url)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tracker",
                "--db",
                db_url,
                "serve",
                "--no-browser",
                "--port",
                str(served.port),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 1
        assert done.stderr.strip() == (
            f"Error: Port {served.port} is already in use; choose another with --port N "
            "(--port 0 takes any free port)."
        )
    finally:
        stop(served)


def test_a_page_write_and_a_command_line_log_at_the_same_moment_both_land(
    served: Served, db_url: str, run: Run
) -> None:
    served.sign_in()
    page = served.request("GET", "/")
    assert page.status == 200
    connection = http.client.HTTPConnection(served.host, served.port, timeout=30)
    connection.request("GET", "/", headers={"Cookie": served.cookie})
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', connection.getresponse().read().decode())
    assert csrf is not None
    results: dict[str, int] = {}

    def web_write() -> None:
        body = f"csrf={csrf.group(1)}&date={TODAY.isoformat()}&value-itching=4&care=ice-pack"
        results["web"] = served.request("POST", "/checkin", body=body).status

    def cli_write() -> None:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tracker",
                "--db",
                db_url,
                "--today",
                TODAY.isoformat(),
                "log",
                "redness=5",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        results["cli"] = done.returncode

    threads = [threading.Thread(target=web_write), threading.Thread(target=cli_write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {"web": 303, "cli": 0}
    logged = {(e["symptom"], e["severity"]) for e in json.loads(run("history", "--json").stdout)}
    assert logged == {("itching", 4), ("redness", 5)}
    stop(served)


def test_help_and_serve_help_load_no_web_framework() -> None:
    probe = (
        "import sys\n"
        "from tracker.cli import cli\n"
        "for args in (['--help'], ['serve', '--help']):\n"
        "    try:\n"
        "        cli(args, prog_name='tracker')\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0, exit.code\n"
        "web = ('flask', 'waitress', 'jinja2', 'werkzeug')\n"
        "heavy = sorted(m for m in web if m in sys.modules)\n"
        "print(','.join(heavy) or 'none')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "serve     Open the tracker as a web page" in done.stdout
    assert "--no-browser" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "none"


def test_the_wheel_ships_templates_and_static_files() -> None:
    import tracker.web

    folder = Path(tracker.web.__file__).parent
    assert (folder / "templates" / "today.html").is_file()
    assert (folder / "static" / "style.css").is_file()
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert '"tracker.web" = ["templates/*.html", "static/*.css", "static/*.js"' in pyproject


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "70000 is out of range: give a port number from 0 to 65535"),
        (["--port", "eighty"], "'eighty' is not a number: give a port number"),
        (["--bogus"], "No such option '--bogus'"),
        # Every address: the page's Host check would refuse each browser that came.
        (["--host", "0.0.0.0"], "give this computer's own address on the network"),
        (["--host", "::"], "give this computer's own address on the network"),
        # Any spelling of every address (issue 23): parsed, not matched.
        *(
            (["--host", spelling], f"{spelling} (every address of this computer)")
            for spelling in ("0", "0.0", "0x0", "00.0.0.0", "::0", "0:0::0", "::ffff:0.0.0.0")
        ),
        (["--host", "a\x1b[2J"], "'a\\x1b[2J': that is not an address or a computer's name"),
        (["--host", "no-such-host.invalid"], "no such address or name here"),
    ],
)
def test_malformed_serve_arguments_are_refused_before_serving(
    run: Run, args: list[str], message: str
) -> None:
    result = run("serve", "--no-browser", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_numeric_address_is_served_in_its_usual_spelling() -> None:
    from tracker.web.server import bind_address

    assert bind_address("127.1") == "127.0.0.1"  # what a browser sends as the Host
    assert bind_address("0177.0.0.1") == "127.0.0.1"
    assert bind_address("localhost") == "localhost"
    assert bind_address("::1") == "::1"


def test_the_browser_is_opened_without_the_key_in_any_command_line(
    db_url: str, session_id: int, tmp_path: Path
) -> None:
    """Another user's `ps` shows every command line: the browser gets a private file's
    name, and the file (readable by this user alone) holds the keyed address."""
    seen = tmp_path / "seen"
    browser = tmp_path / "browser.sh"
    browser.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{seen}.args"\n'
        f'env > "{seen}.env"\n'
        'file="${1#file://}"\n'
        f'stat -c %a "$file" "$(dirname "$file")" > "{seen}.modes"\n'
        f'cat "$file" > "{seen}.part" && mv "{seen}.part" "{seen}.page"\n'  # whole, or none
    )
    browser.chmod(0o700)
    served = start(db_url, env={"BROWSER": str(browser)})
    try:
        deadline = time.monotonic() + 20
        while not Path(f"{seen}.page").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        arguments = Path(f"{seen}.args").read_text()
        assert served.token not in arguments
        assert served.token not in Path(f"{seen}.env").read_text()
        assert arguments.startswith("file:///") and arguments.strip().endswith("/open.html")
        assert Path(f"{seen}.modes").read_text().split() == ["600", "700"]
        page = Path(f"{seen}.page").read_text()
        assert f'content="0;url={served.url}"' in page
        opener = Path(arguments.strip().removeprefix("file://"))
        assert opener.exists()
    finally:
        stop(served)
    assert not opener.exists() and not opener.parent.exists()


def test_slow_clients_cannot_keep_the_page_from_a_browser(served: Served) -> None:
    """Slowloris on loopback, bounded: 101 sockets (one past waitress's 100 connections)
    each sending a header line every second; a browser's request still gets its page."""
    import socket

    sockets: list[socket.socket] = []
    try:
        for _ in range(101):
            attacker = socket.create_connection((served.host, served.port), timeout=5)
            attacker.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n")
            sockets.append(attacker)
        started = time.monotonic()
        answered: list[int] = []

        def browser() -> None:
            answered.append(served.request("GET", "/status").status)

        asking = threading.Thread(target=browser, daemon=True)
        asking.start()
        while asking.is_alive() and time.monotonic() - started < 15:
            for attacker in sockets:  # keep every slow request alive, a line a second
                with contextlib.suppress(OSError):
                    attacker.sendall(b"X-a: b\r\n")
            asking.join(1)
        assert answered == [403]  # the page's own answer (no key): the server was reached
        assert time.monotonic() - started < 10
    finally:
        for attacker in sockets:
            attacker.close()


def test_the_real_server_takes_a_phone_sized_photo_and_refuses_a_large_form(
    served: Served, run: Run
) -> None:
    """waitress lets through the largest body a route takes (a photo); the app still holds
    every other form to its own small limit."""
    import io

    from PIL import Image

    served.sign_in()
    connection = http.client.HTTPConnection(served.host, served.port, timeout=30)
    connection.request("GET", "/", headers={"Cookie": served.cookie})
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', connection.getresponse().read().decode())
    assert csrf is not None
    noise = Image.effect_noise((1400, 1400), 90).convert("RGB")
    jpeg = io.BytesIO()
    noise.save(jpeg, "JPEG", quality=95)
    assert len(jpeg.getvalue()) > 1_000_000  # a phone's photo, far above the forms' 64 KiB
    boundary = "photo-boundary"
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (("csrf", csrf.group(1)), ("date", TODAY.isoformat()))
    )
    body = (
        (
            f'{head}--{boundary}\r\nContent-Disposition: form-data; name="photo"; '
            'filename="IMG_0001.JPG"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + jpeg.getvalue()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    sent = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    added = served.request("POST", "/photos", body=body, headers=sent)
    assert added.status == 303, added.status
    assert len(json.loads(run("photo", "list", "--json").stdout)) == 1
    padded = f"csrf={csrf.group(1)}&date={TODAY.isoformat()}&note={'x' * 70_000}"
    assert served.request("POST", "/checkin", body=padded).status == 413
    stop(served)
