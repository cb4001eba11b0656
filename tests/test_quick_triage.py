"""`tracker flags --all-profiles` through the bare driver (tracker.storage.quick_read) says
what the usual path says.

Each triage runs twice on one database: as it runs (the bare-driver read wherever it can be
sure), and with that read turned away (the usual SQLAlchemy path). What the command says,
on stdout and stderr, and its exit code must be the same; and every run that should have
been the bare driver's must have sent SQLAlchemy no statement, or the comparison proves
nothing. On SQLite and on PostgreSQL (the tests take ``db_url``).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import hypothesis
import pytest
from conftest import POSTGRES_URL, TODAY, invoke
from hypothesis import HealthCheck, Phase, given, settings, target
from hypothesis import strategies as st
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from tracker.domain.catalog import KINDS_BY_KEY, SYMPTOMS_BY_KEY
from tracker.domain.expectations import Override
from tracker.domain.records import ProfileRecord, SessionRecord
from tracker.domain.temperature import parse_temperature
from tracker.storage.database import Database, resolve
from tracker.storage.schema_reference import (
    POSTGRES_SCHEMA_ROWS,
    postgres_digest,
    postgres_fingerprint,
)

KINDS = sorted(KINDS_BY_KEY)
SYMPTOMS = sorted(SYMPTOMS_BY_KEY)
START = dt.date(2026, 9, 1)
SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.toml"))
OPTIONS = ([], ["--json"], ["--fail-on", "info"], ["--json", "--fail-on", "urgent"])


@contextmanager
def usual_path_only() -> Iterator[None]:
    """The bare-driver read turned away: the usual path reads."""
    with mock.patch("tracker.services.quick.quick_source", lambda *_: None):
        yield


@contextmanager
def orm_statements() -> Iterator[list[str]]:
    found: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        found.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def triage(db_url: str, as_of: dt.date, *options: str) -> tuple[int, str, str, int]:
    """Exit code, stdout, stderr, and how many statements went through SQLAlchemy."""
    with orm_statements() as statements:
        result = invoke(
            "--db", db_url, "--today", TODAY.isoformat(), "flags", "--all-profiles",
            "--as-of", as_of.isoformat(), *options,
        )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr, len(statements)


def same_either_way(
    db_url: str, as_of: dt.date, *options: str, quick: bool = True, codes: tuple[int, ...] = (0, 3)
) -> str:
    """Triage both ways: the same words and exit code (one of ``codes``); read by the bare
    driver when ``quick`` (no SQLAlchemy statement), by the usual path otherwise. Returns
    what it said on stdout."""
    *fast, fast_statements = triage(db_url, as_of, *options)
    with usual_path_only():
        *usual, usual_statements = triage(db_url, as_of, *options)
    assert fast == usual
    assert usual_statements > 0
    assert (fast_statements == 0) is quick, fast_statements
    assert fast[0] in codes, fast
    return str(fast[1])


def _execute(db_url: str, *sql: str) -> None:
    engine = create_engine(resolve(db_url).url)
    try:
        with engine.begin() as connection:
            for statement in sql:
                connection.execute(text(statement))
    finally:
        engine.dispose()


# -- random clinics ----------------------------------------------------------------------

NAMES = st.text(
    st.characters(codec="utf-8", categories=["L", "N"], include_characters="-_ .'"),
    min_size=1,
    max_size=12,
).filter(lambda name: name.strip() == name and name != "default")


@st.composite
def patients(draw: st.DrawFn) -> dict[str, Any]:
    sessions = []
    offset = 0
    for _ in range(draw(st.integers(0, 3))):
        offset += draw(st.integers(0, 40))
        # A few symptoms each (of any), so that a symptom goes, comes back, goes again.
        named = draw(st.lists(st.sampled_from(SYMPTOMS), min_size=1, max_size=3, unique=True))
        strength = st.integers(0, 10) | st.just(0)
        days = draw(
            st.lists(
                st.tuples(st.integers(0, 45), st.sampled_from(named), strength),
                max_size=16,
                unique_by=lambda t: (t[0], t[1]),
            )
        )
        readings = draw(
            st.lists(
                st.tuples(st.integers(0, 20), st.sampled_from(["36.8", "38.6", "101.5F", "99F"])),
                max_size=3,
            )
        )
        follow_up = draw(st.none() | st.integers(0, 60))
        note = draw(st.none() | st.sampled_from(["ear", "Wange — links", "a\tb"]))
        sessions.append((offset, draw(st.sampled_from(KINDS)), follow_up, note, days, readings))
    overrides = draw(
        st.lists(
            st.tuples(
                st.sampled_from(KINDS),
                st.sampled_from(SYMPTOMS),
                st.integers(0, 30),
                st.none() | st.integers(0, 30),
            ),
            max_size=2,
            unique_by=lambda t: (t[0], t[1]),
        )
    )
    return {
        "skin": draw(st.sampled_from([None, "I", "II", "III", "IV", "V", "VI"])),
        "sensitive": draw(st.booleans()),
        "sessions": sessions,
        "overrides": [
            (k, s, most, None if t is None else min(t, most)) for k, s, most, t in overrides
        ],
    }


def _fill(db_url: str, clinic: dict[str, dict[str, Any]]) -> None:
    """Every patient written through the tracker's own store (as commands write them), in
    one unit of work, in place of any patient before."""
    _execute(db_url, "DELETE FROM profiles WHERE name <> 'default'")
    database = Database(resolve(db_url))
    try:
        with database.writing() as store:
            for name, patient in clinic.items():
                store.add_profile(ProfileRecord(name, patient["skin"], patient["sensitive"]))
                _write_patient(store.for_profile(name), patient)
    finally:
        database.dispose()


def _write_patient(store: Any, patient: dict[str, Any]) -> None:
    for kind, symptom, most, typical in patient["overrides"]:
        store.set_override(Override(kind, symptom, most, typical))
    for offset, kind, follow, note, days, readings in patient["sessions"]:
        date = START + dt.timedelta(days=offset)
        follow_up = None if follow is None else date + dt.timedelta(days=follow)
        session = store.add_session(SessionRecord(0, date, kind, notes=note, follow_up=follow_up))
        for day, symptom, severity in sorted(days):
            store.write_day(session, date + dt.timedelta(days=day), {symptom: severity}, None)
        for day, reading in readings:
            typed = parse_temperature(reading)
            store.add_temperature(session, date + dt.timedelta(days=day), typed, None)


@settings(
    max_examples=20 if POSTGRES_URL else 40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
@given(
    st.dictionaries(NAMES, patients(), min_size=1, max_size=4),
    st.lists(st.integers(-5, 130), min_size=1, max_size=3),
    st.sampled_from(OPTIONS),
)
def test_a_random_clinic_is_triaged_the_same_either_way(
    db_url: str, clinic: dict[str, dict[str, Any]], days: list[int], options: list[str]
) -> None:
    _fill(db_url, clinic)
    listed = 0
    for day in days:
        said = same_either_way(db_url, START + dt.timedelta(days=day), *options)
        listed += said.count('"level"') + said.count(" · ")  # a flag's line, either form
    hypothesis.event("flags listed" if listed else "no flag")
    target(float(listed))  # toward clinics with more flags to compare


def test_the_scenarios_as_one_clinic_are_triaged_the_same_either_way(db_url: str) -> None:
    """Every scenario file of issue 22 as a patient of one clinic, judged on each day a
    scenario expects something of: flags of every level and rule, temperatures too."""
    clinic: dict[str, dict[str, Any]] = {}
    days: set[int] = set()
    for path in SCENARIOS:
        with path.open("rb") as handle:
            scenario = tomllib.load(handle)
        logs = scenario.get("log", ())
        values = [
            (log["day"], symptom, value)
            for log in logs
            for symptom, value in log.get("values", {}).items()
        ]
        readings = [(log["day"], log["temperature"]) for log in logs if "temperature" in log]
        clinic[path.stem] = {
            "skin": scenario.get("skin_type") or None,
            "sensitive": bool(scenario.get("sensitive", False)),
            "sessions": [(0, scenario["kind"], None, None, values, readings)],
            "overrides": [],
        }
        days.update(expect["day"] for expect in scenario["expect"])
    _fill(db_url, clinic)
    levels: set[str] = set()
    for day in sorted(days):
        as_of = START + dt.timedelta(days=day)
        said = same_either_way(db_url, as_of, "--json")
        levels.update(flag["level"] for flag in json.loads(said))
        same_either_way(db_url, as_of, "--fail-on", "warning")
    assert levels == {"info", "warning", "urgent"}  # the comparison saw every level


# -- what the bare driver leaves to the usual path ---------------------------------------


_ANA = {
    "skin": "IV",
    "sensitive": True,
    "sessions": [(60, "ipl", 10, None, [(0, "redness", 6), (2, "redness", 5)], [(1, "38.9")])],
    "overrides": [("ipl", "redness", 1, None)],
}


def _one_patient(db_url: str) -> None:
    _fill(db_url, {"ana": _ANA})


AS_OF = START + dt.timedelta(days=64)


def test_a_symptom_gone_and_back_is_triaged_the_same_either_way(db_url: str) -> None:
    """Its session is open only through a symptom logged 0 and then above 0 again."""
    back = [(0, "redness", 6), (3, "redness", 0), (5, "redness", 4)]
    _fill(db_url, {"bo": {**_ANA, "sessions": [(60, "ipl", None, None, back, [])]}})
    said = same_either_way(db_url, START + dt.timedelta(days=66), "--json")
    assert [flag["symptom"] for flag in json.loads(said)] == ["redness"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE entries SET severity = 'five' WHERE severity = 5",
        "UPDATE entries SET severity = 5.5 WHERE severity = 5",
        "UPDATE entries SET date = '2026-10-31 00:00:00' WHERE severity = 5",
        "UPDATE entries SET date = '2025-W44-6' WHERE severity = 5",  # ISO, not SQLAlchemy's
        "UPDATE entries SET symptom = x'00' WHERE severity = 5",
        "UPDATE sessions SET kind = x'69706c'",
        "UPDATE sessions SET date = '2026-10-31T00:00'",
        "UPDATE profiles SET sensitive_skin = 2 WHERE name = 'ana'",
        "UPDATE profiles SET name = x'616e61' WHERE name = 'ana'",
        "UPDATE measurements SET date = 20261101",
        "UPDATE measurements SET value = x'33382e39'",
        "UPDATE protocol_overrides SET max_days = 'three'",
    ],
)
def test_a_stored_value_the_usual_path_reads_otherwise_is_left_to_it(
    db_url: str, damage: str
) -> None:
    _one_patient(db_url)
    before = same_either_way(db_url, AS_OF, "--json")
    assert "redness" in before and "fever" in before
    connection = sqlite3.connect(db_url)
    with connection:
        connection.execute("PRAGMA ignore_check_constraints = ON")  # as a hand edit can
        assert connection.execute(damage).rowcount > 0
    connection.close()
    same_either_way(db_url, AS_OF, "--json", quick=False, codes=(0, 1, 3))


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "change",
    [
        "PRAGMA journal_mode = DELETE",  # a restored backup: the usual path turns WAL back on
        "UPDATE alembic_version SET version_num = '9999'",  # a newer program's: refused
        "CREATE INDEX spy ON entries (note)",  # not the tracker's schema: refused
        "CREATE TRIGGER wipe AFTER INSERT ON entries BEGIN DELETE FROM entries; END",
    ],
)
def test_a_file_the_bare_driver_is_unsure_of_is_read_the_usual_way(
    db_url: str, change: str
) -> None:
    _one_patient(db_url)
    connection = sqlite3.connect(db_url, isolation_level=None)
    connection.execute(change)
    connection.close()
    *fast, statements = triage(db_url, AS_OF)  # first: the usual path may change the file
    with usual_path_only():
        *usual, _ = triage(db_url, AS_OF)
    assert fast == usual
    assert statements  # the usual path read it


@pytest.mark.sqlite_only
def test_statistics_from_analyze_are_not_a_schema_difference(db_url: str) -> None:
    """ANALYZE adds SQLite's own sqlite_stat1 (the benchmark clinic has it): still the
    tracker's schema, for opening and for the bare driver alike."""
    _one_patient(db_url)
    connection = sqlite3.connect(db_url, isolation_level=None)
    connection.execute("ANALYZE")
    assert connection.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0
    connection.close()
    same_either_way(db_url, AS_OF)


