"""What the clinic's people read: times said in the clinic's zone everywhere (pages and the
command line), the audit log in plain words, and a patient's record as staff need it.

On a real SQLite file, and on PostgreSQL when TRACKER_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator

import pytest
from clinic_support import PUBLIC_URL, Clinic, ClinicBrowser
from conftest import invoke

ANN = "ann@example.org"
DOC = "doc@clinic.example"
BOSS = "boss@clinic.example"
NEW_YORK = "America/New_York"
# 03:30 UTC on 24 November is 22:30 on 23 November in New York (EST, UTC-5).
LATE = dt.datetime(2026, 11, 24, 3, 30, tzinfo=dt.UTC)


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url, time_zone=NEW_YORK)
    made.clock.now = LATE
    yield made
    made.close()


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _visible(response: object) -> str:
    """The page's words, tags out, whitespace folded."""
    words = re.sub(r"<[^>]+>", " ", _text(response))
    return " ".join(html.unescape(words).split())


def _admin(clinic: Clinic) -> ClinicBrowser:
    boss = clinic.browser()
    assert boss.enrol_staff(clinic.init(BOSS), BOSS).status_code == 200
    return boss


def _patient(clinic: Clinic, email: str = ANN) -> ClinicBrowser:
    browser = clinic.browser()
    assert browser.accept(clinic.invite(email)).status_code == 303
    return browser


def _env(db_url: str, zone: str = NEW_YORK) -> dict[str, str]:
    return {"TRACKER_DB": db_url, "TRACKER_PUBLIC_URL": PUBLIC_URL, "TRACKER_TIME_ZONE": zone}


# -- times in the clinic's zone -----------------------------------------------------------


def test_the_staff_page_says_times_in_the_clinics_zone(clinic: Clinic) -> None:
    boss = _admin(clinic)
    added = _visible(boss.form_post("/clinic/staff", {"email": DOC, "role": "clinician"}))
    # The link lasts 72 hours: until 22:30 on 26 November in New York.
    assert "It works once, until 2026-11-26 22:30 EST" in added, added
    listed = _visible(boss.get("/clinic/staff"))
    assert "2026-11-23 22:30 EST" in listed, listed  # the admin's last activity
    assert "UTC" not in added + listed and "2026-11-24" not in listed


def test_the_command_line_says_times_in_the_clinics_zone(clinic: Clinic, db_url: str) -> None:
    _admin(clinic)
    _patient(clinic)
    env = _env(db_url)
    listed = invoke("clinic", "audit", env=env)
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("when (America/New York time)"), lines[0]
    assert all(line.startswith("2026-11-23 22:30:00 EST") for line in lines[2:]), lines
    assert "UTC" not in listed.stdout and "2026-11-24" not in listed.stdout
    # JSON keeps one unambiguous form: ISO 8601 in UTC, with its offset.
    events = json.loads(invoke("clinic", "audit", "--json", env=env).stdout)
    assert events and {e["at"] for e in events} == {"2026-11-24T03:30:00Z"}
    users = invoke("clinic", "user", "list", env=env).stdout
    assert "2026-11-23 22:30 EST" in users and "UTC" not in users, users
    as_json = json.loads(invoke("clinic", "user", "list", "--json", env=env).stdout)
    seen = [a["last_active"] for a in as_json if a["last_active"]]
    assert seen and all(dt.datetime.fromisoformat(s).utcoffset() is not None for s in seen)
    made = invoke("clinic", "user", "add", "nurse@clinic.example", "--role", "clinician", env=env)
    assert made.exit_code == 0, made.output
    # `clinic user add` runs now, not at the test clock: the expiry is 72 hours from now.
    expiry = re.search(r"until (\d{4}-\d\d-\d\d \d\d:\d\d) (\w+)\)", made.stdout)
    assert expiry is not None and expiry.group(2) in {"EST", "EDT"}, made.stdout
    utc = invoke("clinic", "audit", env=_env(db_url, "UTC")).stdout
    assert utc.startswith("when (UTC)") and "2026-11-24 03:30:00 UTC" in utc
