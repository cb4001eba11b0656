"""What staff and patients of a hosted clinic see around the pages (issue 26, fresh eyes):
the staff header on every staff page, the empty triage list's way on, the clinic's reply
on a patient's Status, the clinic's own error pages, times in the clinic's zone. On real
SQLite and PostgreSQL (TRACKER_TEST_DATABASE_URL), with Flask's test client."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from clinic_support import Clinic, ClinicBrowser

from tracker.services import audit

ANN = "ann@example.org"
DOC = "doc@example.org"
BOSS = "boss@example.org"


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _visible(response: object) -> str:
    """The page's words, tags out, whitespace folded."""
    words = re.sub(r"<[^>]+>", " ", _text(response))
    return " ".join(html.unescape(words).split())


def _patient(
    clinic: Clinic, email: str = ANN, values: dict[str, str] | None = None
) -> ClinicBrowser:
    browser = clinic.browser()
    assert browser.accept(clinic.invite(email)).status_code == 303
    browser.get("/sessions")
    assert browser.post("/sessions", {"date": "2026-11-19", "kind": "ipl"}).status_code == 303
    if values:
        browser.get("/")
        sent = {"date": "2026-11-24", **{f"value-{k}": v for k, v in values.items()}}
        assert browser.post("/checkin", sent).status_code == 303
    return browser


def _staff(clinic: Clinic, email: str = DOC, role: str = "clinician") -> ClinicBrowser:
    browser = clinic.browser()
    browser.enrol_staff(clinic.add_staff(email, role), email)
    assert browser.get("/clinic").status_code == 200
    return browser


def _profile_id(clinic: Clinic, email: str = ANN) -> int:
    with clinic.database.reading() as store:
        return {e: pid for pid, e in store.patient_emails().items()}[email]


def _header(response: object) -> str:
    found = re.search(r'<div class="staff-bar".*?</nav>', _text(response), re.S)
    assert found is not None, _text(response)[:2000]
    return found.group(0)


# -- item 2: the staff header -------------------------------------------------------------


def test_every_staff_page_names_who_is_signed_in_and_links_the_staff_pages(
    clinic: Clinic,
) -> None:
    _patient(clinic, values={"redness": "4"})
    doc = _staff(clinic)
    ann = _profile_id(clinic)
    pages = [
        "/clinic",
        "/clinic/invite",
        "/clinic/audit",
        f"/clinic/patients/{ann}/",
        f"/clinic/patients/{ann}/chart",
        f"/clinic/patients/{ann}/history",
        f"/clinic/patients/{ann}/views",
    ]
    for path in pages:
        page = doc.get(path)
        assert page.status_code == 200, path
        header = _header(page)
        assert "Signed in as" in header and DOC in header and "clinician" in header, path
        for href, label in (
            ("/clinic", "Triage"),
            ("/clinic/invite", "Invite a patient"),
            ("/clinic/audit", "Audit log"),
        ):
            assert f'href="{href}"' in header and label in header, (path, label)
        own = re.findall(r'<a href="([^"]+)" aria-current="page"', header)
        assert own == ([path] if path in ("/clinic", "/clinic/invite", "/clinic/audit") else []), (
            path,
            own,
        )
    boss = _staff(clinic, BOSS, "admin")
    assert "administrator" in _header(boss.get("/clinic"))


def test_a_patient_has_no_staff_header(clinic: Clinic) -> None:
    ann = _patient(clinic)
    page = ann.get("/status")
    assert 'class="staff-bar"' not in _text(page)
    assert "/clinic/invite" not in _text(page) and "/clinic/audit" not in _text(page)


def test_a_link_added_to_the_staff_header_shows_to_its_roles_only(clinic: Clinic) -> None:
    """The slot other staff pages (the admin's staff accounts, a password change) fill:
    `staff_nav.add_link`, no template edit; each link shows to the roles given."""
    from tracker.domain.accounts import Role
    from tracker.web import hosted, staff_nav

    app = clinic.app()
    hosted.route(app, "/clinic/extra", "extra_page", lambda: "extra", roles=[Role.ADMIN])
    staff_nav.add_link(app, "extra_page", "Staff accounts", roles=(Role.ADMIN,))
    staff_nav.add_link(
        app, "invite_page", "Change password", roles=(Role.ADMIN, Role.CLINICIAN), section="account"
    )
    boss = clinic.browser(app)
    boss.enrol_staff(clinic.add_staff(BOSS, "admin"), BOSS)
    doc = clinic.browser(app)
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    admin_header = _header(boss.get("/clinic"))
    assert 'href="/clinic/extra"' in admin_header and "Staff accounts" in admin_header
    assert "Change password" in admin_header
    doc_header = _header(doc.get("/clinic"))
    assert "/clinic/extra" not in doc_header and "Staff accounts" not in doc_header
    assert "Change password" in doc_header


