"""What the clinic's people read: times said in the clinic's zone everywhere (pages and the
command line), the audit log in plain words, and a patient's record as staff need it.

On a real SQLite file, and on PostgreSQL when TRACKER_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from clinic_support import PUBLIC_URL, Clinic, ClinicBrowser
from conftest import invoke
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.routing import Rule

from tracker.domain.audit import MAX_WHAT_CHARS, AuditEvent
from tracker.domain.audit_words import (
    ROUTE_ACTS,
    ROUTE_DETAILS,
    THE_PATIENTS,
    THEIR,
    YOUR,
    request_line,
    said,
)
from tracker.web.audit_view import clinic_routes, route_of

ANN = "ann@example.org"
DOC = "doc@clinic.example"
BOSS = "boss@clinic.example"
NEW_YORK = "America/New_York"
# 03:30 UTC on 24 November is 22:30 on 23 November in New York (EST, UTC-5).
LATE = dt.datetime(2026, 11, 24, 3, 30, tzinfo=dt.UTC)


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url, time_zone=NEW_YORK)
    made.clock.now = LATE
    yield made
    made.close()


def _text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _visible(response: object) -> str:
    """The page's words, tags out, whitespace folded."""
    words = re.sub(r"<[^>]+>", " ", _text(response))
    return " ".join(html.unescape(words).split())


def _admin(clinic: Clinic) -> ClinicBrowser:
    boss = clinic.browser()
    assert boss.enrol_staff(clinic.init(BOSS), BOSS).status_code == 200
    return boss


def _patient(clinic: Clinic, email: str = ANN) -> ClinicBrowser:
    browser = clinic.browser()
    assert browser.accept(clinic.invite(email)).status_code == 303
    return browser


def _env(db_url: str, zone: str = NEW_YORK) -> dict[str, str]:
    return {"TRACKER_DB": db_url, "TRACKER_PUBLIC_URL": PUBLIC_URL, "TRACKER_TIME_ZONE": zone}


# -- times in the clinic's zone -----------------------------------------------------------


def test_the_staff_page_says_times_in_the_clinics_zone(clinic: Clinic) -> None:
    boss = _admin(clinic)
    added = _visible(boss.form_post("/clinic/staff", {"email": DOC, "role": "clinician"}))
    # The link lasts 72 hours: until 22:30 on 26 November in New York.
    assert "It works once, until 2026-11-26 22:30 EST" in added, added
    listed = _visible(boss.get("/clinic/staff"))
    assert "2026-11-23 22:30 EST" in listed, listed  # the admin's last activity
    assert "UTC" not in added + listed and "2026-11-24" not in listed


def test_the_command_line_says_times_in_the_clinics_zone(clinic: Clinic, db_url: str) -> None:
    _admin(clinic)
    _patient(clinic)
    env = _env(db_url)
    listed = invoke("clinic", "audit", env=env)
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("when (America/New York time)"), lines[0]
    assert all(line.startswith("2026-11-23 22:30:00 EST") for line in lines[1:]), lines
    assert "UTC" not in listed.stdout and "2026-11-24" not in listed.stdout
    # JSON keeps one unambiguous form: ISO 8601 in UTC, with its offset.
    events = json.loads(invoke("clinic", "audit", "--json", env=env).stdout)
    assert events and {e["at"] for e in events} == {"2026-11-24T03:30:00Z"}
    users = invoke("clinic", "user", "list", env=env).stdout
    assert "2026-11-23 22:30 EST" in users and "UTC" not in users, users
    as_json = json.loads(invoke("clinic", "user", "list", "--json", env=env).stdout)
    seen = [a["last_active"] for a in as_json if a["last_active"]]
    assert seen and all(dt.datetime.fromisoformat(s).utcoffset() is not None for s in seen)
    made = invoke("clinic", "user", "add", "nurse@clinic.example", "--role", "clinician", env=env)
    assert made.exit_code == 0, made.output
    # `clinic user add` runs now, not at the test clock: the expiry is 72 hours from now.
    expiry = re.search(r"until (\d{4}-\d\d-\d\d \d\d:\d\d) (\w+)\)", made.stdout)
    assert expiry is not None and expiry.group(2) in {"EST", "EDT"}, made.stdout
    utc = invoke("clinic", "audit", env=_env(db_url, "UTC")).stdout
    assert utc.startswith("when (UTC)") and "2026-11-24 03:30:00 UTC" in utc


