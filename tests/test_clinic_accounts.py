"""The clinic's hosted mode: accounts, sign-in, sessions, links, roles, one patient's pages.

Each test runs on a real SQLite file, and on a real PostgreSQL server when
TRACKER_TEST_DATABASE_URL is set (CI runs both). Two ``create_clinic_app`` instances on one
database stand for two app processes: they share nothing but the database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from clinic_support import PASSWORD, PUBLIC_URL, Clinic, ClinicBrowser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text as text_

from tracker.domain.accounts import CONSENT_VERSION, LINK_LIFETIME, MIN_IDLE_MINUTES, seen_every
from tracker.domain.errors import TrackerError
from tracker.domain.throttle import LIMITS, Scope
from tracker.services.clinic_settings import read_settings

PER_PAIR = next(limit for limit in LIMITS if limit.scope is Scope.PAIR)
PER_ADDRESS = next(limit for limit in LIMITS if limit.scope is Scope.ADDRESS)
PER_ACCOUNT = next(limit for limit in LIMITS if limit.scope is Scope.ACCOUNT)
FAILURE_WINDOW = PER_PAIR.window
MAX_FAILURES_PER_ACCOUNT = PER_PAIR.most

ANN = "ann@example.org"
BOB = "bob@example.org"
DOC = "doc@example.org"


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


def _patient(clinic: Clinic, email: str = ANN) -> ClinicBrowser:
    browser = clinic.browser()
    response = browser.accept(clinic.invite(email))
    assert response.status_code == 303, response.get_data(as_text=True)
    return browser


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _without_tokens(page: str) -> str:
    return re.sub(r'value="[0-9a-f]{64}"', 'value="…"', page)


# -- a patient's way in -------------------------------------------------------------------


def test_an_invited_patient_sets_a_password_agrees_and_sees_their_own_pages(
    clinic: Clinic,
) -> None:
    ann = clinic.browser()
    token = clinic.invite(ANN)
    page = ann.get(f"/welcome/{token}")
    assert page.status_code == 200
    assert ANN in _text(page) and "consent" in _text(page).lower()
    done = ann.accept(token)
    assert (done.status_code, done.headers["Location"]) == (303, "/")
    today = ann.get("/")
    assert today.status_code == 200 and "Add a session" in _text(today)
    added = ann.post("/sessions", {"date": "2026-11-20", "kind": "ipl"})
    assert added.status_code == 303
    ann.get("/")
    saved = ann.post("/checkin", {"date": "2026-11-24", "value-redness": "4", "session": "1"})
    assert saved.status_code == 303, _text(saved)
    status = ann.get("/status")
    assert status.status_code == 200 and "Redness" in _text(status)
    for path in ("/chart", "/history", "/sessions", "/report", "/export/csv", "/report.pdf"):
        assert ann.get(path).status_code == 200, path


def test_the_consent_is_recorded_with_its_version_and_time(clinic: Clinic) -> None:
    _patient(clinic)
    with clinic.database.reading() as store:
        account = store.accounts().by_email(ANN)
        assert account is not None
        assert store.accounts().consents(account.id) == [(CONSENT_VERSION, clinic.clock())]


def test_without_agreeing_no_password_is_set_and_the_link_still_works(clinic: Clinic) -> None:
    ann = clinic.browser()
    token = clinic.invite(ANN)
    refused = ann.accept(token, agree=False)
    assert refused.status_code == 400 and "Tick the box" in _text(refused)
    assert ann.get("/").status_code == 303  # not signed in
    assert ann.accept(token).status_code == 303


@pytest.mark.parametrize(
    ("password", "repeated", "words"),
    [("short", "short", "at least 12"), (PASSWORD, PASSWORD + "!", "differ")],
)
def test_a_weak_or_mistyped_password_is_refused(
    clinic: Clinic, password: str, repeated: str, words: str
) -> None:
    ann = clinic.browser()
    token = clinic.invite(ANN)
    ann.get(f"/welcome/{token}")
    data = {"password": password, "repeated": repeated, "consent": CONSENT_VERSION}
    refused = ann.post(f"/welcome/{token}", data)
    assert refused.status_code == 400 and words in _text(refused)
    assert password not in _text(refused)  # a password is never shown back


def test_a_link_works_once(clinic: Clinic) -> None:
    token = clinic.invite(ANN)
    assert clinic.browser().accept(token).status_code == 303
    again = clinic.browser()
    assert again.get(f"/welcome/{token}").status_code == 404
    again.get("/sign-in")  # a form's token, to send the used link's form anyway
    sent = {"password": "another long password", "repeated": "another long password"}
    assert again.post(f"/welcome/{token}", {**sent, "consent": CONSENT_VERSION}).status_code == 404
    assert clinic.browser().sign_in(ANN).status_code == 303  # the first password stands


def test_a_link_expires(clinic: Clinic) -> None:
    token = clinic.invite(ANN)
    clinic.clock.advance(seconds=LINK_LIFETIME.total_seconds() - 1)
    assert clinic.browser().get(f"/welcome/{token}").status_code == 200
    clinic.clock.advance(seconds=2)
    late = clinic.browser()
    assert late.get(f"/welcome/{token}").status_code == 404
    late.get("/sign-in")
    sent = {"password": PASSWORD, "repeated": PASSWORD, "consent": CONSENT_VERSION}
    assert late.post(f"/welcome/{token}", sent).status_code == 404


def test_a_new_link_replaces_the_old_one(clinic: Clinic) -> None:
    from tracker.services import accounts

    old = clinic.invite(ANN)
    with clinic.database.writing() as store:
        new = accounts.new_link(store, ANN, clinic.clock()).token
    assert clinic.browser().get(f"/welcome/{old}").status_code == 404
    assert clinic.browser().accept(new).status_code == 303


# -- signing in and out -------------------------------------------------------------------


def test_sign_in_and_out(clinic: Clinic) -> None:
    _patient(clinic)
    ann = clinic.browser()
    assert ann.get("/status").headers["Location"] == "/sign-in"
    signed = ann.sign_in(ANN)
    assert (signed.status_code, signed.headers["Location"]) == (303, "/")
    assert ann.get("/status").status_code == 200
    cookie = ann.client.get_cookie("tracker-session", domain="127.0.0.1")
    assert cookie is not None
    out = ann.sign_out()
    assert out.status_code == 303
    assert ann.get("/status").status_code == 303
    # The old cookie, kept by someone, is no longer a session (in any process).
    thief = clinic.browser()
    thief.client.set_cookie("tracker-session", cookie.value, domain="127.0.0.1")
    assert thief.get("/status").headers["Location"] == "/sign-in"


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(clinic: Clinic) -> None:
    _patient(clinic)
    wrong = clinic.browser().sign_in(ANN, "not the password at all")
    unknown = clinic.browser().sign_in("nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    shown_wrong = _without_tokens(_text(wrong)).replace(ANN, "EMAIL")
    shown_unknown = _without_tokens(_text(unknown)).replace("nobody@example.org", "EMAIL")
    assert shown_wrong == shown_unknown
    assert "do not match" in shown_wrong


def test_too_many_failures_pause_that_address_in_every_process(clinic: Clinic) -> None:
    _patient(clinic)
    first, second = clinic.browser(), clinic.browser()  # two app instances
    for attempt in range(MAX_FAILURES_PER_ACCOUNT):
        browser = first if attempt % 2 else second
        assert browser.sign_in(ANN, f"wrong password {attempt}").status_code == 401
    # The right password is not checked now, in either: the answer says sign-in is paused.
    for browser in (first, second):
        paused = browser.sign_in(ANN)
        assert paused.status_code == 429 and "paused here for 15 minutes" in _text(paused)
        assert paused.headers["Retry-After"] == str(int(FAILURE_WINDOW.total_seconds()))
        assert browser.client.get_cookie("tracker-session", domain="127.0.0.1") is None
    clinic.clock.advance(seconds=FAILURE_WINDOW.total_seconds() + 1)
    assert clinic.browser().sign_in(ANN).status_code == 303


def test_a_stranger_failing_50_times_does_not_keep_the_patient_out(clinic: Clinic) -> None:
    """Fresh eyes' finding 4: five wrong passwords from anywhere locked the account."""
    _patient(clinic)
    stranger = clinic.browser(address="198.51.100.7")
    answers = [stranger.sign_in(ANN, f"guess number {n}").status_code for n in range(50)]
    assert answers == [401] * PER_PAIR.most + [429] * (50 - PER_PAIR.most)
    # The stranger is refused even the right password, and told to wait.
    refused = stranger.sign_in(ANN)
    assert refused.status_code == 429 and "not even the right password" in _text(refused)
    # Paused answers checked nothing and counted nothing: five failures in the database.
    with clinic.database.reading() as store:
        kept = store._tx.execute(text_("SELECT count(*) FROM login_failures")).scalar_one()
    assert kept == PER_PAIR.most
    # The patient, at home on another network address, signs in at once.
    home = clinic.browser(address="203.0.113.5")
    assert home.sign_in(ANN).status_code == 303
    assert home.get("/status").status_code == 200


