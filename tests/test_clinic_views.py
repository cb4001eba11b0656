"""The clinician's view of a clinic's hosted tracker (issue 26, items 4 and 5): the triage
list, each patient's pages read-only, seen/contacted and the follow-up, the audit log of
every view, role refusals audited, and `tracker clinic audit`. On real SQLite and
PostgreSQL (TRACKER_TEST_DATABASE_URL), with Flask's test client for each app process."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator

import pytest
from clinic_support import Clinic, ClinicBrowser
from conftest import invoke
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.services import audit

ANN = "ann@example.org"
BOB = "bob@example.org"
DOC = "doc@example.org"


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _patient(
    clinic: Clinic, email: str, kind: str, date: str, values: dict[str, str]
) -> ClinicBrowser:
    browser = clinic.browser()
    assert browser.accept(clinic.invite(email)).status_code == 303
    browser.get("/sessions")
    assert browser.post("/sessions", {"date": date, "kind": kind}).status_code == 303
    if values:
        browser.get("/")
        sent = {"date": "2026-11-24", **{f"value-{k}": v for k, v in values.items()}}
        saved = browser.post("/checkin", sent)
        assert saved.status_code == 303, _text(saved)
    return browser


def _staff(clinic: Clinic, email: str = DOC, role: str = "clinician") -> ClinicBrowser:
    browser = clinic.browser()
    browser.enrol_staff(clinic.add_staff(email, role), email)
    assert browser.get("/clinic").status_code == 200
    return browser


def _ids(clinic: Clinic) -> dict[str, int]:
    with clinic.database.reading() as store:
        return {email: pid for pid, email in store.patient_emails().items()}


def _profile(clinic: Clinic, email: str) -> str:
    """The name of the profile the patient's account holds."""
    with clinic.database.reading() as store:
        found = store.patient_named(_ids(clinic)[email])
    assert found is not None
    return found[0]


def _events(clinic: Clinic) -> list[tuple[str | None, str, str, str | None]]:
    with clinic.database.reading() as store:
        return [(e.actor, e.what, e.outcome, e.patient) for e in audit.listed(store)]


def _two_patients(clinic: Clinic) -> tuple[ClinicBrowser, ClinicBrowser]:
    """Ann: blisters 3 on day 5 after IPL (urgent); Bob: CO2, nothing logged since day 0."""
    ann = _patient(clinic, ANN, "ipl", "2026-11-19", {"blistering": "3"})
    bob = _patient(clinic, BOB, "co2-ablative", "2026-11-20", {})
    return ann, bob


def _order(page: str) -> list[str]:
    return re.findall(r">([a-z]+@example\.org)</a>", page)


def test_the_triage_list_is_worst_first_and_opens_each_patient_read_only(
    clinic: Clinic,
) -> None:
    _two_patients(clinic)
    doc = _staff(clinic)
    triage = doc.get("/clinic")
    assert _order(_text(triage)) == [ANN, BOB]
    assert "nothing logged since the session (now day 4)" in _text(triage)
    ann = _ids(clinic)[ANN]
    status = _text(doc.get(f"/clinic/patients/{ann}/"))
    assert "Blisters" in status or "Blistering" in status
    assert "Mark seen" in status and "Set follow-up" in status
    for write in ('action="/checkin"', 'href="/?', "Check in for today", "/history/value"):
        assert write not in status, write
    history = doc.get(f"/clinic/patients/{ann}/history")
    assert history.status_code == 200
    assert "3/10" in _text(history)
    for write in ("/history/value", "/history/undo", "/photos/"):
        assert write not in _text(history).replace(f"/clinic/patients/{ann}/photos/", ""), write
    chart = doc.get(f"/clinic/patients/{ann}/chart")
    assert chart.status_code == 200
    assert f"/clinic/patients/{ann}/chart.svg" in _text(chart)
    svg = doc.get(f"/clinic/patients/{ann}/chart.svg?session=1")
    assert (svg.status_code, svg.mimetype) == (200, "image/svg+xml")
    pdf = doc.get(f"/clinic/patients/{ann}/report.pdf")
    assert (pdf.status_code, pdf.mimetype) == (200, "application/pdf")


