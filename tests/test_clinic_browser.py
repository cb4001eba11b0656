"""A clinic's whole story in a real browser (Debian's chromium), against `tracker clinic serve`
on the database under test (PostgreSQL when TRACKER_TEST_DATABASE_URL is set, else SQLite).

`tracker clinic init` makes the first admin; `tracker clinic user add` a clinician, who
sets a password and enrols an authenticator (the code computed with pyotp from the key the
page shows); another patient with a warning is on the triage list; the clinician invites
Ann from the browser; Ann opens the link on a phone-sized window (360 px), sets a password,
agrees to the consent text, adds her session and checks in on three days, the last with
blisters; the clinician signs in again with a fresh code, finds Ann risen to the top of the
triage list, opens her record and marks it seen, and she moves down; Ann sees who looked.
Screenshots land in TRACKER_SCREENSHOTS (default: the test's tmp folder); axe-core must find
no serious or critical problem on any of these pages, and none scrolls sideways.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from conftest import Chromium, invoke
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from test_web_browser import AXE, fetch_axe

pytestmark = pytest.mark.slow

SECRET = "browser-test-secret-" + "z" * 32
CHECKOUT = Path(__file__).resolve().parents[1]
PASSWORD = "a phone's long passphrase"
ADMIN, DOC = "admin@clinic.example", "doc@clinic.example"
ANN, BOB = "ann@example.org", "bob@example.org"
PHONE, DESKTOP = (360, 800), (1280, 900)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Window:
    """One browser window: a phone or a desk, with a careful tester's habits."""

    def __init__(
        self, chromium: Chromium, base: str, size: tuple[int, int], name: str, shots: Path
    ) -> None:
        # conftest's chromium closes the window after the test.
        self.driver: WebDriver = chromium(*size, phone=size == PHONE)
        self.base, self.size, self.name, self.shots = base, size, name, shots
        self.step = 0
        self.problems: dict[str, list[str]] = {}

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def find(self, css: str) -> Any:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def text(self) -> str:
        return str(self.find("main").text)

    def type(self, css: str, value: str) -> None:
        field = self.find(css)
        field.clear()
        field.send_keys(value)

    def click(self, css: str) -> None:
        element = self.find(css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def submit(self, css: str) -> None:
        old = self.find("html")
        self.click(css)
        WebDriverWait(self.driver, 60).until(lambda _: old.id != self.find("html").id)

    def path(self) -> str:
        return str(self.driver.current_url).removeprefix(self.base)

    def check(self, name: str) -> None:
        """A screenshot of the whole page, and axe-core's serious and critical findings."""
        self.step += 1
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(self.size[0], min(int(height) + 140, 4000))
        self.driver.save_screenshot(str(self.shots / f"{self.name}-{self.step:02d}-{name}.png"))
        self.driver.set_window_size(*self.size)
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        if int(width) > self.size[0]:
            self.problems.setdefault(name, []).append(f"page is {width} px wide")
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done(r.violations.map(v => [v.impact, v.id, v.help])))"
            ".catch(e => done([['critical', 'axe-error', String(e)]]));"
        )
        found = [
            f"{i} {rule}: {words}" for i, rule, words in result if i in ("serious", "critical")
        ]
        if found:
            self.problems.setdefault(name, []).extend(found)


