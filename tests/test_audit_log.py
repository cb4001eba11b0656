"""The audit log (issue 26, item 5): every event kept, listed per patient, and append-only
in the database itself (a trigger refuses UPDATE and DELETE, and TRUNCATE on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterator

import pytest
from conftest import Run
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from tracker.domain.audit import MAX_ADDRESS_CHARS, MAX_WHAT_CHARS, AuditEvent
from tracker.services import audit
from tracker.storage import migrate, schema
from tracker.storage.database import Database, resolve
from tracker.storage.revisions import REVISIONS

AT = dt.datetime(2026, 11, 24, 9, 0)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    found = Database(resolve(db_url))
    yield found
    found.dispose()


def _event(profile_id: int | None, what: str, outcome: str = "allowed") -> AuditEvent:
    return AuditEvent.of(AT, (5, "clinician"), profile_id, what, "203.0.113.7", outcome)


def _ids(database: Database) -> dict[str, int]:
    with database.reading() as store:
        return {name: pid for name, (pid, _) in store.all_profile_records().items()}


def test_events_are_listed_per_patient_oldest_first(run: Run, database: Database) -> None:
    for name in ("ann", "bob"):
        assert run("profile", "add", name).exit_code == 0
    ids = _ids(database)
    with database.writing() as store:
        audit.record(store, _event(ids["ann"], "GET /clinic/patients/ann/status"))
        audit.record(store, _event(ids["bob"], "GET /clinic/patients/bob/chart"))
        audit.record(store, _event(ids["ann"], "POST /clinic/patients/ann/review", "refused"))
        audit.record(store, _event(None, "GET /clinic/patients/999/status", "refused"))
    with database.reading() as store:
        ann = audit.listed(store, ids["ann"])
        every = audit.listed(store)
        latest = audit.listed(store, limit=2)
    assert [(e.what, e.outcome, e.patient) for e in ann] == [
        ("GET /clinic/patients/ann/status", "allowed", "ann"),
        ("POST /clinic/patients/ann/review", "refused", "ann"),
    ]
    assert [e.profile_id for e in every] == [ids["ann"], ids["bob"], ids["ann"], None]
    assert [e.what for e in latest] == [every[2].what, every[3].what]
    assert ann[0].to_json() == {
        "id": ann[0].id,
        "at": "2026-11-24T09:00:00Z",
        "actor_id": 5,
        "actor": None,
        "actor_role": "clinician",
        "profile_id": ids["ann"],
        "patient": "ann",
        "what": "GET /clinic/patients/ann/status",
        "address": "203.0.113.7",
        "outcome": "allowed",
    }


def test_an_event_is_kept_whatever_its_route_or_address() -> None:
    """Never refused (the log must not lose one): a long route or address is cut to what
    the columns hold, a time with a zone kept in UTC."""
    event = AuditEvent.of(
        dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        (None, "system"),
        None,
        "GET /" + "x" * 1000,
        "f" * 500,
        "refused",
    )
    assert event.at == dt.datetime(2026, 11, 24, 9, 0)
    assert len(event.what) == MAX_WHAT_CHARS
    assert event.address is not None and len(event.address) == MAX_ADDRESS_CHARS
    with pytest.raises(ValueError):
        AuditEvent.of(AT, (1, "visitor"), None, "GET /", None, "allowed")
    with pytest.raises(ValueError):
        AuditEvent.of(AT, (1, "admin"), None, "GET /", None, "maybe")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_route_is_kept_printable_and_stored_whole(what: str) -> None:
    """Fresh eyes 3, F6: a NUL (or any character not printable) is written as a URL writes
    it, so PostgreSQL's text can hold it; printable text is kept as it is, and the escape
    is read back to the same characters."""
    event = AuditEvent.of(AT, (1, "patient"), None, what, what, "refused")
    assert event.what.isprintable()
    assert event.address is not None and event.address.isprintable()
    if what.isprintable():
        assert event.what == what[:MAX_WHAT_CHARS]
    elif "%" not in what and len(event.what) < MAX_WHAT_CHARS:
        back = urllib.parse.unquote(event.what, errors="surrogatepass")
        assert back == what


def test_a_nul_is_stored_escaped(database: Database) -> None:
    """On PostgreSQL too (its text cannot hold a NUL): the row is written, and read back."""
    event = AuditEvent.of(AT, (None, "system"), None, "GET /\x00x\n", "1.2.3.4\x00", "refused")
    with database.writing() as store:
        audit.record(store, event)
    with database.reading() as store:
        (found,) = audit.listed(store)
    assert (found.what, found.address) == ("GET /%00x%0A", "1.2.3.4%00")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET outcome = 'allowed'",
        "UPDATE audit_events SET what = 'nothing' WHERE id = {id}",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE id = {id}",
    ],
)
def test_the_database_refuses_to_change_or_remove_an_event(
    run: Run, database: Database, db_url: str, statement: str
) -> None:
    with database.writing() as store:
        audit.record(store, _event(None, "GET /clinic", "refused"))
    with database.reading() as store:
        (kept,) = audit.listed(store)
    engine = create_engine(resolve(db_url).url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement.format(id=kept.id)))
    finally:
        engine.dispose()
    with database.reading() as store:
        assert audit.listed(store) == [kept]


@pytest.mark.postgres_only
def test_postgres_refuses_truncate_too(database: Database, db_url: str) -> None:
    with database.writing() as store:
        audit.record(store, _event(None, "GET /clinic"))
    engine = create_engine(resolve(db_url).url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_events"))
    finally:
        engine.dispose()
    with database.reading() as store:
        assert len(audit.listed(store)) == 1


@pytest.mark.new_database  # it migrates an empty database itself, from before 0009
def test_the_migration_adds_reviews_and_the_log_and_steps_back(db_url: str) -> None:
    """Up with data in the tables before it, rows in its own, down (its tables and
    triggers go, the rest stays), up again."""
    location = resolve(db_url)
    mine = REVISIONS.index("0009")
    migrate.upgrade(location, REVISIONS[mine - 1])
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO profiles (name, uuid) VALUES ('ann', 'u-ann')"))
        conn.execute(
            text(
                "INSERT INTO sessions (profile_id, date, kind) "
                "SELECT id, '2026-11-10', 'ipl' FROM profiles WHERE name = 'ann'"
            )
        )
    migrate.upgrade(location, "0009")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO flag_reviews (profile_id, session_id, action, note, reviewer_id, "
                "reviewed_at, covers) SELECT id, NULL, 'contacted', 'rang', 3, "
                "'2026-11-24 10:00:00', '[]' FROM profiles WHERE name = 'ann'"
            )
        )
        conn.execute(
            text(
                "INSERT INTO audit_events (at, actor_id, actor_role, profile_id, what, "
                "address, outcome) VALUES ('2026-11-24 10:00:00', 3, 'clinician', NULL, "
                "'GET /clinic', NULL, 'allowed')"
            )
        )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM flag_reviews")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar() == 1
        # Its triggers are the tracker's own: a later upgrade does not refuse them.
        assert schema.foreign_objects(conn) == []
    engine.dispose()
    migrate.downgrade(location, REVISIONS[mine - 1])
    engine = create_engine(location.url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert {"flag_reviews", "audit_events"}.isdisjoint(tables)
        assert conn.execute(text("SELECT name FROM profiles WHERE name = 'ann'")).scalar() == "ann"
        assert conn.execute(text("SELECT count(*) FROM sessions")).scalar() == 1
    engine.dispose()
    migrate.upgrade(location)
    engine = create_engine(location.url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar() == 0
    engine.dispose()