def test_a_pause_says_nothing_of_whether_the_account_exists(clinic: Clinic) -> None:
    _patient(clinic)
    pages = {}
    for email in (ANN, "nobody@example.org"):
        prober = clinic.browser(address="198.51.100.8")
        for n in range(PER_PAIR.most):
            assert prober.sign_in(email, f"guess number {n}").status_code == 401
        paused = prober.sign_in(email, "guess number x")
        assert paused.status_code == 429
        pages[email] = _without_tokens(_text(paused)).replace(email, "EMAIL")
    assert pages[ANN] == pages["nobody@example.org"]


def test_guesses_from_many_addresses_pause_only_browsers_new_to_the_account(
    clinic: Clinic,
) -> None:
    """A botnet's guesses, a few from each address, pause the account for browsers that
    never signed in to it; the patient's own browser (its device cookie) still gets in."""
    _patient(clinic)  # this browser signed in: it has the account's device cookie
    phone = clinic.browser(address="203.0.113.5")
    assert phone.sign_in(ANN).status_code == 303
    assert phone.client.get_cookie("tracker-device", domain="127.0.0.1") is not None
    phone.sign_out()
    for n in range(PER_ACCOUNT.most):
        bot = clinic.browser(clinic.apps[0], address=f"198.51.{n // 200}.{n % 200 + 1}")
        assert bot.sign_in(ANN, f"guess number {n}").status_code == 401
    assert clinic.browser(address="192.0.2.1").sign_in(ANN).status_code == 429
    assert phone.sign_in(ANN).status_code == 303  # her own phone, trusted
    # A device cookie copied from another account, or forged, trusts nothing.
    forged = clinic.browser(address="192.0.2.2")
    forged.client.set_cookie("tracker-device", "1.1764000000.00ff", domain="127.0.0.1")
    assert forged.sign_in(ANN).status_code == 429
    clinic.clock.advance(seconds=PER_ACCOUNT.window.total_seconds() + 1)
    assert clinic.browser(address="192.0.2.1").sign_in(ANN).status_code == 303


