"""Every route of the clinic's app, tried by every role with patient A's ids: nobody but A
(and the clinic's staff, on the staff's own pages) sees or changes A's record.

The routes are read from the app's url_map, so a route added later is tried too: a path
argument the test does not know fails it (give A's id for it in ``path_ids``). For each
route, method and role (anonymous, patient B, clinician, admin) the request carries A's ids
in the path, in the query and in every form field that names a record; the answer must not
hold anything of A's (A's e-mail address, the note and area only A wrote, A's photo's
bytes; a PDF is read as text), must not be a crash, and is refused where the role has no
business (the sign-in page for nobody signed in; 403 or 404 otherwise). A's record (every
row of A's profile, sessions, values, changes, care, photos, account and consents) is the
same after all of it. The audit log holds every refusal to someone signed in, every staff
view of A's record, and no event of B's that names A's record as seen. Patient A, with the
same requests, is the control: A's pages with those ids answer and hold A's words, so a
refusal to B is a refusal, not a wrong id.

Session ids in routes (``/sessions/<session_id>``, ``?session=``, a form's ``session``) are the
profile's own session numbers (1, 2, 3 for each patient, since migration 0012), so B also has
a session 1. B signs up first with one session; A has three, and A's record hangs on A's
session 3: a number B does not have (asking for it is asking for something B does not own;
B's own POST /sessions during the run makes B's session 2, and any request that gives someone
else a session numbered like A's is a finding, the premise gone) and not its row id (a route
reading the row id where a number is meant answers A wrongly, and the control says so).
Photo, change and care ids stay each table's own row ids.
`test_a_leaking_route_is_caught` adds a route that leaks and shows the check fails.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from clinic_support import PUBLIC_URL, Clinic, ClinicBrowser
from flask import Flask, url_for
from photo_support import phone_jpeg
from sqlalchemy import create_engine, text
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tracker.storage.database import resolve
from tracker.web.hosted import PUBLIC

ANN = "ann-a@example.org"  # patient A
BOB = "bob-b@example.org"  # patient B
DOC = "doc@example.org"
ADMIN = "admin@example.org"
NOTE = "ANN-NOTE-7f3a"  # words only A wrote: any answer holding them shows A's record
AREA = "ANN-AREA-c91e"
SKIP_METHODS = {"HEAD", "OPTIONS"}
ROLES = ("anonymous", "patient B", "clinician", "admin")
ROLE_OF = {
    "patient A": "patient",
    "patient B": "patient",
    "clinician": "clinician",
    "admin": "admin",
}
STAFF = {"clinician", "admin"}


@dataclass
class World:
    clinic: Clinic
    app: Flask
    browsers: dict[str, ClinicBrowser]
    ids: dict[str, int]
    secrets: list[bytes]  # what no answer to another may hold
    accounts: dict[str, int] = field(default_factory=dict)  # role: its account id


def _accept(clinic: Clinic, app: Flask, email: str) -> ClinicBrowser:
    browser = clinic.browser(app)
    assert browser.accept(clinic.invite(email)).status_code == 303
    return browser


def _staff(clinic: Clinic, app: Flask, email: str, token: str) -> ClinicBrowser:
    browser = clinic.browser(app)
    assert browser.enrol_staff(token, email).status_code == 200  # its recovery codes shown
    return browser


def _rows(db_url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(resolve(db_url).url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def a_record(world: World) -> dict[str, list[str]]:
    """Every row of A's record, as text."""
    profile = world.ids["profile"]
    queries = {
        "profile": "SELECT * FROM profiles WHERE id = :p",
        "sessions": "SELECT * FROM sessions WHERE profile_id = :p",
        "entries": "SELECT e.* FROM entries e JOIN sessions s ON s.id = e.session_id "
        "WHERE s.profile_id = :p",
        "entry_changes": "SELECT c.* FROM entry_changes c JOIN sessions s "
        "ON s.id = c.session_id WHERE s.profile_id = :p",
        "care": "SELECT c.* FROM care_actions c JOIN sessions s ON s.id = c.session_id "
        "WHERE s.profile_id = :p",
        "photos": "SELECT f.* FROM photos f JOIN sessions s ON s.id = f.session_id "
        "WHERE s.profile_id = :p",
        "account": "SELECT id, email, role, profile_id, password_hash, disabled_at "
        "FROM accounts WHERE profile_id = :p",
        "consents": "SELECT c.* FROM consents c JOIN accounts a ON a.id = c.account_id "
        "WHERE a.profile_id = :p",
    }
    return {
        name: sorted(
            json.dumps(row, default=str) for row in _rows(world.clinic.db_url, sql, p=profile)
        )
        for name, sql in queries.items()
    }