def test_the_audit_log_page_lists_the_latest_events_and_is_itself_audited(
    clinic: Clinic,
) -> None:
    _patient(clinic, values={"redness": "4"})
    doc = _staff(clinic)
    ann = _profile_id(clinic)
    assert doc.get(f"/clinic/patients/{ann}/").status_code == 200
    page = doc.get("/clinic/audit")
    assert page.status_code == 200
    words = _visible(page)
    assert f"GET /clinic/patients/{ann}/" in words and ANN in words and DOC in words
    with clinic.database.reading() as store:
        events = audit.listed(store)
    assert (events[-1].actor, events[-1].what, events[-1].outcome) == (
        DOC,
        "GET /clinic/audit",
        "allowed",
    )
    patient = _patient(clinic, "bob@example.org")
    assert patient.get("/clinic/audit").status_code == 403


# -- item 3: an empty triage list -----------------------------------------------------------


def test_an_empty_triage_list_links_to_the_invite_page_not_a_command(clinic: Clinic) -> None:
    doc = _staff(clinic)
    page = doc.get("/clinic")
    main = _text(page).split('<main id="main"', 1)[1]
    assert "tracker clinic invite" not in main
    assert re.search(r'<a class="button[^"]*" href="/clinic/invite">Invite a patient</a>', main)


# -- item 5: the tracker's own page for every error, on every route and method ---------------

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
BOGUS = {"int": "999999", "default": "bogus-id"}
# Werkzeug's own error pages, which a patient or clinician must never meet.
WERKZEUG = (
    "The requested URL was not found on the server",
    "The method is not allowed for the requested URL",
    "The browser (or proxy) sent a request that this server could not understand",
    "<title>404 Not Found</title>",
    "<title>405 Method Not Allowed</title>",
)


def _bogus_paths(app: object) -> list[tuple[str, str]]:
    """(endpoint, path) for every rule of the app, each path argument a bogus id."""
    made = []
    for rule in app.url_map.iter_rules():  # type: ignore[attr-defined]
        if rule.endpoint == "static":
            continue
        path = rule.rule
        for name, converter in rule._converters.items():
            kind = "int" if type(converter).__name__ == "IntegerConverter" else "default"
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", BOGUS[kind], path)
        made.append((str(rule.endpoint), path))
    return sorted(set(made))


def _own_page_findings(where: str, response: object) -> list[str]:
    """An answer of 400 or more is the tracker's own HTML page, with a way on in its main
    part; never a crash, never Werkzeug's page."""
    status = response.status_code  # type: ignore[attr-defined]
    if status >= 500:
        return [f"{where}: {status}"]
    if status < 400:
        return []
    body = _text(response)
    found = [f"{where}: {status} Werkzeug's page" for said in WERKZEUG if said in body]
    if "Recovery tracker" not in body or "<main" not in body:
        found.append(f"{where}: {status} not the tracker's page: {body[:200]!r}")
    main = body.split("<main", 1)[-1]
    if status in (404, 405) and "<a " not in main:
        found.append(f"{where}: {status} without a link on")
    return found


def _send(browser: ClinicBrowser, method: str, path: str) -> object:
    if method == "GET":
        return browser.get(path)
    browser.get("/")  # a CSRF token of this browser's, as from a page it had open
    data = {"csrf": browser.csrf}
    return browser.client.open(f"http://127.0.0.1:8766{path}", method=method, data=data)