def test_failures_from_one_address_are_counted_across_accounts(clinic: Clinic) -> None:
    _patient(clinic)
    prober = clinic.browser(address="198.51.100.9")
    for n in range(PER_ADDRESS.most):
        assert prober.sign_in(f"guess{n}@example.org", "some password here").status_code == 401
    assert prober.sign_in(ANN).status_code == 429  # this address is paused for now
    assert clinic.browser(address="203.0.113.5").sign_in(ANN).status_code == 303


def test_an_idle_session_ends_and_an_active_one_does_not(clinic: Clinic) -> None:
    ann = _patient(clinic)
    for _ in range(4):  # active for 2 hours, 29 minutes apart
        clinic.clock.advance(minutes=29)
        assert ann.get("/status").status_code == 200
    clinic.clock.advance(minutes=31)
    ended = ann.get("/status")
    assert (ended.status_code, ended.headers["Location"]) == (
        303,
        "/sign-in?expired=1&next=/status",
    )
    assert "signed out after 30 minutes without use" in _text(ann.get("/sign-in?expired=1"))
    clinic.clock.advance(minutes=1)  # not brought back by coming back
    assert ann.get("/status").status_code == 303


def test_the_idle_time_is_a_setting(db_url: str) -> None:
    clinic = Clinic(db_url, idle_minutes=5)
    try:
        ann = _patient(clinic)
        clinic.clock.advance(minutes=6)
        assert ann.get("/status").status_code == 303
    finally:
        clinic.close()


def test_a_use_within_the_idle_time_is_never_forgotten(db_url: str) -> None:
    """Fresh eyes 3, F8: "last seen" was written at most once a minute, so with a short idle
    time a session ended up to a minute early, while in use. Now it is written at least ten
    times within the idle time: idle 5 minutes, a use 40 s in counts, and the session lasts
    5 minutes from it; the shortest idle time a clinic may set is 5 minutes."""
    clinic = Clinic(db_url, idle_minutes=5)
    try:
        ann = _patient(clinic)
        clinic.clock.advance(seconds=40)
        assert ann.get("/status").status_code == 200
        clinic.clock.advance(minutes=4, seconds=50)  # 5:30 after signing in, 4:50 after use
        assert ann.get("/status").status_code == 200
        clinic.clock.advance(minutes=5, seconds=1)
        assert ann.get("/status").status_code == 303
    finally:
        clinic.close()
    assert seen_every(dt.timedelta(minutes=5)) == dt.timedelta(seconds=30)
    assert seen_every(dt.timedelta(minutes=30)) == dt.timedelta(seconds=60)
    environment = {
        "TRACKER_SECRET_KEY": "k" * 40,
        "TRACKER_PUBLIC_URL": "https://a.example",
        "TRACKER_IDLE_MINUTES": str(MIN_IDLE_MINUTES - 1),
    }
    with pytest.raises(TrackerError) as refused:
        read_settings(environment, db_url)
    assert f"{MIN_IDLE_MINUTES} to" in refused.value.message
    environment["TRACKER_IDLE_MINUTES"] = str(MIN_IDLE_MINUTES)
    assert read_settings(environment, db_url).idle_minutes == MIN_IDLE_MINUTES


def test_a_form_sent_after_the_idle_time_is_told_so_and_leads_back(db_url: str) -> None:
    """Fresh eyes 3, F7: a check-in saved after the idle timeout was refused as a forged
    form ("This form did not come from the tracker's own page"). Now the sign-in page says
    she was signed out after 5 minutes without use and that nothing was saved, and signing
    in leads back to the page the form was on. A form not of her pages is still refused."""
    clinic = Clinic(db_url, idle_minutes=5)
    try:
        ann = _patient(clinic)
        ann.get("/sessions")
        assert ann.post("/sessions", {"date": "2026-11-20", "kind": "ipl"}).status_code == 303
        page = "/?date=2026-11-23"
        ann.get(page)
        clinic.clock.advance(minutes=6)
        sent = {"date": "2026-11-23", "value-redness": "9", "session": "1", "csrf": ann.csrf}
        late = ann.post("/checkin", sent, headers={"Referer": PUBLIC_URL + page})
        assert late.status_code == 303
        where = late.headers["Location"]
        assert where.startswith("/sign-in?expired=1&unsaved=1&next=")
        words = _text(ann.get(where))
        assert "You were signed out after 5 minutes without use; sign in again." in words
        assert "Nothing was saved" in words
        assert 'name="next" value="/?date=2026-11-23"' in words
        forged = ann.post("/checkin", {**sent, "csrf": "0" * 64})
        assert forged.status_code == 403  # not of her pages: refused as before
        again = ann.post("/checkin", sent, headers={"Referer": PUBLIC_URL + page})
        assert again.headers["Location"].startswith("/sign-in?unsaved=1&next=")
        assert "You were signed out; sign in again. Nothing was saved" in _text(
            ann.get(again.headers["Location"])
        )
        back = ann.post("/sign-in", {"email": ANN, "password": PASSWORD, "next": page})
        assert (back.status_code, back.headers["Location"]) == (303, page)
        assert "9/10" not in _text(ann.get("/history"))  # nothing was saved
        # Only a page of this site: another one's address leads to her first page.
        ann.sign_out()
        ann.get("/sign-in")
        away = ann.post(
            "/sign-in", {"email": ANN, "password": PASSWORD, "next": "//elsewhere.example/"}
        )
        assert (away.status_code, away.headers["Location"]) == (303, "/")
    finally:
        clinic.close()


