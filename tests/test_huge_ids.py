"""An id or session number in a URL too large for the database is "not found", like any
other number no row has: never a 500 (SQLite could not bind it: OverflowError) nor
PostgreSQL's out-of-range error (fresh eyes 2, finding 3). Every `<int:...>` route of both
apps, GET and POST, on real SQLite and PostgreSQL (TRACKER_TEST_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from clinic_support import Clinic
from werkzeug.routing import IntegerConverter

from tracker.web.routing import LARGEST_ROW_NUMBER

TOO_LARGE = ("99999999999999999999", "9223372036854775808", str(LARGEST_ROW_NUMBER + 1))


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


def _numbered_paths(app: object, number: str, method: str = "GET") -> list[str]:
    """Every rule taking `method` with a number in it, each number `number`."""
    made = []
    for rule in app.url_map.iter_rules():  # type: ignore[attr-defined]
        converters = rule._converters
        if not any(isinstance(c, IntegerConverter) for c in converters.values()):
            continue
        if method not in rule.methods:
            continue  # another method's rule: 405 is its answer, whatever the number
        path = rule.rule
        for name in converters:
            path = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{name}>", number, path)
        made.append(path)
    return sorted(set(made))


def test_private_mode_says_not_found_for_a_number_no_database_holds(db_url: str) -> None:
    from web_support import BASE, Browser

    browser = Browser(db_url, dt.date(2026, 11, 24))
    try:
        browser.sign_in()
        paths = _numbered_paths(browser.app, TOO_LARGE[0])
        assert len(paths) >= 3, paths  # sessions, photos: the premise
        for number in TOO_LARGE:
            for method in ("GET", "POST"):
                for path in _numbered_paths(browser.app, number, method):
                    data = None if method == "GET" else {"csrf": browser.keys.csrf_token}
                    answer = browser.client.open(BASE + path, method=method, data=data)
                    # A POST whose number no rule can take meets Werkzeug's method check
                    # first (the GET rule of the same path): 405, the tracker's own page.
                    # Neither is a crash; before the bound it was a 500.
                    allowed = {404} if method == "GET" else {404, 405}
                    assert answer.status_code in allowed, (method, path, answer.status_code)
                    assert "Recovery tracker" in answer.get_data(as_text=True)
    finally:
        browser.close()


def test_hosted_mode_says_not_found_for_a_number_no_database_holds(clinic: Clinic) -> None:
    patient = clinic.browser()
    assert patient.accept(clinic.invite("ann@example.org")).status_code == 303
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff("doc@example.org", "clinician"), "doc@example.org")
    boss = clinic.browser()
    boss.enrol_staff(clinic.add_staff("boss@example.org", "admin"), "boss@example.org")
    paths = _numbered_paths(clinic.app(), TOO_LARGE[0])
    assert any(p.startswith("/clinic/patients/") for p in paths), paths  # the premise
    for browser in (patient, doc, boss):
        for number in TOO_LARGE:
            for path in _numbered_paths(clinic.app(), number):
                answer = browser.get(path)
                assert answer.status_code == 404, (path, answer.status_code)
                assert "Recovery tracker" in answer.get_data(as_text=True)
