"""The hosted clinic's flow gaps a fresh-eyes pass found (issue 26): the treatment day
among the days not logged, a wrong method told as a forged form, a forgotten password
without e-mail sent in a circle, the clinic's own name and urgent contact on its pages.
On real SQLite and PostgreSQL (TRACKER_TEST_DATABASE_URL), with Flask's test client."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterator

import pytest
from clinic_support import PUBLIC_URL, Clinic, ClinicBrowser
from flask import Flask
from web_support import BASE, Browser
from werkzeug.test import TestResponse

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


# -- a wrong method is told as such, and a refused form is not "a private page" -----------

WRONG_METHODS = ("PUT", "DELETE", "PATCH")


def _method_refusals(app: Flask, send: Callable[[str, str], TestResponse]) -> int:
    """Every rule of the app with each method it does not take, sent with no CSRF token
    (a form's check must not answer first): the tracker's 405 page. How many were tried."""
    taken: dict[str, set[str]] = {}  # a path's methods, over every rule at that path
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            path = re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", rule.rule)
            taken.setdefault(path, set()).update(rule.methods or ())
    tried = 0
    for path, methods in taken.items():
        for method in sorted({*WRONG_METHODS, "POST"} - methods):
            answer = send(method, path)
            said = _visible(answer)
            assert answer.status_code == 405, (method, path, said)
            assert "Not possible" in said and f"({method})" in said, (method, path, said)
            assert "did not come from" not in said and "private" not in said, (method, path)
            tried += 1
    return tried


def test_a_wrong_method_gets_the_405_page_not_the_forged_form_page(clinic: Clinic) -> None:
    ann = _patient(clinic)
    for method in WRONG_METHODS:
        answer = ann.client.open(PUBLIC_URL + "/checkin", method=method, data={"x": "1"})
        assert answer.status_code == 405, method
        assert "This address is not used that way" in _visible(answer)
    tried = _method_refusals(
        ann.app, lambda method, path: ann.client.open(PUBLIC_URL + path, method=method)
    )
    signed_out = clinic.browser()
    tried += _method_refusals(
        signed_out.app,
        lambda method, path: signed_out.client.open(PUBLIC_URL + path, method=method),
    )
    assert tried > 100  # the premise: many rules, each with methods it does not take


def test_a_wrong_method_on_the_private_page_gets_the_405_page(db_url: str) -> None:
    browser = Browser(db_url, dt.date(2026, 11, 24))
    try:
        browser.sign_in()
        tried = _method_refusals(
            browser.app, lambda method, path: browser.client.open(BASE + path, method=method)
        )
        assert tried > 50
        # Without the key the page stays private, whatever the method.
        stranger = Browser(db_url, dt.date(2026, 11, 24))
        refused = stranger.client.open(BASE + "/checkin", method="PUT")
        assert refused.status_code == 403 and "This page is private" in _visible(refused)
        stranger.close()
    finally:
        browser.close()


@pytest.mark.parametrize("path", ["/sign-in", "/forgotten"])
def test_a_refused_public_form_is_not_called_a_private_page(clinic: Clinic, path: str) -> None:
    browser = clinic.browser()
    browser.get(path)
    answer = browser.client.post(PUBLIC_URL + path, data={"email": ANN, "password": "x" * 12})
    said = _visible(answer)
    assert answer.status_code == 403
    assert "This form was not accepted" in said and "nothing was changed" in said
    assert "private" not in said