@pytest.fixture
def clinic(db_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """`tracker clinic serve` on a free port, and the environment its commands share."""
    port = _free_port()
    public = f"http://127.0.0.1:{port}"
    env = {
        "TRACKER_SECRET_KEY": SECRET,
        "TRACKER_PUBLIC_URL": public,
        "TRACKER_PASSWORD_MEMORY_KIB": "1024",  # the machine is shared; not what is tested
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tracker",
                "--db",
                db_url,
                "clinic",
                "serve",
                "--port",
                str(port),
            ],
            env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=CHECKOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield public, env
    finally:
        process.terminate()
        process.wait(timeout=30)


def _link(db_url: str, env: dict[str, str], *command: str) -> str:
    done = invoke("--db", db_url, "clinic", *command, env=env)
    assert done.exit_code == 0, done.output
    found = re.search(r"(/welcome/\S+)", done.stdout)
    assert found, done.stdout
    return found.group(1)


def triage(window: Window) -> list[str]:
    """The patients of the triage list, in its order."""
    rows = window.driver.find_elements(By.CSS_SELECTOR, "table.triage tbody th")
    return [str(row.text).strip() for row in rows]


def test_a_clinic_from_init_to_triage_in_the_browser(
    clinic: tuple[str, dict[str, str]], db_url: str, tmp_path: Path, chromium: Chromium
) -> None:
    fetch_axe()
    public, env = clinic
    shots = Path(os.environ.get("TRACKER_SCREENSHOTS", tmp_path / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    today = dt.datetime.now(dt.UTC).date()
    windows: list[Window] = []
    # The clinic is set up: its first admin, then a clinician, each from a one-time link.
    assert _link(db_url, env, "init", ADMIN).startswith("/welcome/")
    doc_link = _link(db_url, env, "user", "add", DOC, "--role", "clinician")
    desk = Window(chromium, public, DESKTOP, "clinician", shots)
    windows.append(desk)
    desk.open(doc_link)
    assert DOC in desk.text()
    desk.check("welcome")
    desk.type("#password", PASSWORD)
    desk.type("#repeated", PASSWORD)
    desk.submit("button[type='submit']")
    assert desk.path() == "/enrol"
    desk.check("enrol")
    key = desk.find("code.secret").text.strip()  # what the authenticator app is given
    desk.type("#code", pyotp.TOTP(key).now())
    enrolled_step = int(time.time() // 30)
    desk.submit("button[type='submit']")
    assert desk.path() == "/enrol"  # the answer: the recovery codes, shown once
    assert len(desk.driver.find_elements(By.CSS_SELECTOR, "ol.recovery-codes li")) == 10
    desk.check("recovery-codes")
    shown = desk.find("html")
    desk.find("a.button.primary").click()  # "I have kept them: continue"
    WebDriverWait(desk.driver, 60).until(lambda _: shown.id != desk.find("html").id)
    assert desk.path() == "/clinic"
    desk.check("clinic-first")

    # The patient, invited, on a phone: password, consent, their session, three days.
    # Another patient, invited by command, with redness past its course: a warning.
    _link(db_url, env, "invite", BOB)
    started = (today - dt.timedelta(days=20)).isoformat()
    for command in (
        ("session", "add", "--date", started, "--kind", "ipl"),
        ("log", "redness=3", "--date", (today - dt.timedelta(days=1)).isoformat()),
    ):
        done = invoke("--db", db_url, "--today", today.isoformat(), "--profile", BOB, *command)
        assert done.exit_code == 0, done.output

    # The clinician invites Ann from the browser: the link is shown once, to send her.
    desk.open("/clinic/invite")
    desk.type("#email", ANN)
    desk.submit("form[action='/clinic/invite'] button[type='submit']")
    ann_link = desk.find("code.secret").text.strip().removeprefix(public)
    assert ann_link.startswith("/welcome/")
    desk.check("invited")
    desk.open("/clinic")
    assert triage(desk)[0] == BOB  # Ann has no session yet: below Bob's warning
    desk.check("triage-before")
    phone = Window(chromium, public, PHONE, "patient", shots)
    windows.append(phone)
    phone.open(ann_link)
    page = phone.text()
    assert ANN in page and "consent" in page.lower()
    phone.check("welcome")
    box = phone.find("input[name='consent']").rect
    assert box["width"] >= 24 and box["height"] >= 24, box  # fresh eyes 3: a 13 px box
    label = phone.find("label.check").rect
    assert label["height"] >= 44 and label["width"] >= 200, label
    phone.type("#password", PASSWORD)
    phone.type("#repeated", PASSWORD)
    phone.click("input[name='consent']")
    phone.submit("button[type='submit']")
    assert phone.path() in ("/", "/sessions"), phone.path()
    phone.check("first-page")
    phone.open("/sessions")
    start = today - dt.timedelta(days=3)
    phone.driver.execute_script(
        "arguments[0].value = arguments[1]", phone.find("#date"), start.isoformat()
    )
    phone.check("add-session")
    phone.submit("form[action='/sessions'] button[type='submit']")
    assert "Added session" in phone.text()
    for offset, values in (
        (1, {"redness": 6, "swelling": 5}),
        (2, {"redness": 7, "swelling": 6}),
    ):
        day = (start + dt.timedelta(days=offset)).isoformat()
        phone.open(f"/?date={day}")
        for symptom, value in values.items():
            phone.click(f"label:has(> input[name='value-{symptom}'][value='{value}'])")
        phone.submit("form.checkin button[type='submit']")
        assert f"Saved for {day}" in phone.text()
    phone.open("/")
    phone.click("label:has(> input[name='value-redness'][value='8'])")
    phone.find("#extra option[value='blistering']").click()
    phone.find("#extra-value option[value='4']").click()
    phone.check("checkin-today")
    phone.submit("form.checkin button[type='submit']")
    status = phone.text()
    assert "Contact your clinic now" in status and "Blisters" in status
    phone.check("status-urgent")

    # The clinician, signed out and in again (password, then a fresh code), sees them.
    desk.driver.delete_all_cookies()
    desk.open("/clinic")
    assert desk.path().startswith("/sign-in")
    desk.check("sign-in")
    desk.type("#email", DOC)
    desk.type("#password", PASSWORD)
    desk.submit("button[type='submit']")
    assert desk.path() == "/code"
    desk.check("code")
    # Each 30 s step's code works once, and enrolment spent one: wait for the next.
    while int(time.time() // 30) <= enrolled_step:
        time.sleep(1)
    desk.type("#code", pyotp.TOTP(key).now())
    desk.submit("button[type='submit']")
    assert desk.path() == "/clinic", desk.text()
    desk.check("triage-after")
    assert triage(desk) == [ANN, BOB]  # Ann's blisters: urgent, at the top
    assert "Urgent" in desk.find("table.triage tbody tr").text

    # The clinician opens Ann's record (read-only) and marks it seen: she moves down.
    desk.click("table.triage tbody tr th a")
    assert "Blisters" in desk.text()
    desk.check("patient-status")
    desk.type("#note", "Called her: seen at the clinic today.")
    desk.submit("button[name='action'][value='seen']")
    desk.open("/clinic")
    assert triage(desk) == [BOB, ANN]
    desk.check("triage-seen")
    # Ann sees who looked at her record, the clinician among them.
    phone.open("/record-views")
    assert DOC in phone.text()
    phone.check("who-looked")
    problems = {w.name + " " + k: v for w in windows for k, v in w.problems.items()}
    assert not problems, problems