def build_world(db_url: str, extra: Callable[[Flask], None] | None = None) -> World:
    clinic = Clinic(db_url)
    app = clinic.app()
    if extra is not None:
        extra(app)  # before the app's first request, as Flask asks
    admin = _staff(clinic, app, ADMIN, clinic.init(ADMIN))
    # B first, with one session: B's session 1 is row 1, so A's sessions' numbers and row ids
    # differ; A's session 3 (the one A's record hangs on) is a number B does not have, nor
    # gets from its own POST /sessions in the run (that is B's session 2).
    bob = _accept(clinic, app, BOB)
    bob.get("/sessions")
    assert (
        bob.post("/sessions", {"date": "2026-11-19", "kind": "peel-superficial"}).status_code == 303
    )
    ann = _accept(clinic, app, ANN)
    for day in ("2026-11-04", "2026-11-10"):
        ann.get("/sessions")
        earlier = ann.post("/sessions", {"date": day, "kind": "peel-superficial"})
        assert earlier.status_code == 303
    ann.get("/sessions")
    made = ann.post("/sessions", {"date": "2026-11-18", "kind": "ipl", "area": AREA})
    assert made.status_code == 303
    ((session, row),) = _rows(
        db_url,
        "SELECT s.number, s.id FROM sessions s JOIN profiles p ON p.id = s.profile_id "
        "WHERE p.name = :n AND s.area = :a",
        n=ANN,
        a=AREA,
    )
    bobs = _rows(
        db_url,
        "SELECT s.number FROM sessions s JOIN profiles p ON p.id = s.profile_id WHERE p.name = :n",
        n=BOB,
    )
    assert session == 3 and session != row and (session,) not in bobs, (session, row, bobs)
    ann.get("/")
    checkin = {
        "date": "2026-11-20",
        "session": str(session),
        "value-redness": "6",
        "value-temperature": "38.2",
        "note": NOTE,
        "care": "cold-compress",
    }
    assert ann.post("/checkin", checkin).status_code == 303
    ann.get("/")
    again = {"date": "2026-11-20", "session": str(session), "value-redness": "5"}
    assert ann.post("/checkin", again).status_code == 303  # a correction: a change row
    ann.get("/")
    photo = {
        "session": str(session),
        "date": "2026-11-21",
        "photo": (io.BytesIO(phone_jpeg()), "cheek.jpg"),
    }
    assert ann.post("/photos", photo, content_type="multipart/form-data").status_code == 303
    ((profile, account),) = _rows(
        db_url,
        "SELECT p.id, a.id FROM profiles p JOIN accounts a ON a.profile_id = p.id "
        "WHERE p.name = :n",
        n=ANN,
    )
    ((photo_id, image, thumbnail),) = _rows(
        db_url,
        "SELECT p.id, i.image, i.thumbnail FROM photos p "
        "JOIN photo_images i ON i.photo_id = p.id WHERE p.session_id = :s",
        s=row,
    )
    ((change,),) = _rows(db_url, "SELECT MAX(id) FROM entry_changes WHERE session_id = :s", s=row)
    ((care,),) = _rows(db_url, "SELECT MAX(id) FROM care_actions WHERE session_id = :s", s=row)
    ((reading,),) = _rows(db_url, "SELECT MAX(id) FROM measurements WHERE session_id = :s", s=row)
    assert None not in (change, care, reading)
    doc = _staff(clinic, app, DOC, clinic.add_staff(DOC))
    made_world = World(
        clinic,
        app,
        {
            "anonymous": clinic.browser(app),
            "patient A": ann,
            "patient B": bob,
            "clinician": doc,
            "admin": admin,
        },
        {
            "session": session,  # A's session's number, as routes take it
            "photo": photo_id,
            "profile": profile,
            "account": account,
            "change": change,
            "care": care,
            "reading": reading,
        },
        [NOTE.encode(), AREA.encode(), ANN.encode(), bytes(image), bytes(thumbnail)],
    )
    for role, email in (("patient B", BOB), ("clinician", DOC), ("admin", ADMIN)):
        ((made_world.accounts[role],),) = _rows(
            db_url, "SELECT id FROM accounts WHERE email = :e", e=email
        )
    return made_world


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    made = build_world(db_url)
    yield made
    made.clinic.close()