def test_marking_seen_moves_the_patient_down_until_a_new_flag_and_the_patient_sees_it(
    clinic: Clinic,
) -> None:
    ann_browser, _ = _two_patients(clinic)
    doc = _staff(clinic)
    ann = _ids(clinic)[ANN]
    doc.get(f"/clinic/patients/{ann}/")
    marked = doc.post(
        f"/clinic/patients/{ann}/review", {"action": "seen", "note": "Called: comes in at 4"}
    )
    assert (marked.status_code, marked.headers["Location"]) == (303, "/clinic")
    assert _order(_text(doc.get("/clinic"))) == [BOB, ANN]
    status = _text(ann_browser.get("/status"))
    # Her blisters are urgent: the reply leads the urgent box (tests/test_clinic_ux.py).
    assert "Your clinic saw this on 2026-11-24</h2>" in status
    assert "“Called: comes in at 4”" in status
    assert "not been seen yet" not in status
    # A new symptom flagged: Ann is back on top, and her page says so.
    ann_browser.get("/")
    sent = {"date": "2026-11-24", "value-pus": "2", "session": "1"}
    assert ann_browser.post("/checkin", sent).status_code == 303
    assert _order(_text(doc.get("/clinic"))) == [ANN, BOB]
    assert "new or worse since the last review: pus." in _text(doc.get(f"/clinic/patients/{ann}/"))
    assert "A flag new or worse since then has not been seen yet." in _text(
        ann_browser.get("/status")
    )


def test_a_review_covers_a_high_temperature_too_and_both_pages_count_alike(
    clinic: Clinic,
) -> None:
    """Fresh eyes 3, F2: CO2 on day 4 with oozing 8, redness 8, swelling 7 and 38.6 °C.
    Marked contacted, the review covers every flag the list shows, the temperature too:
    she moves down, her line is not "new since", the list and her page count alike, and
    she is not told of a new flag that does not exist."""
    ann_browser = _patient(
        clinic,
        ANN,
        "co2-ablative",
        "2026-11-20",
        {"oozing": "8", "redness": "8", "swelling": "7", "temperature": "38.6"},
    )
    _patient(clinic, BOB, "co2-ablative", "2026-11-20", {})
    doc = _staff(clinic)
    ann = _ids(clinic)[ANN]
    before = _text(doc.get("/clinic"))
    assert _order(before) == [ANN, BOB]
    more = re.search(r"\(\+(\d+) more\)", before)
    assert more is not None
    page = _text(doc.get(f"/clinic/patients/{ann}/"))
    assert f"(+{more.group(1)} more)" in page  # one source: the same line on both pages
    marked = doc.post(f"/clinic/patients/{ann}/review", {"action": "contacted", "note": "again"})
    assert marked.status_code == 303
    after = _text(doc.get("/clinic"))
    assert _order(after) == [BOB, ANN]
    assert "new since" not in after
    assert f"(+{more.group(1)} more)" in after
    page = _text(doc.get(f"/clinic/patients/{ann}/"))
    assert f"(+{more.group(1)} more)" in page
    assert "new or worse since the last review" not in page
    status = _text(ann_browser.get("/status"))
    assert "“again”" in status
    assert "not been seen yet" not in status


