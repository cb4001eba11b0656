"""A staff member's TOTP recovery codes: ten shown once at enrolment, kept only hashed, each
usable once in place of the authenticator's code, a new set (with the password) voiding the
old, and a new link (a lost phone) voiding them too.

On a real SQLite file, and on PostgreSQL when TRACKER_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from clinic_support import PASSWORD, Clinic, ClinicBrowser
from sqlalchemy import text

from tracker.domain.throttle import LIMITS, Scope

DOC = "doc@clinic.example"
ANN = "ann@example.org"
PER_PAIR = next(limit for limit in LIMITS if limit.scope is Scope.PAIR)


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _doc(clinic: Clinic) -> ClinicBrowser:
    doc = clinic.browser()
    assert doc.enrol_staff(clinic.add_staff(DOC), DOC).status_code == 200
    doc.sign_out()
    return doc


def _rows(clinic: Clinic, sql: str) -> list[tuple[object, ...]]:
    with clinic.database.reading() as store:
        return [tuple(row) for row in store._tx.execute(text(sql)).all()]


def _with_code(clinic: Clinic, code: str, address: str | None = None) -> ClinicBrowser:
    browser = clinic.browser(address=address)
    assert browser.sign_in(DOC).headers["Location"] == "/code"
    browser.get("/code?recovery=1")
    browser.last = browser.post("/code", {"code": code, "recovery": "1"})  # type: ignore[attr-defined]
    return browser


def test_ten_codes_are_shown_once_at_enrolment_and_kept_only_hashed(clinic: Clinic) -> None:
    doc = clinic.browser()
    shown = doc.enrol_staff(clinic.add_staff(DOC), DOC)
    codes = doc.recovery_codes
    assert shown.status_code == 200 and len(codes) == len(set(codes)) == 10
    assert "not shown again" in _text(shown)
    assert doc.get("/clinic").status_code == 200  # signed in fully already
    stored = _rows(clinic, "SELECT code_hash, used_at FROM recovery_codes")
    assert len(stored) == 10 and all(used is None for _, used in stored)
    dump = repr(_rows(clinic, "SELECT * FROM recovery_codes")) + repr(
        _rows(clinic, "SELECT * FROM audit_events")
    )
    assert not any(code in dump or code.replace("-", "") in dump for code in codes)
    page = doc.get("/account/recovery-codes")
    assert page.status_code == 200 and "10 unused recovery codes" in _text(page)
    assert not any(code in _text(page) for code in codes)


def test_a_recovery_code_signs_in_once_in_place_of_the_app(clinic: Clinic) -> None:
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    codes = doc.recovery_codes
    doc.sign_out()
    first = _with_code(clinic, codes[3].upper().replace("-", " "))  # as typed from paper
    assert first.last.headers["Location"] == "/clinic"  # type: ignore[attr-defined]
    landed = first.get("/clinic")
    assert landed.status_code == 200 and "Codes left: 9" in _text(landed)
    again = _with_code(clinic, codes[3])
    refused = again.last  # type: ignore[attr-defined]
    assert refused.status_code == 400 and "not one of your unused recovery codes" in _text(refused)
    assert again.get("/clinic").headers["Location"] == "/code"  # not signed in by it
    events = [what for (what,) in _rows(clinic, "SELECT what FROM audit_events ORDER BY id")]
    assert "recovery code used (9 left)" in events


def test_wrong_recovery_codes_are_throttled_like_codes(clinic: Clinic) -> None:
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    right = doc.recovery_codes[0]
    doc.sign_out()
    guesser = clinic.browser(address="198.51.100.7")
    guesser.sign_in(DOC)
    guesser.get("/code?recovery=1")
    for n in range(PER_PAIR.most):
        wrong = f"aaaaa-aaa{n + 2}{n + 2}"
        assert guesser.post("/code", {"code": wrong, "recovery": "1"}).status_code == 400
    ended = guesser.post("/code", {"code": right, "recovery": "1"})
    assert ended.headers["Location"] == "/sign-in"  # even the right one: paused
    assert guesser.get("/clinic").headers["Location"] == "/sign-in"
    # The staff member elsewhere still gets in with that code: it was not spent.
    assert _with_code(clinic, right, address="203.0.113.5").last.headers["Location"] == "/clinic"  # type: ignore[attr-defined]


def test_a_new_set_needs_the_password_and_voids_the_old(clinic: Clinic) -> None:
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    old = doc.recovery_codes
    doc.get("/account/recovery-codes")
    wrong = doc.post("/account/recovery-codes", {"current": "not my password"})
    assert wrong.status_code == 400 and "not your password now" in _text(wrong)
    made = doc.post("/account/recovery-codes", {"current": PASSWORD})
    assert made.status_code == 200 and "earlier codes no longer work" in _text(made)
    from clinic_support import RECOVERY_CODE

    new = RECOVERY_CODE.findall(_text(made))
    assert len(new) == 10 and not set(new) & set(old)
    doc.sign_out()
    assert _with_code(clinic, old[0]).last.status_code == 400  # type: ignore[attr-defined]
    assert _with_code(clinic, new[0]).last.headers["Location"] == "/clinic"  # type: ignore[attr-defined]
    events = [what for (what,) in _rows(clinic, "SELECT what FROM audit_events ORDER BY id")]
    assert "new recovery codes refused: wrong current password" in events
    assert events.count("recovery codes made (10); any earlier ones void") == 2


def test_a_new_link_after_a_lost_phone_voids_the_codes(clinic: Clinic) -> None:
    from tracker.services import accounts

    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    with clinic.database.writing() as store:
        token = accounts.new_link(store, DOC, clinic.clock()).token
    back = clinic.browser()
    back.accept(token, password="a new long password", agree=False)
    assert _rows(clinic, "SELECT COUNT(*) FROM recovery_codes") == [(0,)]
    back.get("/enrol")
    clinic.clock.advance(seconds=30)
    again = back.post("/enrol", {"code": clinic.code(DOC)})
    assert again.status_code == 200 and "new recovery codes" in _text(again)
    assert _rows(clinic, "SELECT COUNT(*) FROM recovery_codes WHERE used_at IS NULL") == [(10,)]


def test_a_recovery_code_is_no_way_around_enrolment(clinic: Clinic) -> None:
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    code = doc.recovery_codes[0]
    from tracker.services import accounts

    with clinic.database.writing() as store:
        token = accounts.new_link(store, DOC, clinic.clock()).token
    back = clinic.browser()
    back.accept(token, password="a new long password", agree=False)
    back.get("/enrol")
    assert back.post("/enrol", {"code": code}).status_code == 400
    assert back.get("/clinic").headers["Location"] == "/enrol"


def test_patients_have_no_recovery_codes_page(clinic: Clinic) -> None:
    ann = clinic.browser()
    ann.accept(clinic.invite(ANN))
    assert ann.get("/account/recovery-codes").status_code == 403
