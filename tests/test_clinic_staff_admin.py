"""An administrator's staff page: list, add (the one-time link shown), disable and enable,
never the last active administrator; administrators only; every change audited.

On a real SQLite file, and on PostgreSQL when TRACKER_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from clinic_support import PUBLIC_URL, Clinic, ClinicBrowser
from sqlalchemy import text

BOSS = "boss@clinic.example"
DOC = "doc@clinic.example"
ANN = "ann@example.org"


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _admin(clinic: Clinic) -> ClinicBrowser:
    boss = clinic.browser()
    assert boss.enrol_staff(clinic.init(BOSS), BOSS).status_code == 200
    return boss


def _id(clinic: Clinic, email: str) -> int:
    with clinic.database.reading() as store:
        account = store.accounts().by_email(email)
    assert account is not None
    return account.id


def _events(clinic: Clinic) -> list[tuple[str, str, str | None]]:
    with clinic.database.reading() as store:
        rows = store._tx.execute(
            text(
                "SELECT e.what, e.outcome, a.email FROM audit_events e "
                "LEFT JOIN accounts a ON a.id = e.actor_id "
                "WHERE e.what LIKE 'staff%' OR e.what LIKE 'account %' ORDER BY e.id"
            )
        ).all()
    return [(str(what), str(outcome), email) for what, outcome, email in rows]


def test_an_administrator_adds_a_clinician_who_signs_in_with_the_link(clinic: Clinic) -> None:
    boss = _admin(clinic)
    page = boss.get("/clinic/staff")
    assert page.status_code == 200 and f"{BOSS} (you)" in _text(page)
    added = boss.post("/clinic/staff", {"email": DOC, "role": "clinician"})
    shown = _text(added)
    assert added.status_code == 200 and f"{DOC} is added as clinician" in shown
    (link,) = re.findall(re.escape(PUBLIC_URL) + r"/welcome/[A-Za-z0-9_-]+", shown)
    doc = clinic.browser()
    assert doc.enrol_staff(link.rsplit("/", 1)[1], DOC).status_code == 200
    assert doc.get("/clinic").status_code == 200
    listed = _text(boss.get("/clinic/staff"))
    assert DOC in listed and "link not used yet" not in listed
    assert _events(clinic)[-1:] == [(f"staff account added: {DOC} (clinician)", "allowed", BOSS)]
    # The link itself is never in the audit log.
    assert all(link.rsplit("/", 1)[1] not in what for what, _, _ in _events(clinic))


@pytest.mark.parametrize(
    ("email", "role", "words"),
    [
        ("not an address", "clinician", "not an e-mail address"),
        (DOC, "patient", "clinician or an administrator"),
        (BOSS, "admin", "already exists"),
    ],
)
def test_a_wrong_addition_is_refused_in_words(
    clinic: Clinic, email: str, role: str, words: str
) -> None:
    boss = _admin(clinic)
    boss.get("/clinic/staff")
    refused = boss.post("/clinic/staff", {"email": email, "role": role})
    assert refused.status_code in (400, 409) and words in _text(refused)
    assert "/welcome/" not in _text(refused)


def test_disable_and_enable_a_clinician(clinic: Clinic) -> None:
    boss = _admin(clinic)
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    assert doc.get("/clinic").status_code == 200
    boss.get("/clinic/staff")
    done = boss.post(f"/clinic/staff/{_id(clinic, DOC)}/disable")
    assert done.status_code == 200 and f"{DOC} is disabled" in _text(done)
    assert doc.get("/clinic").headers["Location"].startswith("/sign-in")  # signed out now
    assert clinic.browser().sign_in(DOC).status_code == 401
    again = boss.post(f"/clinic/staff/{_id(clinic, DOC)}/enable")
    assert again.status_code == 200 and f"{DOC} is enabled" in _text(again)
    assert clinic.browser().sign_in(DOC).headers["Location"] == "/code"
    assert _events(clinic)[-2:] == [
        (f"account disabled: {DOC}", "allowed", BOSS),
        (f"account enabled: {DOC}", "allowed", BOSS),
    ]


def test_the_last_active_administrator_is_never_disabled(clinic: Clinic) -> None:
    boss = _admin(clinic)
    boss.get("/clinic/staff")
    refused = boss.post(f"/clinic/staff/{_id(clinic, BOSS)}/disable")
    assert refused.status_code == 409 and "last active administrator" in _text(refused)
    assert boss.get("/clinic/staff").status_code == 200  # still signed in, still admin
    assert _events(clinic)[-1] == (f"account disable refused: {BOSS}", "refused", BOSS)
    # With a second administrator who has signed up, either may go, but not both.
    other = "second@clinic.example"
    clinic.browser().enrol_staff(clinic.add_staff(other, "admin"), other)
    boss.get("/clinic/staff")
    assert boss.post(f"/clinic/staff/{_id(clinic, other)}/disable").status_code == 200
    assert boss.post(f"/clinic/staff/{_id(clinic, BOSS)}/disable").status_code == 409


def test_the_command_line_keeps_the_last_administrator_too(clinic: Clinic) -> None:
    from tracker.domain.errors import TrackerError
    from tracker.services import accounts

    _admin(clinic)
    with (
        pytest.raises(TrackerError, match="last active administrator"),
        clinic.database.writing() as store,
    ):
        accounts.disable(store, BOSS, clinic.clock())
    assert clinic.browser().sign_in(BOSS).headers["Location"] == "/code"


def test_the_staff_page_reaches_no_patients_account(clinic: Clinic) -> None:
    boss = _admin(clinic)
    ann = clinic.browser()
    ann.accept(clinic.invite(ANN))
    boss.get("/clinic/staff")
    refused = boss.post(f"/clinic/staff/{_id(clinic, ANN)}/disable")
    assert refused.status_code == 404
    assert ANN not in _text(boss.get("/clinic/staff"))  # patients are not listed
    assert ann.get("/status").status_code == 200  # still signed in, not disabled


def test_only_administrators_reach_the_staff_page(clinic: Clinic) -> None:
    _admin(clinic)
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    ann = clinic.browser()
    ann.accept(clinic.invite(ANN))
    for browser in (doc, ann):
        assert browser.get("/clinic/staff").status_code == 403
        browser.get("/")
        assert (
            browser.post("/clinic/staff", {"email": "x@y.example", "role": "admin"}).status_code
            == 403
        )
        assert browser.post(f"/clinic/staff/{_id(clinic, BOSS)}/disable").status_code == 403
    assert clinic.browser().get("/clinic/staff").headers["Location"] == "/sign-in"
    with clinic.database.reading() as store:
        assert store.accounts().by_email("x@y.example") is None
        boss = store.accounts().by_email(BOSS)
    assert boss is not None and not boss.disabled