def test_once_seen_a_warning_is_said_seen_and_its_days_end_at_the_last_value(
    clinic: Clinic,
) -> None:
    """Fresh eyes 3, F3: IPL, redness 5/4/3 and swelling 4/3/2 on days 2-4, judged on day
    5. Marked "seen: Looks on track", her Status no longer says "Contact your clinic soon"
    (twice): the reply, then that the clinic has seen it and when to contact them again;
    the flag's days end at day 4, the last value given (nothing was given for day 5)."""
    bob = _patient(clinic, BOB, "ipl", "2026-11-19", {})
    bob.get("/")
    for day, redness, swelling in (("21", "5", "4"), ("22", "4", "3"), ("23", "3", "2")):
        sent = {"date": f"2026-11-{day}", "value-redness": redness, "value-swelling": swelling}
        assert bob.post("/checkin", sent).status_code == 303
    before = _text(bob.get("/status"))
    assert "Contact your clinic soon because: Redness (persisting)" in before
    assert "persisting · day 4<" in before and "days 4-5" not in before
    doc = _staff(clinic)
    marked = doc.post(
        f"/clinic/patients/{_ids(clinic)[BOB]}/review", {"action": "seen", "note": "Looks on track"}
    )
    assert marked.status_code == 303
    status = _text(bob.get("/status"))
    assert "Contact your clinic soon" not in status
    reply = status.index("Your clinic saw this on 2026-11-24: “Looks on track”.")
    seen = status.index("Seen by your clinic: Redness (persisting), Swelling (persisting).")
    advice = status.index("Your clinic has seen this; contact them again if it gets worse")
    assert reply < seen < advice
    assert "persisting · day 4<" in status and "days 4-5" not in status
    # Worse since (redness up to 5 on day 5): the flag is not covered; she is told so, and to
    # contact the clinic soon again.
    sent = {"date": "2026-11-24", "value-redness": "5", "session": "1"}
    assert bob.post("/checkin", sent).status_code == 303
    status = _text(bob.get("/status"))
    assert "Contact your clinic soon because:" in status
    assert "A flag new or worse since then has not been seen yet." in status


def test_a_review_refused_says_why_and_stores_nothing(clinic: Clinic) -> None:
    _two_patients(clinic)
    doc = _staff(clinic)
    ann = _ids(clinic)[ANN]
    doc.get(f"/clinic/patients/{ann}/")
    refused = doc.post(f"/clinic/patients/{ann}/review", {"action": "seen", "note": "x" * 281})
    assert refused.headers["Location"] == f"/clinic/patients/{ann}/"
    assert "at most 280 characters" in _text(doc.get(f"/clinic/patients/{ann}/"))
    with clinic.database.for_profile(_profile(clinic, ANN)).reading() as store:
        assert store.reviews() == []


def test_a_clinician_sets_the_follow_up(clinic: Clinic) -> None:
    _, bob_browser = _two_patients(clinic)
    doc = _staff(clinic)
    bob = _ids(clinic)[BOB]
    doc.get(f"/clinic/patients/{bob}/")
    done = doc.post(f"/clinic/patients/{bob}/follow-up", {"follow_up": "2026-11-27"})
    assert done.status_code == 303
    assert "Follow-up for bob@example.org: 2026-11-27." in _text(
        doc.get(f"/clinic/patients/{bob}/")
    )
    assert "2026-11-27" in _text(bob_browser.get("/status"))
    early = doc.post(f"/clinic/patients/{bob}/follow-up", {"follow_up": "2026-11-01"})
    assert early.status_code == 303
    assert "cannot be before the session" in _text(doc.get(f"/clinic/patients/{bob}/"))


def test_every_view_and_change_of_a_record_is_in_the_audit_log(clinic: Clinic) -> None:
    ann_browser, _ = _two_patients(clinic)
    doc = _staff(clinic)
    ids = _ids(clinic)
    before = len(_events(clinic))
    ann = ids[ANN]
    for path in ("/", "/chart", "/history", "/views"):
        assert doc.get(f"/clinic/patients/{ann}{path}").status_code == 200, path
    doc.post(f"/clinic/patients/{ann}/review", {"action": "contacted"})
    ann_browser.get("/status")
    assert _events(clinic)[before:] == [
        (DOC, f"GET /clinic/patients/{ann}/", "allowed", ANN),
        (DOC, f"GET /clinic/patients/{ann}/chart", "allowed", ANN),
        (DOC, f"GET /clinic/patients/{ann}/history", "allowed", ANN),
        (DOC, f"GET /clinic/patients/{ann}/views", "allowed", ANN),
        (DOC, f"POST /clinic/patients/{ann}/review [contacted]", "allowed", ANN),
        (ANN, "GET /status", "allowed", ANN),
    ]
    with clinic.database.reading() as store:
        last = audit.listed(store)[-1]
    assert (last.actor_role, last.address) == ("patient", "127.0.0.1")