def test_two_app_processes_serve_one_patient_alternately(clinic: Clinic) -> None:
    ann_one = _patient(clinic)
    cookie = ann_one.client.get_cookie("tracker-session", domain="127.0.0.1")
    assert cookie is not None
    ann_two = clinic.browser()  # another app instance: nothing shared but the database
    ann_two.client.set_cookie("tracker-session", cookie.value, domain="127.0.0.1")
    ann_one.get("/sessions")
    assert ann_one.post("/sessions", {"date": "2026-11-20", "kind": "ipl"}).status_code == 303
    for day, browser in enumerate([ann_two, ann_one, ann_two, ann_one], start=21):
        browser.get("/")
        sent = {"date": f"2026-11-{day}", "value-redness": str(9 - day % 5), "session": "1"}
        assert browser.post("/checkin", sent).status_code == 303
    assert "2026-11-24" in _text(ann_two.get("/history"))
    assert "2026-11-21" in _text(ann_one.get("/history"))
    ann_two.sign_out()  # signed out in one process: out in the other too
    assert ann_one.get("/status").status_code == 303


# -- staff: the second factor -------------------------------------------------------------


def test_a_clinician_enrols_a_second_factor_and_gives_a_code_at_each_sign_in(
    clinic: Clinic,
) -> None:
    doc = clinic.browser()
    token = clinic.add_staff(DOC)
    doc.accept(token, agree=False)
    enrol = doc.get("/enrol")
    assert enrol.status_code == 200
    secret = clinic.totp_secret(DOC)
    assert secret in _text(enrol) and "otpauth://totp/" in _text(enrol)
    qr = doc.get("/enrol/qr.svg")
    assert (qr.status_code, qr.mimetype) == (200, "image/svg+xml")
    assert b"<svg" in qr.data and qr.headers["Content-Security-Policy"].startswith("default-src")
    assert clinic.browser().get("/enrol/qr.svg").status_code == 404  # not signed in: none
    assert doc.get("/clinic").headers["Location"] == "/enrol"  # nothing before the code
    assert doc.post("/enrol", {"code": "000000"}).status_code == 400
    confirmed = doc.post("/enrol", {"code": clinic.code(DOC)})
    assert confirmed.status_code == 200 and "new recovery codes" in _text(confirmed)
    assert doc.get("/enrol/qr.svg").status_code == 404  # enrolled: the secret is not shown again
    assert doc.get("/clinic").status_code == 200
    doc.sign_out()
    again = clinic.browser()
    signed = again.sign_in(DOC)
    assert signed.headers["Location"] == "/code"
    assert again.get("/clinic").headers["Location"] == "/code"
    # The code just used does not work twice; the next one does.
    assert again.give_code(DOC).status_code == 400
    clinic.clock.advance(seconds=30)
    before = again.client.get_cookie("tracker-session", domain="127.0.0.1")
    assert before is not None
    assert again.give_code(DOC).headers["Location"] == "/clinic"
    assert again.get("/clinic").status_code == 200
    # The secret the browser held before the code is not the full session's.
    watcher = clinic.browser()
    watcher.client.set_cookie("tracker-session", before.value, domain="127.0.0.1")
    assert watcher.get("/clinic").headers["Location"] == "/sign-in"


def test_a_code_used_already_is_said_so_and_the_next_one_asked_for(clinic: Clinic) -> None:
    """The code shown now, used a moment ago (by this browser or another), is refused: the
    words say it was used already and to wait for the next, not that it is not the one the
    app shows now (it is)."""
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)  # this step's code is used by the enrolment
    other = clinic.browser()
    other.sign_in(DOC)
    replayed = other.give_code(DOC)
    assert replayed.status_code == 400
    said = _text(replayed)
    assert "used already" in said and "next" in said, said
    assert "not the one your authenticator app shows now" not in said
    wrong = other.post("/code", {"code": "000000"})
    assert wrong.status_code == 400 and "used already" not in _text(wrong)
    clinic.clock.advance(seconds=30)
    assert other.give_code(DOC).headers["Location"] == "/clinic"