# -- the requests ---------------------------------------------------------------------------


def path_ids(world: World) -> dict[str, list[str]]:
    """A's id for each path argument a route may have; several values: each is tried."""
    ids = world.ids
    return {
        "session_id": [str(ids["session"])],
        "photo_id": [str(ids["photo"])],
        "profile_id": [str(ids["profile"])],
        "patient_id": [str(ids["profile"])],
        "account_id": [str(ids["account"])],
        "fmt": ["json", "csv", "fhir"],
        "patient": [str(ids["profile"])],  # a clinician's view of a patient: the profile id
        "token": ["not-a-real-link-token-not-a-real-link-token"],
    }


def query(world: World) -> str:
    """A's ids in the query (not A's address: a patient's own 'who looked' page shows the
    paths they asked for, which would echo it back)."""
    ids = world.ids
    return (
        f"session={ids['session']}&a={ids['photo']}&b={ids['photo']}"
        f"&patient={ids['profile']}&account={ids['account']}&date=2026-11-20"
    )


def form(world: World) -> dict[str, str]:
    """A form naming A's records in every field that names one, with plausible values."""
    ids = world.ids
    return {
        "session": str(ids["session"]),
        "same": str(ids["session"]),
        "photo": str(ids["photo"]),
        "change": str(ids["change"]),
        "care": str(ids["care"]),
        "reading": str(ids["reading"]),
        "temperature": "36.6",
        "a": str(ids["photo"]),
        "b": str(ids["photo"]),
        "profile": ANN,
        "patient": str(ids["profile"]),
        "account": str(ids["account"]),
        "email": "someone@example.org",  # typed by the asker: echoed back, A's or not
        "password": "wrong password x",
        "date": "2026-11-20",
        "kind": "ipl",
        "symptom": "redness",
        "value": "0",
        "value-redness": "0",
        "note": "B-WAS-HERE",
        "area": "B-WAS-HERE",
        "code": "000000",
        "consent": "yes",
        "repeated": "wrong password x",
        "state": "seen",
    }


@dataclass(frozen=True)
class Request:
    rule: Rule
    method: str
    path: str

    @property
    def endpoint(self) -> str:
        return str(self.rule.endpoint)


def requests_of(world: World, app: Flask) -> list[Request]:
    known = path_ids(world)
    made = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        unknown = set(rule.arguments) - set(known)
        assert not unknown, f"{rule.rule}: give A's id for {sorted(unknown)} in path_ids"
        combos: list[dict[str, str]] = [{}]
        for name in sorted(rule.arguments):
            combos = [{**c, name: value} for c in combos for value in known[name]]
        for values in combos:
            with app.test_request_context(base_url=PUBLIC_URL):
                path = url_for(rule.endpoint, **values)
            for method in sorted((rule.methods or set()) - SKIP_METHODS):
                made.append(Request(rule, method, path))
    return made


def send(world: World, role: str, request: Request) -> TestResponse:
    browser = world.browsers[role]
    if request.method == "GET":
        separator = "&" if "?" in request.path else "?"
        return browser.get(request.path + separator + query(world))
    browser.get("/")  # a fresh CSRF token of this browser, as a page it had open
    if request.endpoint == "photo_add":
        data: dict[str, Any] = {**form(world), "photo": (io.BytesIO(phone_jpeg()), "b.jpg")}
        return browser.post(request.path, data, content_type="multipart/form-data")
    return browser.post(request.path, form(world))


def shown(response: TestResponse) -> bytes:
    """What the answer shows: body and headers, a PDF's text too."""
    body = response.get_data()
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items()).encode()
    if response.mimetype == "application/pdf" and body.startswith(b"%PDF"):
        from pypdf import PdfReader

        pages = PdfReader(io.BytesIO(body)).pages
        body += "\n".join(page.extract_text() or "" for page in pages).encode()
    return body + b"\n" + headers


# -- who may do what ------------------------------------------------------------------------


