"""A clinician on a phone (360 px, Debian's chromium) against `tracker clinic serve`: every
staff page has the header (who is signed in, their role, the staff pages), and none of them
scrolls sideways, with a long e-mail address in the header and in the lists; axe-core finds
no serious or critical problem. Screenshots in TRACKER_SCREENSHOTS (default: tmp folder).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pyotp
import pytest
from conftest import Chromium, invoke
from selenium.webdriver.support.ui import WebDriverWait
from test_clinic_browser import (  # noqa: F401 (clinic: the fixture)
    DESKTOP,
    PASSWORD,
    PHONE,
    Window,
    _link,
    clinic,
)
from test_web_browser import fetch_axe

pytestmark = pytest.mark.slow

DOC = "dr.somebody-with-a-very-long-name.of-the-dermatology-department@clinic.example"
ANN = "ann.another-rather-long-address-for-a-phone@example.org"
# A patient's record as staff read it (the report is a PDF; staff have no Sessions page).
RECORD_PAGES = ("", "chart", "history", "views")


def test_staff_pages_on_a_phone_have_the_header_and_fit(
    clinic: tuple[str, dict[str, str]],  # noqa: F811
    db_url: str,
    tmp_path: Path,
    chromium: Chromium,
) -> None:
    fetch_axe()
    public, env = clinic
    shots = Path(os.environ.get("TRACKER_SCREENSHOTS", tmp_path / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    today = dt.datetime.now(dt.UTC).date()
    _link(db_url, env, "invite", ANN)
    for command in (
        ("session", "add", "--date", (today - dt.timedelta(days=5)).isoformat(), "--kind", "ipl"),
        ("log", "redness=8", "blistering=4", "--date", today.isoformat()),
    ):
        done = invoke("--db", db_url, "--today", today.isoformat(), "--profile", ANN, *command)
        assert done.exit_code == 0, done.output
    phone = Window(chromium, public, PHONE, "staff-phone", shots)
    phone.open(_link(db_url, env, "user", "add", DOC, "--role", "clinician"))
    phone.type("#password", PASSWORD)
    phone.type("#repeated", PASSWORD)
    phone.submit("button[type='submit']")
    key = phone.find("code.secret").text.strip()
    phone.type("#code", pyotp.TOTP(key).now())
    phone.submit("button[type='submit']")
    assert phone.path() == "/enrol"  # the answer: the recovery codes, shown once
    phone.check("recovery-codes")
    shown = phone.find("html")
    phone.find("a.button.primary").click()  # "I have kept them: continue"
    WebDriverWait(phone.driver, 60).until(lambda _: shown.id != phone.find("html").id)
    assert phone.path() == "/clinic"
    phone.check("triage")
    phone.click("table.triage tbody tr th a")
    patient = phone.path()
    assert patient.startswith("/clinic/patients/")
    pages = ["/clinic/invite", "/clinic/audit", *(patient + p for p in RECORD_PAGES)]
    for path in pages:
        phone.open(path)
        header = phone.find(".staff-bar").text
        assert DOC in header and "clinician" in header, (path, header)
        for label in ("Triage", "Invite a patient", "Audit log"):
            assert label in header, (path, label)
        phone.check(path.strip("/").replace("/", "-") or "home")
    # A patient who forgot the password (no e-mail here): a new sign-in link, to give.
    phone.open(patient)
    phone.submit("form.new-link button[type='submit']")
    assert phone.path() == patient + "link"
    assert f"A new sign-in link for {ANN}." in phone.text()
    assert "/welcome/" in phone.find("code.secret").text
    phone.check("new-sign-in-link")
    assert not phone.problems, phone.problems
    # The same record's pages on a desk (1280 px), signed in anew with the authenticator.
    desk = Window(chromium, public, DESKTOP, "staff-desk", shots)
    desk.open("/sign-in")
    desk.type("#email", DOC)
    desk.type("#password", PASSWORD)
    desk.submit("button[type='submit']")
    # The next step's code (accepted one step either side): the enrolment's is spent.
    desk.type("#code", pyotp.TOTP(key).at(time.time() + 30))
    desk.submit("button[type='submit']")
    for path in ["/clinic/audit", *(patient + p for p in RECORD_PAGES)]:
        desk.open(path)
        assert DOC in desk.find(".staff-bar").text, path
        desk.check(path.strip("/").replace("/", "-"))
    assert not desk.problems, desk.problems