def test_every_error_on_every_hosted_route_and_method_is_the_trackers_own_page(
    clinic: Clinic,
) -> None:
    app = clinic.app()
    patient = clinic.browser(app)
    assert patient.accept(clinic.invite(ANN)).status_code == 303
    doc = clinic.browser(app)
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    browsers = {"anonymous": clinic.browser(app), "patient": patient, "clinician": doc}
    findings: list[str] = []
    statuses: dict[int, int] = {}
    for endpoint, path in _bogus_paths(app):
        for method in METHODS:
            if endpoint == "sign_out" and method == "POST":
                continue  # it ends the session the rest of the run needs
            for role, browser in browsers.items():
                answer = _send(browser, method, path)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1  # type: ignore[attr-defined]
                findings += _own_page_findings(f"{role} {method} {path}", answer)
    assert not findings, findings
    assert statuses.get(404, 0) > 20 and statuses.get(405, 0) > 50, statuses  # the premise
    for role in ("patient", "clinician"):  # still signed in: every request asked as the role
        assert (
            browsers[role].get("/clinic" if role == "clinician" else "/status").status_code == 200
        )


def test_every_error_on_every_private_route_and_method_is_the_trackers_own_page(
    db_url: str,
) -> None:
    import datetime as dt

    from web_support import BASE, Browser

    browser = Browser(db_url, dt.date(2026, 11, 24))
    try:
        browser.sign_in()
        findings: list[str] = []
        seen: set[int] = set()
        for _endpoint, path in _bogus_paths(browser.app):
            for method in METHODS:
                data = {"csrf": browser.keys.csrf_token}
                answer = browser.client.open(
                    BASE + path, method=method, data=None if method == "GET" else data
                )
                seen.add(answer.status_code)
                findings += _own_page_findings(f"{method} {path}", answer)
        assert not findings, findings
        assert {404, 405} <= seen, seen
    finally:
        browser.close()


def test_a_wrong_method_on_a_staff_patient_route_is_refused_and_audited(clinic: Clinic) -> None:
    """Flask gives a 405 no endpoint: the audit hook still records it, with the patient."""
    _patient(clinic, values={"redness": "4"})
    doc = _staff(clinic)
    ann = _profile_id(clinic)
    for method, path in (
        ("PUT", f"/clinic/patients/{ann}/"),
        ("POST", f"/clinic/patients/{ann}/history"),
        ("DELETE", f"/clinic/patients/{ann}/photos/1/image"),
        ("GET", f"/clinic/patients/{ann}/review"),
    ):
        answer = _send(doc, method, path)
        assert answer.status_code == 405, (method, path)  # type: ignore[attr-defined]
        assert not _own_page_findings(path, answer)
        with clinic.database.reading() as store:
            last = audit.listed(store)[-1]
        assert (last.actor, last.what, last.outcome, last.profile_id) == (
            DOC,
            f"{method} {path}",
            "refused",
            ann,
        ), (method, path)
    nowhere = doc.get("/clinic/no-such-page")
    assert nowhere.status_code == 404 and not _own_page_findings("nowhere", nowhere)
    with clinic.database.reading() as store:
        last = audit.listed(store)[-1]
    assert (last.what, last.outcome, last.profile_id) == (
        "GET /clinic/no-such-page",
        "refused",
        None,
    )


# -- item 7: the clinic's time zone -----------------------------------------------------------


def test_clinic_pages_show_times_in_the_clinics_time_zone(db_url: str) -> None:
    """Reviews, who looked and the audit log in the clinic's zone (TRACKER_TIME_ZONE), named:
    at 03:30 UTC on 24 November it is still 23 November, 22:30, in New York."""
    import datetime as dt

    clinic = Clinic(db_url, time_zone="America/New_York")
    try:
        clinic.clock.now = dt.datetime(2026, 11, 24, 3, 30, tzinfo=dt.UTC)
        ann = clinic.browser()
        assert ann.accept(clinic.invite(ANN)).status_code == 303
        ann.get("/sessions")
        assert ann.post("/sessions", {"date": "2026-11-19", "kind": "ipl"}).status_code == 303
        ann.get("/")
        sent = {"date": "2026-11-23", "value-blistering": "3"}
        assert ann.post("/checkin", sent).status_code == 303
        doc = _staff(clinic)
        patient = _profile_id(clinic)
        doc.get(f"/clinic/patients/{patient}/")
        done = doc.post(f"/clinic/patients/{patient}/review", {"action": "seen", "note": "Called"})
        assert done.status_code == 303
        local, utc = "2026-11-23 22:30 EST", "2026-11-24"
        for who, path in (
            (doc, f"/clinic/patients/{patient}/"),
            (doc, f"/clinic/patients/{patient}/views"),
            (doc, "/clinic/audit"),
            (ann, "/record-views"),
        ):
            words = _visible(who.get(path))
            assert local in words, (path, words[:3000])
            assert utc not in words and "UTC" not in words, (path, words[:3000])
        triage = _visible(doc.get("/clinic"))
        assert "seen 2026-11-23" in triage and "2026-11-24" not in triage, triage
        status = _visible(ann.get("/status"))
        assert "2026-11-23" in status and "2026-11-24" not in status, status
    finally:
        clinic.close()