@pytest.mark.sqlite_only
def test_a_file_others_can_read_is_warned_about_once(db_url: str) -> None:
    _one_patient(db_url)
    Path(db_url).chmod(0o644)
    code, _, said, statements = triage(db_url, AS_OF)
    assert (code, statements) == (0, 0)
    assert said.startswith("Warning: ") and "can be read by other users" in said
    assert len(said.strip().splitlines()) == 1
    same_either_way(db_url, AS_OF)


def test_the_bare_driver_reads_what_the_store_reads(db_url: str) -> None:
    """Record for record, for every day a flag can change on (the words do not show all
    of a session's fields)."""
    from tracker.storage.quick_read import quick_reading

    _one_patient(db_url)
    source: Path | str = db_url if "://" in db_url else Path(db_url)
    database = Database(resolve(db_url))
    try:
        with database.reading() as store, quick_reading(source) as reader:
            assert reader.all_profile_records() == store.all_profile_records()
            assert reader.overrides_by_profile() == store.overrides_by_profile()
            for day in range(55, 80):
                as_of = START + dt.timedelta(days=day)
                assert list(reader.open_sessions_all_profiles(as_of)) == list(
                    store.open_sessions_all_profiles(as_of)
                )
                assert reader.temperatures_all_profiles(as_of) == store.temperatures_all_profiles(
                    as_of
                )
    finally:
        database.dispose()