def roles_of(app: Flask, endpoint: str) -> frozenset[str]:
    found: frozenset[str] = app.extensions["tracker.access"].get(endpoint, frozenset())
    return found


def still_signed_in(world: World, app: Flask, role: str) -> None:
    """Some routes end the browser's session (sign-out, a new sign-in or link): sign in again,
    so that every request is asked as the role it is listed under; nobody signed in is a new
    browser each time."""
    if role == "anonymous":
        world.browsers[role] = world.clinic.browser(app)
        return
    home = "/clinic" if role in STAFF else "/status"
    if world.browsers[role].get(home).status_code == 200:
        return
    email = {"patient B": BOB, "clinician": DOC, "admin": ADMIN}[role]
    browser = world.browsers[role] = world.clinic.browser(app)
    world.clinic.clock.advance(seconds=31)  # a new TOTP step: each code works once
    answer = browser.sign_in(email)
    assert answer.status_code == 303, (role, answer.status_code)
    if role in STAFF:
        assert browser.give_code(email).status_code == 303
    assert browser.get(home).status_code == 200, role


def audit_since(world: World, last: int) -> list[tuple[Any, ...]]:
    """The audit log's events after event `last`: (id, actor, profile, what, outcome)."""
    return _rows(
        world.clinic.db_url,
        "SELECT id, actor_id, profile_id, what, outcome FROM audit_events WHERE id > :last "
        "ORDER BY id",
        last=last,
    )


def audit_findings(
    world: World,
    app: Flask,
    role: str,
    request: Request,
    status: int,
    events: list[tuple[Any, ...]],
) -> list[str]:
    """Every refusal to someone signed in is in the audit log; no event says someone other
    than staff saw A's record; every view of A's record by staff is there."""
    where = f"{role} {request.method} {request.path}"
    if role == "anonymous":
        return []
    me = world.accounts[role]
    asked = f"{request.method} {request.path}"
    mine = [e for e in events if e[1] == me and str(e[3]).startswith(asked)]
    found = []
    # Any 4xx changed nothing (a 400 on A's reading id too): audited refused, never allowed.
    if 400 <= status < 500 and not any(e[4] == "refused" for e in mine):
        found.append(f"{where}: {status}, the refusal not in the audit log")
    if role == "patient B" and any(
        e[2] == world.ids["profile"] and e[4] == "allowed" for e in events
    ):
        found.append(f"{where}: the audit log says B saw A's record")
    audited = app.extensions.get("tracker.audited", set())
    staff_view = role in STAFF and "patient" in request.rule.arguments and status == 200
    viewed = staff_view or (role in STAFF and request.endpoint in audited and status == 200)
    logged = any(
        e[4] == "allowed" and (e[2] == world.ids["profile"] or not staff_view) for e in mine
    )
    if viewed and not logged:
        found.append(f"{where}: a view of A's record not in the audit log")
    return found


def numbered_like_as(world: World) -> list[tuple[Any, ...]]:
    """Sessions of other profiles with the number of A's session: there must be none, or
    asking for A's number is asking for one's own session, not for A's."""
    return _rows(
        world.clinic.db_url,
        "SELECT profile_id, id FROM sessions WHERE number = :n AND profile_id <> :p",
        n=world.ids["session"],
        p=world.ids["profile"],
    )