def test_staff_do_not_reach_a_patients_pages_as_the_patient(clinic: Clinic) -> None:
    _patient(clinic)
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    assert doc.get("/").headers["Location"] == "/clinic"
    for path in ("/status", "/history", "/sessions", "/export/csv"):
        assert doc.get(path).status_code == 403, path


def test_a_patient_does_not_reach_the_staff_pages(clinic: Clinic) -> None:
    ann = _patient(clinic)
    assert ann.get("/clinic").status_code == 403


# -- one patient never reaches another's data ---------------------------------------------


def _seeded(clinic: Clinic) -> tuple[ClinicBrowser, ClinicBrowser]:
    from photo_support import phone_jpeg

    ann = _patient(clinic, ANN)
    ann.get("/sessions")
    assert ann.post("/sessions", {"date": "2026-11-20", "kind": "ipl"}).status_code == 303
    ann.get("/")
    sent = {
        "date": "2026-11-23",
        "value-redness": "7",
        "value-temperature": "38.9",
        "note": "ANN-SECRET",
        "session": "1",
    }
    assert ann.post("/checkin", sent).status_code == 303
    ann.get("/")
    photo = {
        "session": "1",
        "date": "2026-11-23",
        "photo": (__import__("io").BytesIO(phone_jpeg()), "a.jpg"),
    }
    assert ann.post("/photos", photo, content_type="multipart/form-data").status_code == 303
    bob = _patient(clinic, BOB)
    return ann, bob


# Every patient page, with Ann's ids where it takes one: Bob tries each of them.
READS = {
    "today": "/?session=1",
    "status": "/status",
    "history": "/history?session=1",
    "history_day": "/history/day?session=1&date=2026-11-23",
    "sessions": "/sessions",
    "edit_session": "/sessions/1",
    "chart": "/chart?session=1",
    "chart_svg": "/chart.svg?session=1",
    "downloads": "/report",
    "report_pdf": "/report.pdf?session=1",
    "export": "/export/fhir",
    "reminders_ics": "/reminders.ics",
    "photo_thumbnail": "/photos/1/thumbnail",
    "photo_image": "/photos/1/image",
    "photo_compare": "/photos/compare?session=1",
    "own_record_views": "/record-views",  # who looked at one's own record (clinictriage)
    "consent_page": "/consent",
}
ANNS_ROW = {"session": "1", "date": "2026-11-23", "symptom": "redness"}
WRITES = {
    "save_session": ("/sessions/1", {"date": "2026-11-20", "kind": "ipl"}),
    "delete_session": ("/sessions/1/delete", {"confirm": "yes"}),
    "change_value": ("/history/value", {**ANNS_ROW, "severity": "0"}),
    "remove_value": ("/history/value/remove", ANNS_ROW),
    "remove_care": ("/history/care/remove", {"care": "1", "session": "1"}),
    "add_care": (
        "/history/care",
        {"session": "1", "care-date": "2026-11-23", "care-action": "other", "care-note": "x"},
    ),
    "set_course": ("/sessions/1/course", {"course-symptom": "redness", "course-max": "30"}),
    "reset_course": ("/sessions/1/course/reset", {"course-symptom": "redness"}),
    "undo_change": ("/history/undo", {"change": "1", "session": "1"}),
    "change_temperature": (
        "/history/temperature",
        {"session": "1", "date": "2026-11-23", "reading": "1", "temperature": "36.6"},
    ),
    "remove_temperature": (
        "/history/temperature/remove",
        {"session": "1", "date": "2026-11-23", "reading": "1"},
    ),
    "checkin": ("/checkin", {"date": "2026-11-23", "value-redness": "0", "session": "1"}),
    "add_session": ("/sessions", {"date": "2026-11-21", "kind": "ipl"}),
    "photo_add": ("/photos", {"session": "1", "date": "2026-11-23"}),
    "photo_remove": ("/photos/1/remove", {}),
    "consent": ("/consent", {}),
}


def test_every_patient_route_is_tried_with_another_patients_ids(clinic: Clinic) -> None:
    app = clinic.app()
    patient_routes = {
        endpoint
        for endpoint, roles in app.extensions["tracker.access"].items()
        if roles == {"patient"}
    }
    assert patient_routes == set(READS) | set(WRITES)  # a new route joins the test below


def test_a_patient_never_reaches_another_patients_data(clinic: Clinic) -> None:
    ann, bob = _seeded(clinic)
    assert ann.get("/photos/1/thumbnail").status_code == 200  # Ann's own, for a start
    for endpoint, path in READS.items():
        answer = bob.get(path)
        assert b"ANN-SECRET" not in answer.data and ANN.encode() not in answer.data, endpoint
        if "/1" in path and "?" not in path:  # an id in the path: not Bob's, so none
            assert answer.status_code == 404, endpoint
    for endpoint, (path, data) in WRITES.items():
        bob.get("/")
        answer = bob.post(path, data)
        assert answer.status_code in (200, 303, 400, 404), (endpoint, answer.status_code)
        assert b"ANN-SECRET" not in answer.data, endpoint
    history = _text(ann.get("/history?session=1"))
    assert "ANN-SECRET" in history and "<strong>7/10</strong>" in history
    assert "<strong>38.9 °C</strong>" in history
    day = _text(ann.get("/history/day?session=1&date=2026-11-23"))
    assert 'value="7" selected' in day and 'name="temperature" ' in day and 'value="38.9"' in day
    assert ann.get("/photos/1/thumbnail").status_code == 200
    with clinic.database.for_profile(ANN).reading() as store:
        assert [s.id for s in store.sessions()] == [1]
    with clinic.database.for_profile(BOB).reading() as store:
        assert all(s.date.isoformat() == "2026-11-21" for s in store.sessions())  # his own