def test_role_refusals_are_refused_and_audited(clinic: Clinic) -> None:
    ann_browser, _ = _two_patients(clinic)
    doc = _staff(clinic)
    ids = _ids(clinic)
    before = len(_events(clinic))
    bob = ids[BOB]
    # A patient never reaches the clinician's routes, another patient's least of all.
    assert ann_browser.get("/clinic").status_code == 403
    assert ann_browser.get(f"/clinic/patients/{bob}/").status_code == 403
    assert ann_browser.get(f"/clinic/patients/{bob}/history").status_code == 403
    ann_browser.get("/status")
    assert ann_browser.post(f"/clinic/patients/{bob}/review", {"action": "seen"}).status_code == 403
    # A clinician cannot write a patient's symptoms, nor open an id that is no patient's.
    doc.get("/clinic")
    assert doc.post("/checkin", {"date": "2026-11-24", "value-redness": "1"}).status_code == 403
    assert doc.get("/clinic/patients/999999/").status_code == 404
    found = _events(clinic)[before:]
    assert (ANN, "GET /clinic", "refused", None) in found
    assert (ANN, f"GET /clinic/patients/{bob}/", "refused", BOB) in found
    assert (ANN, f"GET /clinic/patients/{bob}/history", "refused", BOB) in found
    assert (ANN, f"POST /clinic/patients/{bob}/review", "refused", BOB) in found
    assert (DOC, "POST /checkin", "refused", None) in found
    assert (DOC, "GET /clinic/patients/999999/", "refused", None) in found
    with clinic.database.for_profile(_profile(clinic, BOB)).reading() as store:
        assert store.reviews() == []


def test_a_patient_sees_who_looked_at_their_record(clinic: Clinic) -> None:
    ann_browser, bob_browser = _two_patients(clinic)
    doc = _staff(clinic)
    ann = _ids(clinic)[ANN]
    doc.get(f"/clinic/patients/{ann}/history")
    assert ann_browser.get("/status").status_code == 200
    page = _text(ann_browser.get("/record-views"))
    assert f"{DOC} (clinician)" in page and "looked at your History page" in page
    assert "GET /clinic" not in page  # she reads words; the request line is for staff
    assert DOC not in _text(bob_browser.get("/record-views"))
    # Her own visits are in the log, not on this page (they would bury the others).
    assert "Status page" not in page and "check-in" not in page
    with clinic.database.reading() as store:
        assert any(e.what == "GET /status" and e.actor == ANN for e in audit.listed(store))
    assert doc.get("/record-views").status_code == 403


def test_tracker_clinic_audit_lists_every_event_and_one_patients(
    clinic: Clinic, db_url: str
) -> None:
    _two_patients(clinic)
    doc = _staff(clinic)
    ann = _ids(clinic)[ANN]
    doc.get(f"/clinic/patients/{ann}/")
    with clinic.database.reading() as store:
        every = audit.listed(store)
    listed = invoke("clinic", "audit", "--db", db_url, "--json")
    assert listed.exit_code == 0, listed.output
    assert [{k: v for k, v in e.items() if k != "words"} for e in json.loads(listed.stdout)] == [
        e.to_json() for e in every
    ]
    mine = invoke("clinic", "audit", "--db", db_url, "--patient", ANN, "--json")
    shown = json.loads(mine.stdout)
    assert shown[-1] == {
        "id": every[-1].id,
        "at": "2026-11-24T09:00:00Z",
        "actor_id": every[-1].actor_id,
        "actor": DOC,
        "actor_role": "clinician",
        "profile_id": ann,
        "patient": ANN,
        "what": f"GET /clinic/patients/{ann}/",
        "address": "127.0.0.1",
        "outcome": "allowed",
        "words": "looked at the patient's Status page",
    }
    assert {e["patient"] for e in shown} == {ANN}
    text = invoke("clinic", "audit", "--db", db_url, "--patient", ANN).stdout.splitlines()
    headers = ["when (UTC)", "who", "patient", "what", "request", "from", "outcome"]
    assert re.split(r"\s{2,}", text[0].strip()) == headers
    assert re.split(r"\s{2,}", text[-1].strip()) == [
        "2026-11-24 09:00:00 UTC",
        f"{DOC} (clinician)",
        ANN,
        "looked at the patient's Status page",
        f"GET /clinic/patients/{ann}/",
        "127.0.0.1",
        "allowed",
    ]
    unknown = invoke("clinic", "audit", "--db", db_url, "--patient", "nobody@example.org")
    assert unknown.exit_code != 0 and "No patient has the e-mail address" in unknown.stderr