# -- item 4: a patient's Status after the clinic's review --------------------------------------


def _headings(response: object) -> list[str]:
    main = _text(response).split('<main id="main"', 1)[1]
    return [
        " ".join(re.sub(r"<[^>]+>", "", h).split())
        for h in re.findall(r"<h2[^>]*>(.*?)</h2>", main, re.S)
    ]


def _urgent_box(response: object) -> str:
    found = re.search(r'<section class="urgent" role="alert".*?</section>', _text(response), re.S)
    assert found is not None, "the urgent box is gone"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def test_after_the_clinics_review_the_status_leads_with_its_reply_and_the_alarm_stays(
    clinic: Clinic,
) -> None:
    ann = _patient(clinic, values={"blistering": "3"})
    assert _headings(ann.get("/status"))[0] == "Contact your clinic now"
    doc = _staff(clinic)
    patient = _profile_id(clinic)
    doc.get(f"/clinic/patients/{patient}/")
    note = {"action": "seen", "note": "Called, fine: comes in at 4"}
    assert doc.post(f"/clinic/patients/{patient}/review", note).status_code == 303
    status = ann.get("/status")
    assert _headings(status)[0] == "Your clinic saw this on 2026-11-24", _headings(status)
    assert "Contact your clinic now" not in _headings(status)
    box = _urgent_box(status)  # the alarm stands while its cause does: still there, still red
    assert box.index("“Called, fine: comes in at 4”") < box.index("Blisters"), box
    assert "if it gets worse or something new appears, contact your clinic again now" in box
    assert _visible(status).count("Called, fine") == 1  # said once, in the box
    # Worse since (a new urgent symptom): the alarm leads again, the reply under it.
    ann.get("/")
    sent = {"date": "2026-11-24", "value-pus": "2", "session": "1"}
    assert ann.post("/checkin", sent).status_code == 303
    again = ann.get("/status")
    assert _headings(again)[0] == "Contact your clinic now"
    assert "A flag new or worse since then has not been seen yet." in _visible(again)
    # Contacted, not seen: its own words.
    doc.get(f"/clinic/patients/{patient}/")
    called = {"action": "contacted", "note": "Left a message"}
    assert doc.post(f"/clinic/patients/{patient}/review", called).status_code == 303
    assert _headings(ann.get("/status"))[0] == "Your clinic contacted you about this on 2026-11-24"


# -- item 8: one unit of work per staff request ------------------------------------------------


def test_a_staff_page_of_a_patients_record_reads_in_one_transaction(clinic: Clinic) -> None:
    """The page's own reads (the patient, the review line, the record) are one transaction;
    around it only the session check every request makes and the audit event's write."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    _patient(clinic, values={"blistering": "3", "redness": "5"})
    doc = _staff(clinic)
    patient = _profile_id(clinic)
    begins: list[str] = []

    def began(_connection: object) -> None:
        begins.append("begin")

    for path in (f"/clinic/patients/{patient}/", f"/clinic/patients/{patient}/history"):
        doc.get(path)  # warm: the chart cache, the session's last-seen
        begins.clear()
        event.listen(Engine, "begin", began)
        try:
            assert doc.get(path).status_code == 200
        finally:
            event.remove(Engine, "begin", began)
        assert len(begins) == 3, (path, begins)  # session check, the page, the audit event


@pytest.mark.parametrize("email", ["\x00", "ann@example.org\x00", "a\x07@example.org"])
def test_a_control_character_typed_to_sign_in_gets_the_one_answer(
    clinic: Clinic, email: str
) -> None:
    """PostgreSQL refuses a NUL in any text: typed as an address it answered 'Nothing was
    saved: Cannot use the database postgresql+psycopg://...' (400) instead of the one
    answer every failed sign-in gets (found by the hypothesis test on PostgreSQL)."""
    _patient(clinic)
    answer = clinic.browser().sign_in(email, "whatever it is x")
    assert answer.status_code == 401 and "do not match" in _text(answer), _text(answer)[:500]
    assert "postgresql" not in _text(answer) and "database" not in _text(answer)