def test_the_private_modes_profile_choice_is_not_there(clinic: Clinic) -> None:
    ann = _patient(clinic)
    page = _text(ann.get("/sessions"))
    assert "Whose data" not in page and "Add a profile" not in page
    assert ann.post("/profile", {"profile": BOB}).status_code == 404
    assert ann.post("/profiles", {"name": "someone"}).status_code == 404


# -- what the browser is asked to keep and send -------------------------------------------


def test_a_form_without_its_token_or_from_another_site_changes_nothing(clinic: Clinic) -> None:
    ann = _patient(clinic)
    ann.get("/sessions")
    no_token = ann.client.post(PUBLIC_URL + "/sessions", data={"date": "2026-11-20", "kind": "ipl"})
    assert no_token.status_code == 403
    elsewhere = ann.post(
        "/sessions", {"date": "2026-11-20", "kind": "ipl"}, headers={"Origin": "https://evil.test"}
    )
    assert elsewhere.status_code == 403
    assert "Add a session" in _text(ann.get("/"))  # still none


def test_another_host_name_is_refused(clinic: Clinic) -> None:
    ann = _patient(clinic)
    assert ann.client.get("http://evil.test/status").status_code == 403


def test_over_https_cookies_are_secure_and_host_only(db_url: str) -> None:
    clinic = Clinic(db_url, trusted_proxies=1)
    clinic.settings = type(clinic.settings)(
        **{**clinic.settings.__dict__, "public_url": "https://tracker.clinic.test"}
    )
    try:
        app = clinic.app()
        client = app.test_client()
        token = clinic.invite(ANN)
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        base = "https://tracker.clinic.test"
        page = client.get(f"{base}/welcome/{token}", headers=headers)
        csrf = re.search(r'name="csrf" value="([^"]+)"', _text(page))
        assert csrf is not None
        sent = {"csrf": csrf.group(1), "password": PASSWORD, "repeated": PASSWORD}
        sent["consent"] = CONSENT_VERSION
        done = client.post(f"{base}/welcome/{token}", data=sent, headers=headers)
        assert done.status_code == 303
        cookie = next(c for c in done.headers.getlist("Set-Cookie") if "session" in c)
        assert cookie.startswith("__Host-tracker-session=")
        for part in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
            assert part in cookie
        assert "Domain" not in cookie
        assert done.headers["Strict-Transport-Security"] == "max-age=31536000"
        with clinic.database.reading() as store:
            account = store.accounts().by_email(ANN)
            assert account is not None
        assert _session_address(clinic) == "203.0.113.9"  # from the trusted proxy
    finally:
        clinic.close()


def _session_address(clinic: Clinic) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(clinic.database.location.url)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT address FROM login_sessions")).scalar_one()
    engine.dispose()
    return str(found)


def test_pages_are_never_cached_and_framed(clinic: Clinic) -> None:
    ann = _patient(clinic)
    answer = ann.get("/status")
    assert answer.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]


def test_a_session_is_stored_only_as_a_hash(clinic: Clinic) -> None:
    from sqlalchemy import create_engine, text

    ann = _patient(clinic)
    cookie = ann.client.get_cookie("tracker-session", domain="127.0.0.1")
    assert cookie is not None
    engine = create_engine(clinic.database.location.url)
    with engine.connect() as connection:
        stored = [
            row[0] for row in connection.execute(text("SELECT token_hash FROM login_sessions"))
        ]
        hashes = connection.execute(text("SELECT password_hash FROM accounts")).scalars().all()
    engine.dispose()
    assert cookie.value not in stored and len(stored) == 1
    assert all(h is None or h.startswith("$argon2id$") for h in hashes)


def test_codes_cannot_be_tried_one_by_one(clinic: Clinic) -> None:
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    doc.sign_out()
    guesser = clinic.browser()
    assert guesser.sign_in(DOC).headers["Location"] == "/code"
    guesser.get("/code")
    right = clinic.code(DOC, steps_later=1)
    wrong = [f"{n:06d}" for n in range(100) if f"{n:06d}" != right]
    for code in wrong[:MAX_FAILURES_PER_ACCOUNT]:
        assert guesser.post("/code", {"code": code}).status_code == 400
    clinic.clock.advance(seconds=30)
    ended = guesser.post("/code", {"code": right})  # even the right one, now
    assert ended.headers["Location"] == "/sign-in"
    assert guesser.get("/clinic").headers["Location"] == "/sign-in"
    assert clinic.browser().sign_in(DOC).status_code == 429  # paused here for a while