def _check_in(browser: ClinicBrowser, values: dict[str, str]) -> None:
    browser.get("/")
    assert browser.post("/checkin", {"date": "2026-11-24", **values}).status_code == 303


def test_the_triage_list_comes_in_pages_with_a_count_for_each_level(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.services import triage_pages

    _two_patients(clinic)
    _patient(clinic, "cy@example.org", "microneedling", "2026-11-22", {"redness": "0"})
    doc = _staff(clinic)
    monkeypatch.setattr(triage_pages, "PAGE_SIZE", 2)
    first = _text(doc.get("/clinic"))
    assert _order(first) == [ANN, BOB]
    assert "Patients 1\u20132 of 3 (page 1 of 2)" in first
    for level, count in (("Urgent", 1), ("Nothing logged lately", 1), ("Nothing open", 1)):
        assert re.search(rf">{level}</span> {count}</li>", first), level
    assert 'rel="next" href="/clinic?page=2"' in first and 'rel="prev"' not in first
    second = _text(doc.get("/clinic?page=2"))
    assert _order(second) == ["cy@example.org"]
    assert 'rel="prev" href="/clinic?page=1"' in second and 'rel="next"' not in second
    for wrong in ("3", "0", "x", "-1"):
        assert doc.get(f"/clinic?page={wrong}").status_code == 404


def _written_elsewhere(clinic: Clinic, email: str, symptom: str, value: int) -> None:
    """A write to the patient's record that is not the server's (a command on the same
    database): it counts the write, and leaves the line for the list to judge."""
    import datetime as dt

    database = clinic.database.for_profile(_profile(clinic, email))
    with database.writing() as store:
        latest = store.latest_session_on_or_before(dt.date(2026, 11, 24))
        assert latest is not None
        store.write_day(latest, dt.date(2026, 11, 24), {symptom: value}, None)


def _counted(doc: ClinicBrowser) -> Callable[[], int]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    def count() -> int:
        statements.clear()
        event.listen(Engine, "before_cursor_execute", record)
        try:
            assert doc.get("/clinic").status_code == 200
        finally:
            event.remove(Engine, "before_cursor_execute", record)
        return len(statements)

    return count


def test_the_triage_page_reads_a_fixed_number_of_statements(clinic: Clinic) -> None:
    """The server's writes judge their patients' lines (the writer pays): the list then
    only reads, whatever was written; a write from elsewhere is judged by the next load."""
    _two_patients(clinic)
    doc = _staff(clinic)
    count = _counted(doc)
    kept = count()  # every line kept: a page and its counts, whatever the number of patients
    cy = _patient(clinic, "cy@example.org", "microneedling", "2026-11-22", {"redness": "2"})
    assert count() == kept  # Cy's line judged by her own invitation, session and check-in
    _check_in(cy, {"value-redness": "3"})
    assert count() == kept
    _written_elsewhere(clinic, "cy@example.org", "redness", 1)
    one_stale = count()
    assert one_stale > kept  # Cy's line judged and kept by the load
    assert count() == kept
    _patient(clinic, "di@example.org", "peel-medium", "2026-11-18", {"peeling": "4"})
    _written_elsewhere(clinic, "cy@example.org", "redness", 0)
    _written_elsewhere(clinic, "di@example.org", "peeling", 3)
    assert count() == one_stale  # two lines judged again in as many statements as one
    assert count() == kept


def test_a_patients_own_page_is_audited_with_the_profile_read_with_the_account(
    clinic: Clinic,
) -> None:
    """The audit event of a patient's own page names her profile by the id read with her
    account (no lookup by name: one statement less on every patient's request)."""
    ann = _patient(clinic, ANN, "ipl", "2026-11-19", {"redness": "1"})
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        assert ann.get("/status").status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert any(s.startswith("INSERT INTO audit_events") for s in statements)
    assert not [s for s in statements if s.startswith("SELECT profiles.id FROM profiles")]
    assert (ANN, "GET /status", "allowed", ANN) in _events(clinic)


def test_a_check_in_judges_its_own_line_and_is_kept_whatever_judging_does(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check-in's own transaction keeps the patient's new line (the urgent flag is on
    the list at once, nothing left to judge); an error judging it loses nothing the patient
    sent: the line is left stale, and the list's next load judges it."""
    import datetime as dt

    from tracker.services import triage_pages

    def stale() -> list[int]:
        with clinic.database.reading() as store:
            return [pid for pid, _ in triage_pages.stale(store, dt.date(2026, 11, 24))]

    ann = _patient(clinic, ANN, "ipl", "2026-11-19", {"redness": "1"})
    doc = _staff(clinic)
    assert stale() == []
    _check_in(ann, {"value-blistering": "3"})
    assert stale() == []
    assert "Urgent</span> 1</li>" in _text(doc.get("/clinic"))

    def broken(*_args: object) -> None:
        raise ZeroDivisionError("a mistake in the rules")

    monkeypatch.setattr(triage_pages, "kept_line", broken)
    _check_in(ann, {"value-blistering": "0", "value-crusting": "2"})
    assert stale() == [_ids(clinic)[ANN]]
    with clinic.database.for_profile(_profile(clinic, ANN)).reading() as store:
        latest = store.latest_session_on_or_before(dt.date(2026, 11, 24))
        assert latest is not None
        day = store.entries_on(latest.id, dt.date(2026, 11, 24))
    assert (day["blistering"].severity, day["crusting"].severity) == (0, 2)
    monkeypatch.undo()
    page = _text(doc.get("/clinic"))
    assert "Urgent</span> 1</li>" not in page and stale() == []


def test_staff_open_a_patients_photos_read_only_and_never_through_another_patients_id(
    clinic: Clinic,
) -> None:
    import io

    from photo_support import phone_jpeg

    ann_browser, _ = _two_patients(clinic)
    ann_browser.get("/")
    photo = {"session": "1", "date": "2026-11-24", "photo": (io.BytesIO(phone_jpeg()), "a.jpg")}
    sent = ann_browser.post("/photos", photo, content_type="multipart/form-data")
    assert sent.status_code == 303
    doc = _staff(clinic)
    ids = _ids(clinic)
    ann, bob = ids[ANN], ids[BOB]
    history = _text(doc.get(f"/clinic/patients/{ann}/history"))
    assert f"/clinic/patients/{ann}/photos/1/thumbnail" in history
    assert "Remove photo" not in history and "/photos/1/remove" not in history
    for path in ("photos/1/thumbnail", "photos/1/image", "photos/compare?session=1"):
        assert doc.get(f"/clinic/patients/{ann}/{path}").status_code == 200, path
    before = len(_events(clinic))
    # Ann's photo asked for as Bob's: Bob's record has no photo 1.
    assert doc.get(f"/clinic/patients/{bob}/photos/1/image").status_code == 404
    assert _events(clinic)[before:] == [
        (DOC, f"GET /clinic/patients/{bob}/photos/1/image", "refused", BOB)
    ]
    # No write reaches a patient's record through the staff routes.
    assert doc.post(f"/clinic/patients/{ann}/photos/1/image").status_code == 405
    assert doc.post("/photos/1/remove").status_code == 403


def test_a_nul_in_the_path_is_not_found_and_audited_escaped(clinic: Clinic) -> None:
    """Fresh eyes 3, F6: a NUL in the path gave a 500 on PostgreSQL (its text cannot hold
    one, so the audit row could not be written and the request left no trace). Now the
    answer is the tracker's own 'not found', and the log holds the line as a URL writes it."""
    ann_browser, _ = _two_patients(clinic)
    before = len(_events(clinic))
    for path in ("/%00", "/export/json%00", "/history%00x"):
        answer = ann_browser.get(path)
        assert answer.status_code == 404, path
        assert "Traceback" not in _text(answer)
    found = [(what, outcome) for _, what, outcome, _ in _events(clinic)[before:]]
    assert found == [
        ("GET /%00", "refused"),
        ("GET /export/json%00", "refused"),
        ("GET /history%00x", "refused"),
    ]


def test_the_photo_form_says_where_a_hosted_photo_is_kept(clinic: Clinic) -> None:
    """Fresh eyes 3, F1: the hosted patient's photo form said "Kept in your own database
    only"; the photo goes into the clinic's tracker, where its clinicians can open it."""
    ann_browser, _ = _two_patients(clinic)
    today = _text(ann_browser.get("/"))
    assert "own database" not in today
    assert "Kept in your clinic&#39;s tracker, with the rest of your record: its clinicians " in (
        today.replace("'", "&#39;")
    )


def test_removing_another_patients_photo_is_audited_refused(clinic: Clinic) -> None:
    """Fresh eyes 3, F6: Bob's POST /photos/1/remove (Ann's photo) removed nothing and said
    'There is no photo 1', but the log had it 'allowed'; its GET was 'refused'."""
    import io

    from photo_support import phone_jpeg

    ann_browser, bob_browser = _two_patients(clinic)
    ann_browser.get("/")
    photo = {"session": "1", "date": "2026-11-24", "photo": (io.BytesIO(phone_jpeg()), "a.jpg")}
    assert ann_browser.post("/photos", photo, content_type="multipart/form-data").status_code == 303
    bob_browser.get("/history")
    before = len(_events(clinic))
    assert bob_browser.get("/photos/1/image").status_code == 404
    tried = bob_browser.post("/photos/1/remove", {})
    assert tried.status_code == 303
    assert "There is no photo 1" in _text(bob_browser.get(tried.headers["Location"]))
    events = _events(clinic)[before:]
    assert (BOB, "GET /photos/1/image", "refused", BOB) in events
    assert (BOB, "POST /photos/1/remove", "refused", BOB) in events
    assert ann_browser.get("/photos/1/image").status_code == 200  # nothing was removed
    # Her own removal is allowed, and audited so.
    ann_browser.get("/history")
    assert ann_browser.post("/photos/1/remove", {}).status_code == 303
    assert (ANN, "POST /photos/1/remove", "allowed", ANN) in _events(clinic)


def test_a_disabled_patient_stays_on_the_triage_list_marked(clinic: Clinic) -> None:
    """Her urgent flag still needs the clinic's eyes (it must not vanish with the account),
    but she can no longer sign in to log more: the list says so; enabled, the mark goes."""
    from tracker.services import accounts

    _two_patients(clinic)
    with clinic.database.writing() as store:
        accounts.disable(store, ANN, clinic.clock())
    doc = _staff(clinic)
    page = _text(doc.get("/clinic"))
    assert _order(page) == [ANN, BOB]
    row = page.split(f">{ANN}</a>")[1].split("</tr>")[0]
    assert "account disabled: cannot sign in" in row
    assert "account disabled" not in page.split(f">{BOB}</a>")[1].split("</tr>")[0]
    with clinic.database.writing() as store:
        accounts.enable(store, ANN)
    assert "account disabled" not in _text(doc.get("/clinic"))


def test_a_patient_sees_each_link_made_for_her_account(clinic: Clinic) -> None:
    """A link sets the password: the patient's "Who looked" page shows each one made, and
    by whom (the invitation made on the server: the clinic's administrator)."""
    ann = _patient(clinic, ANN, "ipl", "2026-11-19", {})
    page = html.unescape(_text(ann.get("/record-views")))
    assert f"made a one-time link to set the password of {ANN}" in page
    assert "the clinic's administrator, on the server" in page