def findings(world: World, app: Flask) -> list[str]:
    """What went wrong for every route, method and role: empty when nothing leaked."""
    found: list[str] = []
    premise = True
    before = a_record(world)
    last = max([e[0] for e in audit_since(world, 0)], default=0)
    for request in requests_of(world, app):
        allowed = roles_of(app, request.endpoint)
        for role in ROLES:
            answer = send(world, role, request)
            where = f"{role} {request.method} {request.path}"
            status = answer.status_code
            events = audit_since(world, last)
            found += audit_findings(world, app, role, request, status, events)
            if status >= 500:
                found.append(f"{where}: {status}")
            authorised_staff = role in STAFF and ROLE_OF.get(role) in allowed
            if not authorised_staff:
                leaked = [s[:20] for s in world.secrets if s in shown(answer)]
                if leaked:
                    found.append(f"{where}: shows A's {leaked}")
            if role == "anonymous" and PUBLIC not in allowed:
                location = answer.headers.get("Location", "")
                if not (status == 303 and location.startswith("/sign-in")) and status not in (
                    403,
                    404,
                ):
                    found.append(f"{where}: {status} {location} (not the sign-in page)")
            elif role != "anonymous" and PUBLIC not in allowed and ROLE_OF.get(role) not in allowed:
                if status not in (403, 404) and not (request.endpoint == "today" and status == 303):
                    found.append(f"{where}: {status} for a role the route does not allow")
            elif role == "patient B" and request.rule.arguments - {"fmt", "token"}:
                # A's id in the path: a page is refused; a form may also be sent back to where
                # it came from (a redirect), as long as nothing of A's changed (checked below).
                refused = (403, 404) if request.method == "GET" else (303, 400, 403, 404, 409)
                if status not in refused:
                    found.append(f"{where}: {status}, not refused (A's id in the path)")
            if premise and numbered_like_as(world):
                premise = False
                found.append(
                    f"{where}: another profile now has a session {world.ids['session']}, "
                    "like A's: give A's record a session number nobody else reaches"
                )
            still_signed_in(world, app, role)
            last = max([e[0] for e in audit_since(world, last)], default=last)
        if not (roles_of(app, request.endpoint) & {"clinician", "admin"}):
            after = a_record(world)
            if after != before:
                changed = sorted(k for k in before if before[k] != after[k])
                found.append(f"{request.method} {request.path}: changed A's {changed}")
                before = after
    return found


def control(world: World, app: Flask) -> list[str]:
    """Patient A's own answers to the same GET requests: the ids are A's, and A sees A's."""
    answers = []
    for request in requests_of(world, app):
        if request.method != "GET" or "patient" not in roles_of(app, request.endpoint):
            continue
        answer = send(world, "patient A", request)
        assert answer.status_code == 200, (request.path, answer.status_code)
        answers.append((request.path, shown(answer)))
    return [path for path, body in answers if any(s in body for s in world.secrets)]


def test_no_route_shows_or_changes_patient_as_record_to_anyone_else(world: World) -> None:
    own = control(world, world.app)
    # A's ids are real: A's own pages with them hold A's words, photo and address.
    for path in ("/sessions/", "/history", "/photos/", "/export/json", "/report.pdf"):
        assert any(p.startswith(path) for p in own), (path, own)
    found = findings(world, world.app)
    assert not found, "\n".join(found)


def test_a_leaking_route_is_caught(db_url: str) -> None:
    """The check fails for a route that forgets whose session it reads."""
    from tracker.web.hosted import PATIENT_PAGES, route

    def leaking(app: Flask) -> None:
        def leak(session_id: int) -> str:
            # by the number alone, not the signed-in profile's: B's /leak/3 is A's session 3
            ((area,),) = _rows(db_url, "SELECT area FROM sessions WHERE number = :s", s=session_id)
            return f"<p>{area}</p>"

        route(app, "/leak/<int:session_id>", "leak", leak, roles=PATIENT_PAGES)

    world = build_world(db_url, leaking)
    try:
        caught = findings(world, world.app)
    finally:
        world.clinic.close()
    assert any(
        line.endswith(f"/leak/{world.ids['session']}: shows A's [b'ANN-AREA-c91e']")
        for line in caught
    ), caught
    assert any("/leak/" in line and "not refused" in line for line in caught), caught
    assert all("/leak/" in line for line in caught), caught  # and nothing else


def test_the_account_pages_are_in_the_run_with_their_roles(world: World) -> None:
    """The staff page and the own-account pages are tried above (they are in the url_map);
    here, who each is for: the staff page administrators only, the password page everyone
    signed in, the recovery codes staff only (deny by default for the rest)."""
    app = world.app
    tried = {request.endpoint for request in requests_of(world, app)}
    expected = {
        "staff_accounts": {"admin"},
        "staff_add": {"admin"},
        "staff_disable": {"admin"},
        "staff_enable": {"admin"},
        "password_page": {"admin", "clinician", "patient"},
        "password_change": {"admin", "clinician", "patient"},
        "recovery_codes_page": {"admin", "clinician"},
        "recovery_codes_make": {"admin", "clinician"},
    }
    for endpoint, roles in expected.items():
        assert endpoint in tried, endpoint
        assert roles_of(app, endpoint) == roles, endpoint