def test_a_disabled_account_is_signed_out_everywhere_and_kept(clinic: Clinic) -> None:
    from tracker.services import accounts

    ann = _patient(clinic)
    ann.get("/sessions")
    ann.post("/sessions", {"date": "2026-11-20", "kind": "ipl"})
    with clinic.database.writing() as store:
        accounts.disable(store, ANN, clinic.clock())
    assert ann.get("/status").headers["Location"] == "/sign-in"
    assert clinic.browser().sign_in(ANN).status_code == 401
    with clinic.database.for_profile(ANN).reading() as store:
        assert len(store.sessions()) == 1  # the record stays


def test_a_new_consent_text_is_asked_for_before_any_page(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.domain import accounts as rules
    from tracker.web import account_pages

    ann = _patient(clinic)
    monkeypatch.setattr(rules, "CONSENT_VERSION", "2027-01-01")
    monkeypatch.setattr(account_pages, "CONSENT_VERSION", "2027-01-01")
    assert ann.get("/status").headers["Location"] == "/consent"
    assert "2027-01-01" in _text(ann.get("/consent"))
    assert ann.post("/consent", {}).status_code == 400
    assert ann.post("/consent", {"consent": "2027-01-01"}).headers["Location"] == "/"
    assert ann.get("/status").status_code == 200
    with clinic.database.reading() as store:
        account = store.accounts().by_email(ANN)
        assert account is not None
        versions = [version for version, _ in store.accounts().consents(account.id)]
    assert versions == [CONSENT_VERSION, "2027-01-01"]


def test_a_patients_day_turns_at_the_clinics_midnight(db_url: str) -> None:
    clinic = Clinic(db_url, time_zone="America/Los_Angeles")
    try:
        clinic.clock.now = dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC)  # 22:00 on the 24th
        ann = _patient(clinic)
        assert 'value="2026-11-24"' in _text(ann.get("/sessions"))
    finally:
        clinic.close()


def test_a_clinician_invites_a_patient_in_the_browser(clinic: Clinic) -> None:
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    doc.get("/clinic/invite")
    made = doc.post("/clinic/invite", {"email": " Ann@Example.org "})
    assert made.status_code == 200
    link = re.search(re.escape(PUBLIC_URL) + r"/welcome/([\w-]+)", _text(made))
    assert link is not None and "ann@example.org is invited" in _text(made)
    again = doc.post("/clinic/invite", {"email": ANN})  # a new link; the first stops
    renewed = re.search(re.escape(PUBLIC_URL) + r"/welcome/([\w-]+)", _text(again))
    assert renewed is not None and "A new link" in _text(again)
    assert clinic.browser().get(f"/welcome/{link.group(1)}").status_code == 404
    assert clinic.browser().accept(renewed.group(1)).status_code == 303
    refused = doc.post("/clinic/invite", {"email": DOC})  # staff are not invited as patients
    assert refused.status_code == 409 and "staff account" in _text(refused)
    assert doc.post("/clinic/invite", {"email": "nope"}).status_code == 400


def test_a_patient_cannot_invite(clinic: Clinic) -> None:
    ann = _patient(clinic)
    assert ann.get("/clinic/invite").status_code == 403


def test_old_failures_are_cleared_as_new_ones_come(clinic: Clinic) -> None:
    from sqlalchemy import create_engine, text

    prober = clinic.browser()
    prober.sign_in("a@example.org", "some wrong password")
    clinic.clock.advance(days=3)  # longer than the longest window that counts it
    prober.sign_in("b@example.org", "some wrong password")
    engine = create_engine(clinic.database.location.url)
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT count(*) FROM login_failures")).scalar_one()
    engine.dispose()
    assert kept == 1


def test_a_password_is_hashed_anew_when_the_clinic_changes_the_cost(db_url: str) -> None:
    from tracker.services.credentials import Hashing

    cheap = Clinic(db_url)
    try:
        _patient(cheap)
    finally:
        cheap.close()
    dearer = Clinic(db_url, hashing=Hashing(memory_kib=128, passes=1, lanes=1))
    try:
        assert dearer.browser().sign_in(ANN).status_code == 303
        with dearer.database.reading() as store:
            account = store.accounts().by_email(ANN)
            assert account is not None
            stored = store.accounts().password_hash(account.id)
        assert stored is not None and stored.startswith("$argon2id$v=19$m=128,")
        assert dearer.browser().sign_in(ANN).status_code == 303  # and it still opens
    finally:
        dearer.close()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(email=st.text(max_size=300), password=st.text(max_size=300))
def test_any_text_typed_to_sign_in_gets_the_one_answer(
    clinic: Clinic, email: str, password: str
) -> None:
    answer = clinic.browser(clinic.apps[0] if clinic.apps else None).sign_in(email, password)
    assert answer.status_code == 401 and "do not match" in _text(answer)
    clinic.clock.advance(minutes=16)  # no lockout carried into the next example


