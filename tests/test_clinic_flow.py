"""The hosted clinic's flow gaps a fresh-eyes pass found (issue 26): the treatment day
among the days not logged, a wrong method told as a forged form, a forgotten password
without e-mail sent in a circle, the clinic's own name and urgent contact on its pages.
On real SQLite and PostgreSQL (TRACKER_TEST_DATABASE_URL), with Flask's test client."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from clinic_support import Clinic, ClinicBrowser

ANN = "ann@example.org"
DOC = "doc@example.org"
BOSS = "boss@example.org"


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


def _visible(response: object) -> str:
    """The page's words, tags out, whitespace folded."""
    text = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _patient(clinic: Clinic, email: str = ANN) -> ClinicBrowser:
    browser = clinic.browser()
    assert browser.accept(clinic.invite(email)).status_code == 303
    return browser


def _staff(clinic: Clinic, email: str = DOC, role: str = "clinician") -> ClinicBrowser:
    browser = clinic.browser()
    browser.enrol_staff(clinic.add_staff(email, role), email)
    assert browser.get("/clinic").status_code == 200
    return browser


def _profile_id(clinic: Clinic, email: str = ANN) -> int:
    with clinic.database.reading() as store:
        return {e: pid for pid, e in store.patient_emails().items()}[email]


# -- the treatment day is not a day missed ------------------------------------------------


def test_the_treatment_day_is_not_listed_among_the_days_not_logged(clinic: Clinic) -> None:
    # The clinic's today is 2026-11-24; the session was on the 19th (day 0). Ann logs days
    # 1, 2, 4 and 5 (today), as she was asked: "every day after each session".
    ann = _patient(clinic)
    ann.get("/sessions")
    assert ann.post("/sessions", {"date": "2026-11-19", "kind": "ipl"}).status_code == 303
    for date in ("2026-11-20", "2026-11-21", "2026-11-23", "2026-11-24"):
        ann.get(f"/?date={date}")
        sent = ann.post("/checkin", {"date": date, "value-redness": "3"})
        assert sent.status_code == 303, _visible(sent)
    doc = _staff(clinic)
    for page in (ann.get("/status"), doc.get(f"/clinic/patients/{_profile_id(clinic)}/")):
        said = _visible(page)
        assert "Days not logged yet: 2026-11-22." in said, said
        assert "2026-11-19" not in said.split("Days not logged yet")[1]
        assert "Check in for today" not in said