# -- PostgreSQL: the schema's digest -----------------------------------------------------


@pytest.mark.postgres_only
def test_a_fresh_postgresql_schema_has_the_references_digest(db_url: str) -> None:
    engine = create_engine(resolve(db_url).url)
    try:
        with engine.connect() as connection:
            found = postgres_digest(connection.exec_driver_sql(POSTGRES_SCHEMA_ROWS))
    finally:
        engine.dispose()
    assert found == postgres_fingerprint()


# Each a change ``schema.check`` names (tests/test_schema_check.py): the digest must differ.
POSTGRES_CHANGES = (
    "CREATE INDEX spy ON entries (note)",
    "ALTER TABLE entries DROP COLUMN note",
    "ALTER TABLE entries ALTER COLUMN note TYPE VARCHAR(20)",
    "ALTER TABLE entries ALTER COLUMN note SET DEFAULT 'x'",
    "ALTER TABLE profiles ALTER COLUMN name DROP NOT NULL",
    "ALTER TABLE entries DROP CONSTRAINT ck_entries_severity_whole_0_10",
    "ALTER TABLE entries ADD CONSTRAINT ck_more CHECK (severity < 11)",
    "ALTER TABLE entries RENAME TO old_entries; CREATE VIEW entries AS SELECT * FROM old_entries",
    "CREATE FUNCTION nothing() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$; "
    "CREATE TRIGGER wipe BEFORE INSERT ON entries FOR EACH ROW EXECUTE FUNCTION nothing()",
    "CREATE RULE quiet AS ON INSERT TO entries DO INSTEAD NOTHING",
    "CREATE TABLE extra (id INTEGER)",
    "DROP TABLE protocol_overrides",
)