def test_a_new_link_lets_staff_who_lost_their_phone_enrol_again(clinic: Clinic) -> None:
    from tracker.services import accounts

    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    old_secret = clinic.totp_secret(DOC)
    with clinic.database.writing() as store:
        token = accounts.new_link(store, DOC, clinic.clock()).token
    back = clinic.browser()
    assert back.accept(token, password="a new long password", agree=False).status_code == 303
    assert back.get("/clinic").headers["Location"] == "/enrol"
    assert doc.get("/clinic").headers["Location"] == "/sign-in"  # the old session ended
    back.get("/enrol")
    assert clinic.totp_secret(DOC) != old_secret
    clinic.clock.advance(seconds=30)
    assert back.post("/enrol", {"code": clinic.code(DOC)}).status_code == 200  # its codes
    assert back.get("/clinic").status_code == 200


def _links_of(clinic: Clinic, email: str) -> list[tuple[str, object, object]]:
    from sqlalchemy import text

    with clinic.database.reading() as store:
        rows = store._tx.execute(  # the links as stored, to see that none changed
            text(
                "SELECT l.token_hash, l.expires_at, l.used_at FROM account_links l "
                "JOIN accounts a ON a.id = l.account_id WHERE a.email = :email ORDER BY l.id"
            ),
            {"email": email},
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _link_events(clinic: Clinic, email: str) -> list[tuple[str | None, str, str]]:
    from tracker.services import audit

    with clinic.database.reading() as store:
        events = audit.of_patient(store, email)
    return [(e.actor, e.what, e.outcome) for e in events if e.what.startswith("link for")]


def test_a_clinician_gets_no_link_for_a_patient_who_has_a_password(clinic: Clinic) -> None:
    """An invitation for an active patient is refused, nothing changed, the try audited; a
    new sign-in link for a patient who cannot sign in is a deliberate act of its own (the
    button the refusal offers: tests/test_clinic_flow.py)."""
    ann = _patient(clinic)
    ann.sign_out()
    links = _links_of(clinic, ANN)
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    doc.get("/clinic/invite")
    refused = doc.post("/clinic/invite", {"email": ANN})
    assert refused.status_code == 409
    page = _text(refused)
    assert "has set a password already" in page and "New sign-in link for" in page
    assert "/welcome/" not in page
    assert _links_of(clinic, ANN) == links  # no link added, none spent
    assert clinic.browser().sign_in(ANN).status_code == 303  # her password still works
    assert _link_events(clinic, ANN)[-1] == (
        DOC,
        f"link for {ANN} refused: account has a password",
        "refused",
    )


def test_an_unaccepted_invitation_is_renewed_and_each_link_audited(clinic: Clinic) -> None:
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    doc.get("/clinic/invite")
    first = re.search(r"/welcome/([\w-]+)", _text(doc.post("/clinic/invite", {"email": ANN})))
    again = doc.post("/clinic/invite", {"email": ANN})
    second = re.search(r"/welcome/([\w-]+)", _text(again))
    assert first is not None and second is not None and "A new link" in _text(again)
    assert clinic.browser().get(f"/welcome/{first.group(1)}").status_code == 404
    assert clinic.browser().accept(second.group(1)).status_code == 303
    events = _link_events(clinic, ANN)
    assert events == [(DOC, f"link for {ANN}", "allowed")] * 2
    with clinic.database.reading() as store:
        from tracker.services import audit

        logged = " ".join(str(e.to_json()) for e in audit.listed(store))
    assert first.group(1) not in logged and second.group(1) not in logged


def test_no_link_is_made_for_a_disabled_account_until_it_is_enabled(clinic: Clinic) -> None:
    from tracker.domain.errors import TrackerError
    from tracker.services import accounts

    clinic.invite(BOB)  # never accepted
    with clinic.database.writing() as store:
        accounts.disable(store, BOB, clinic.clock())
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    doc.get("/clinic/invite")
    refused = doc.post("/clinic/invite", {"email": BOB})
    assert refused.status_code == 409 and "is disabled" in _text(refused)
    assert "/welcome/" not in _text(refused)
    with clinic.database.writing() as store, pytest.raises(TrackerError, match="is disabled"):
        accounts.new_link(store, BOB, clinic.clock())
    with clinic.database.writing() as store:
        accounts.enable(store, BOB)
    renewed = doc.post("/clinic/invite", {"email": BOB})
    link = re.search(r"/welcome/([\w-]+)", _text(renewed))
    assert renewed.status_code == 200 and link is not None
    assert clinic.browser().accept(link.group(1)).status_code == 303
    assert _link_events(clinic, BOB)[-2:] == [
        (DOC, f"link for {BOB} refused: account disabled", "refused"),
        (DOC, f"link for {BOB}", "allowed"),
    ]


def test_a_device_cookie_is_the_servers_own_and_ages_out() -> None:
    from tracker.services import credentials

    now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
    made = credentials.device_token("key one", 7, now)
    assert credentials.device_account("key one", made, now) == 7
    assert credentials.device_account("key two", made, now) is None  # another clinic's key
    _, issued, signature = made.split(".")
    assert credentials.device_account("key one", f"8.{issued}.{signature}", now) is None
    later = now + credentials.DEVICE_LIFETIME + dt.timedelta(seconds=1)
    assert credentials.device_account("key one", made, later) is None


@settings(max_examples=200, deadline=None)
@given(token=st.text(max_size=80))
def test_any_device_cookie_text_is_read_without_a_crash(token: str) -> None:
    from tracker.services import credentials

    now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
    assert credentials.device_account("key", token, now) is None