# -- the audit log in plain words ---------------------------------------------------------


def _rule_values(rule: Rule) -> dict[str, object]:
    """Values for a route's parts, as a request to it would give them."""
    return {name: 3 if "int" in repr(rule._converters[name]) else "csv" for name in rule.arguments}


def test_every_route_of_the_clinics_app_has_its_words(clinic: Clinic) -> None:
    """A new route without its words fails here (it would be "another request (...)")."""
    routes = clinic.app().url_map
    endpoints = {rule.endpoint for rule in routes.iter_rules()} - {"static"}
    assert len(endpoints) > 60  # the premise: the whole app, patient, staff and accounts
    assert sorted(endpoints - set(ROUTE_ACTS)) == []  # every route has its words
    assert sorted(set(ROUTE_ACTS) - endpoints) == []  # and no words for a route gone
    # The command line's routes are the app's own.
    assert {r.rule for r in clinic_routes().iter_rules()} == {r.rule for r in routes.iter_rules()}
    for rule in routes.iter_rules():
        if rule.endpoint == "static":
            continue
        values = _rule_values(rule)
        acts = [ROUTE_ACTS[rule.endpoint], *ROUTE_DETAILS.get(rule.endpoint, {}).values()]
        for act in acts:
            for outcome in ("allowed", "refused"):
                for whose in (YOUR, THE_PATIENTS, THEIR):
                    said = act.said(outcome, whose, values)
                    assert "{" not in said and "/" not in said, (rule.rule, said)


def _staff(clinic: Clinic, email: str = DOC) -> ClinicBrowser:
    doc = clinic.browser()
    assert doc.enrol_staff(clinic.add_staff(email), email).status_code == 200
    return doc


def _main(response: object) -> str:
    """The words of the page's main part (the table stacks on a phone: one cell a line)."""
    found = re.search(r'<main id="main".*?</main>', _text(response), re.S)
    assert found is not None
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def _patient_id(clinic: Clinic, email: str = ANN) -> int:
    with clinic.database.reading() as store:
        return {e: pid for pid, e in store.patient_emails().items()}[email]


def test_who_looked_and_the_audit_log_say_what_was_done_in_words(
    clinic: Clinic, db_url: str
) -> None:
    ann = _patient(clinic)
    ann.get("/sessions")
    assert ann.post("/sessions", {"date": "2026-11-19", "kind": "ipl"}).status_code == 303
    ann.get("/")
    assert ann.post("/checkin", {"date": "2026-11-23", "value-redness": "2"}).status_code == 303
    bob = _patient(clinic, "bob@example.org")
    doc = _staff(clinic)
    patient = _patient_id(clinic)
    base = f"/clinic/patients/{patient}"
    for path in ("/", "/chart", "/history", "/report.pdf"):
        assert doc.get(base + path).status_code == 200, path
    doc.get(base + "/")
    assert doc.post(base + "/review", {"action": "contacted", "note": "Rang"}).status_code == 303
    assert bob.get(base + "/chart").status_code == 403  # refused, and on her record
    assert doc.get("/clinic/no-such-page").status_code == 404  # no route: said as it was
    own = _main(ann.get("/record-views"))
    for words in (
        f"{DOC} (clinician) looked at your Status page",
        f"{DOC} (clinician) looked at your chart",
        f"{DOC} (clinician) looked at your History page",
        f"{DOC} (clinician) downloaded your report for the doctor (PDF)",
        f"{DOC} (clinician) marked your record contacted",
        "another patient of the clinic tried to look at your chart 127.0.0.1 refused",
        f"the clinic's administrator, on the server made a one-time link to set the password "
        f"of {ANN}",
    ):
        assert words in own, (words, own[-3000:])
    assert "GET " not in own and "POST " not in own and "/clinic" not in own
    assert "bob@" not in own  # another patient is never named to her
    staff = _main(doc.get(base + "/views"))
    assert (
        "looked at the patient's chart" in staff
        and "marked the patient's record contacted" in staff
    )
    assert f"POST {base}/review [contacted]" in staff  # the request, as recorded, for staff
    whole = _main(doc.get("/clinic/audit"))
    assert "another request (GET /clinic/no-such-page) GET /clinic/no-such-page" in whole, whole
    assert f"{DOC} (clinician) {ANN} downloaded the patient's report for the doctor (PDF)" in whole
    assert f"{ANN} (patient) {ANN} saved a check-in in their record POST /checkin" in whole
    # The command line says the same words, and keeps the request beside them.
    text = invoke("clinic", "audit", "--patient", ANN, env=_env(db_url)).stdout
    assert "marked the patient's record contacted" in text and f"POST {base}/review" in text
    listed = json.loads(invoke("clinic", "audit", "--json", env=_env(db_url)).stdout)
    review = [e for e in listed if e["what"] == f"POST {base}/review [contacted]"]
    assert [e["words"] for e in review] == ["marked the patient's record contacted"]