@pytest.mark.postgres_only
@pytest.mark.parametrize("change", POSTGRES_CHANGES)
def test_a_changed_postgresql_schema_is_read_the_usual_way(db_url: str, change: str) -> None:
    _one_patient(db_url)
    _execute(db_url, change)
    with usual_path_only():
        *usual, _ = triage(db_url, AS_OF)
    *fast, statements = triage(db_url, AS_OF)
    assert fast == usual
    assert statements  # the usual path read it, and said what differs
    assert usual[0] == 1 and "differs from the tracker's own schema" in usual[2]


@pytest.mark.sqlite_only
def test_the_bare_driver_reads_a_fixed_number_of_statements(db_url: str) -> None:
    """The schema's checks, then one statement per thing read, however big the clinic."""
    from tracker.storage import quick

    sent: list[str] = []
    connect = quick.connect

    def traced(path: Path) -> sqlite3.Connection:
        connection = connect(path)
        connection.set_trace_callback(sent.append)
        return connection

    counts = []
    for patients in (1, 6):
        _fill(db_url, {f"p{n}": _ANA for n in range(patients)})
        sent.clear()
        with mock.patch("tracker.storage.quick_read.connect", traced):
            said = same_either_way(db_url, AS_OF, "--json")
        assert said.count('"profile"') >= patients
        counts.append([s.split()[0] for s in sent])
    # BEGIN; the revision, the schema, the journal mode; profiles, own courses, the open
    # sessions' values, temperatures.
    assert counts[0] == counts[1] == ["BEGIN", "SELECT", "SELECT", "PRAGMA", *["SELECT"] * 4]
