"""A signed-in user's own account pages: changing the password (every role).

On a real SQLite file, and on PostgreSQL when TRACKER_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from clinic_support import PASSWORD, Clinic, ClinicBrowser

from tracker.domain.throttle import LIMITS, Scope

ANN = "ann@example.org"
DOC = "doc@example.org"
NEW = "a brand new passphrase"
PER_PAIR = next(limit for limit in LIMITS if limit.scope is Scope.PAIR)


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


def _patient(clinic: Clinic, email: str = ANN) -> ClinicBrowser:
    browser = clinic.browser()
    assert browser.accept(clinic.invite(email)).status_code == 303
    return browser


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _events(clinic: Clinic, email: str) -> list[tuple[str, str]]:
    from sqlalchemy import text

    with clinic.database.reading() as store:
        rows = store._tx.execute(
            text(
                "SELECT e.what, e.outcome FROM audit_events e JOIN accounts a "
                "ON a.id = e.actor_id WHERE a.email = :email AND e.what LIKE 'password%' "
                "ORDER BY e.id"
            ),
            {"email": email},
        ).all()
    return [(str(what), str(outcome)) for what, outcome in rows]


def _change(browser: ClinicBrowser, current: str, new: str = NEW, again: str | None = None):  # type: ignore[no-untyped-def]
    form = {"current": current, "password": new, "repeated": new if again is None else again}
    return browser.form_post("/account/password", form)


def test_a_patient_changes_her_password_and_her_other_browsers_are_signed_out(
    clinic: Clinic,
) -> None:
    phone = _patient(clinic)
    laptop = clinic.browser()
    assert laptop.sign_in(ANN).status_code == 303
    page = phone.get("/account/password")
    assert page.status_code == 200 and 'autocomplete="current-password"' in _text(page)
    old_cookie = phone.client.get_cookie("tracker-session", domain="127.0.0.1")
    assert old_cookie is not None
    changed = _change(phone, PASSWORD)
    assert (changed.status_code, changed.headers["Location"]) == (303, "/")
    assert "Your password is changed" in _text(phone.get("/status", follow_redirects=True))
    assert phone.get("/status").status_code == 200  # this browser stays, under a new secret
    new_cookie = phone.client.get_cookie("tracker-session", domain="127.0.0.1")
    assert new_cookie is not None and new_cookie.value != old_cookie.value
    assert laptop.get("/status").headers["Location"].startswith("/sign-in")
    thief = clinic.browser()
    thief.client.set_cookie("tracker-session", old_cookie.value, domain="127.0.0.1")
    assert thief.get("/status").headers["Location"].startswith("/sign-in")
    assert clinic.browser().sign_in(ANN, PASSWORD).status_code == 401
    assert clinic.browser().sign_in(ANN, NEW).status_code == 303
    assert _events(clinic, ANN) == [("password changed", "allowed")]


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "words"),
    [
        ("not my password now", NEW, None, "current", "is not your password now"),
        (PASSWORD, "short", None, "password", "at least 12 characters"),
        (PASSWORD, NEW, NEW + "x", "repeated", "differ"),
    ],
)
def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(
    clinic: Clinic, current: str, new: str, again: str | None, field: str, words: str
) -> None:
    phone = _patient(clinic)
    laptop = clinic.browser()
    laptop.sign_in(ANN)
    refused = _change(phone, current, new, again)
    assert refused.status_code == 400 and words in _text(refused)
    assert f'aria-describedby="{field}-error"' in _text(refused)
    assert laptop.get("/status").status_code == 200  # no one signed out
    assert clinic.browser().sign_in(ANN, PASSWORD).status_code == 303
    counted = [("password change refused: wrong current password", "refused")]
    assert _events(clinic, ANN) == (counted if field == "current" else [])


def test_wrong_current_passwords_are_throttled_like_sign_ins(clinic: Clinic) -> None:
    """A browser left signed in cannot be used to guess the password."""
    phone = _patient(clinic)
    for n in range(PER_PAIR.most):
        assert _change(phone, f"guess number {n}").status_code == 400
    paused = _change(phone, PASSWORD)
    assert paused.status_code == 429 and "not even the right one" in _text(paused)
    assert int(paused.headers["Retry-After"]) > 0
    assert clinic.browser().sign_in(ANN, PASSWORD).status_code == 429  # from here, too
    # From elsewhere the patient signs in, with the password unchanged.
    assert clinic.browser(address="203.0.113.5").sign_in(ANN, PASSWORD).status_code == 303


def test_a_clinician_changes_their_password_and_still_gives_a_code(clinic: Clinic) -> None:
    doc = clinic.browser()
    assert doc.enrol_staff(clinic.add_staff(DOC), DOC).status_code == 200
    assert _change(doc, PASSWORD).headers["Location"] == "/clinic"
    assert doc.get("/clinic").status_code == 200
    again = clinic.browser()
    assert again.sign_in(DOC, NEW).headers["Location"] == "/code"
    clinic.clock.advance(seconds=30)
    assert again.give_code(DOC).headers["Location"] == "/clinic"
    assert _events(clinic, DOC) == [("password changed", "allowed")]


def test_the_page_is_for_someone_fully_signed_in(clinic: Clinic) -> None:
    assert clinic.browser().get("/account/password").headers["Location"] == "/sign-in"
    doc = clinic.browser()
    doc.accept(clinic.add_staff(DOC), agree=False)  # password set, second factor not yet
    assert doc.get("/account/password").headers["Location"] == "/enrol"


def test_the_headers_link_each_role_to_its_own_account_pages(clinic: Clinic) -> None:
    ann = _patient(clinic)
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    boss = clinic.browser()
    boss.enrol_staff(clinic.add_staff("boss@example.org", "admin"), "boss@example.org")
    pages = {
        "patient": _text(ann.get("/status")),
        "clinician": _text(doc.get("/clinic")),
        "admin": _text(boss.get("/clinic")),
    }
    for role, page in pages.items():
        assert 'href="/account/password">Change password</a>' in page, role
        assert ('href="/account/recovery-codes">' in page) == (role != "patient"), role
        assert ('href="/clinic/staff">Staff accounts</a>' in page) == (role == "admin"), role