def test_one_macro_makes_the_audit_tables() -> None:
    templates = Path(__file__).resolve().parents[1] / "tracker" / "web" / "templates"
    tables = sorted(p.name for p in templates.glob("*.html") if "stack audit" in p.read_text())
    assert tables == ["_audit.html"]
    for name in ("clinic_audit.html", "record_views.html"):
        text = (templates / name).read_text()
        assert "audit_table(" in text and "<table" not in text, name


@pytest.mark.parametrize(
    ("what", "outcome", "words"),
    [
        (f"link for {ANN}", "allowed", f"made a one-time link to set the password of {ANN}"),
        (
            f"link for {ANN} refused: account disabled",
            "refused",
            f"asked for a one-time link for {ANN}: refused (account disabled)",
        ),
        (f"link e-mailed to {ANN}", "allowed", f"e-mailed a one-time link to {ANN}"),
        (
            f"link e-mail to {ANN} not sent: nobody answered",
            "refused",
            f"could not e-mail a one-time link to {ANN} (nobody answered)",
        ),
        (
            f"staff account added: {DOC} (clinician)",
            "allowed",
            f"added a staff account for {DOC} (clinician)",
        ),
        (f"account disabled: {DOC}", "allowed", f"disabled the account of {DOC}"),
        (
            f"account disable refused: {BOSS}",
            "refused",
            f"tried to disable the account of {BOSS}: refused (the last active administrator)",
        ),
        ("password changed", "allowed", "changed their password"),
        (
            "password change refused: wrong current password",
            "refused",
            "tried to change their password: the password now was wrong",
        ),
        (
            "recovery codes made (10); any earlier ones void",
            "allowed",
            "made 10 new recovery codes (any earlier ones no longer work)",
        ),
        ("recovery code used (9 left)", "allowed", "signed in with a recovery code (9 left)"),
        ("something new a service records", "allowed", "something new a service records"),
    ],
)
def test_actions_recorded_by_the_services_are_said_in_words(
    what: str, outcome: str, words: str
) -> None:
    event = AuditEvent.of(LATE, (1, "clinician"), None, what, None, outcome)
    assert said(event, None, own=False) == words


@given(st.text(max_size=MAX_WHAT_CHARS), st.sampled_from(["allowed", "refused"]), st.booleans())
def test_any_recorded_event_is_said_and_nothing_is_hidden(
    what: str, outcome: str, own: bool
) -> None:
    """Whatever an event holds, it is said in words (never an error), and a request line no
    route knows is said whole."""
    event = AuditEvent.of(LATE, (1, "patient"), None, what, None, outcome)
    words = said(event, route_of(clinic_routes(), what), own=own)
    assert words
    request = request_line(what)
    if request is not None and route_of(clinic_routes(), what) is None:
        assert words == f"another request ({what})"
