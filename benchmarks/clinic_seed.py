"""A clinic's patients for the hosted-mode benchmark: seeded, so every run writes the same rows.

Each patient has one session and 30 days of values for 8 symptoms, the last of them between
today and 10 days ago (some stopped logging). Most recover on the expected course; about a
fifth keep some redness (a `persisting` flag), a few report blistering (urgent), a few
worsen: so the triage list has every kind of line, worst first, as a clinic's would.

Rows go in with PostgreSQL's COPY (SQLite: executemany), in one transaction, into a database
the tracker's own migrations made.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

DAYS = 30
SYMPTOMS = ("itching", "swelling", "redness", "rash", "pain", "burning", "dryness", "peeling")
KINDS = ("laser-rejuvenation", "ipl", "nonablative-fractional", "microneedling", "peel-superficial")
FIRST_PROFILE_ID = 1000  # above any profile a migration makes (the `default` one)


@dataclass(frozen=True)
class Patient:
    number: int
    profile_id: int
    name: str
    session_id: int
    start: dt.date
    story: str  # recovering, lingering, urgent, worsening, stopped


def email(number: int) -> str:
    return f"patient-{number:05d}@clinic.example"


def patient_name(number: int) -> str:
    """A hosted patient's profile is named by their address, as an invitation names it."""
    return email(number)


def patients(
    count: int, as_of: dt.date
) -> Iterator[tuple[Patient, list[tuple[dt.date, str, int]]]]:
    """Each patient and their values (date, symptom, value), seeded by the patient's number."""
    for number in range(count):
        chance = random.Random(number)
        roll = chance.random()
        story = (
            "lingering"
            if roll < 0.2
            else "urgent"
            if roll < 0.23
            else "worsening"
            if roll < 0.26
            else "stopped"
            if roll < 0.36
            else "recovering"
        )
        last = as_of - dt.timedelta(days=chance.randint(0, 10))
        logged_days = DAYS if story != "stopped" else chance.randint(3, 8)
        start = last - dt.timedelta(days=DAYS - 1)
        patient = Patient(
            number,
            FIRST_PROFILE_ID + number,
            patient_name(number),
            FIRST_PROFILE_ID + number,
            start,
            story,
        )
        values: list[tuple[dt.date, str, int]] = []
        for day in range(logged_days):
            date = start + dt.timedelta(days=day)
            for position, symptom in enumerate(SYMPTOMS):
                peak = 3 + (position * 7 + number) % 5
                value = max(0, round(peak - day * (0.9 + position / 10) + chance.uniform(-1, 1)))
                if story == "lingering" and symptom == "redness":
                    value = max(value, 2)
                if story == "worsening" and symptom == "swelling" and day >= DAYS - 4:
                    value = min(10, 2 + 2 * (day - DAYS + 4))
                values.append((date, symptom, min(value, 10)))
            if story == "urgent" and day >= DAYS - 3:
                values.append((date, "blistering", 3))
        yield patient, values


def _copy(connection: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    raw = connection.connection.driver_connection
    assert raw is not None
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row(row)


def _insert(
    connection: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]
) -> None:
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _copy(connection, table, columns, rows)
        return
    marks = ", ".join(f":{c}" for c in columns)
    connection.execute(
        text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"),
        [dict(zip(columns, row, strict=True)) for row in rows],
    )


PROFILE_COLUMNS = ("id", "name", "skin_type", "sensitive_skin", "uuid")
SESSION_COLUMNS = ("id", "profile_id", "number", "date", "kind")  # number: 0012
ENTRY_COLUMNS = ("session_id", "date", "symptom", "severity")


ACCOUNT_COLUMNS = ("id", "email", "role", "profile_id", "password_hash", "created_at")
CONSENT_COLUMNS = ("account_id", "version", "agreed_at")
TABLES = {
    "profiles": PROFILE_COLUMNS,
    "sessions": SESSION_COLUMNS,
    "entries": ENTRY_COLUMNS,
    "accounts": ACCOUNT_COLUMNS,
    "consents": CONSENT_COLUMNS,
}


def _account_rows(patient: Patient, hashed: str, version: str) -> dict[str, tuple]:
    """A patient who accepted their invitation: a password, and the consent text agreed."""
    signed_up = dt.datetime.combine(patient.start, dt.time(9, 0))
    return {
        "accounts": (
            patient.profile_id,
            email(patient.number),
            "patient",
            patient.profile_id,
            hashed,
            signed_up,
        ),
        "consents": (patient.profile_id, version, signed_up),
    }


def seed(engine: Engine, count: int, as_of: dt.date, password: str | None = None) -> list[Patient]:
    """Write `count` patients into a migrated, empty database; return them. With a
    password, each also has a patient's account (that password, the consent agreed)."""
    made: list[Patient] = []
    batch: dict[str, list[tuple]] = {table: [] for table in TABLES}
    hashed = version = ""
    if password is not None:
        from tracker.domain.accounts import CONSENT_VERSION
        from tracker.services.credentials import Hashing, hash_password

        hashed, version = hash_password(Hashing(), password), CONSENT_VERSION
    with engine.begin() as connection:

        def flush() -> None:
            for table, columns in TABLES.items():
                _insert(connection, table, columns, batch[table])
                batch[table].clear()

        for patient, values in patients(count, as_of):
            chance = random.Random(-patient.number)
            batch["profiles"].append(
                (
                    patient.profile_id,
                    patient.name,
                    chance.choice(["I", "II", "III", "IV", "V", "VI"]),
                    chance.random() < 0.3,
                    str(uuid.uuid5(uuid.NAMESPACE_URL, f"benchmark-clinic/{patient.name}")),
                )
            )
            kind = KINDS[patient.number % len(KINDS)]
            batch["sessions"].append(
                (patient.session_id, patient.profile_id, 1, patient.start, kind)
            )
            batch["entries"].extend(
                (patient.session_id, date, symptom, value) for date, symptom, value in values
            )
            if password is not None:
                for table, row in _account_rows(patient, hashed, version).items():
                    batch[table].append(row)
            made.append(patient)
            if len(batch["entries"]) > 50_000:
                flush()
        flush()
        # Each session's symptom courses, as the tracker's store keeps them on every write
        # (migration 0010): rows written with COPY get them here, once, as the migration does.
        from generate_clinic import FILL_COURSES

        connection.execute(text("DELETE FROM symptom_courses"))
        connection.execute(text(FILL_COURSES))
        if connection.dialect.name == "postgresql":
            # The sequences go on after the seeded ids, so the app's own inserts do not collide.
            for table in TABLES if password is not None else ("profiles", "sessions", "entries"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"
                    )
                )
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
    return made


# ---------------------------------------------------------------------------------------
# The baseline: one flag kind found by a hand-written query


def expected_days() -> list[tuple[str, str, bool, int]]:
    """The end of each expected course the seed can meet, as (kind, symptom, sensitive skin,
    max days): the shipped figures with their related-kind and sensitive-skin rules applied,
    handed to the query as data, as run.py's baseline hands it the shipped table."""
    from tracker.domain.expectations import Expectations, shipped_table
    from tracker.domain.records import ProfileRecord

    table = shipped_table()
    rows = []
    for sensitive in (False, True):
        skin = ProfileRecord(name="x", sensitive_skin=sensitive)
        expectations = Expectations(table, (), skin=skin)
        for kind in KINDS:
            for symptom in (*SYMPTOMS, "blistering"):
                expected = expectations.for_pair(kind, symptom)
                if expected.has_course:  # red-flag symptoms have none: judged at any value
                    rows.append((kind, symptom, sensitive, expected.max_days))
    return rows


def persisting_sql(dialect: str, as_of: dt.date) -> str:
    """Every (patient, symptom) with a `persisting` episode open on `as_of` (the flag's own
    rule, or a reason under a stronger one): the symptom's latest value in the patient's
    latest session is above 0, and the session's day is past the end of its expected course."""
    values = ", ".join(
        f"('{kind}', '{symptom}', {str(sensitive).upper()}, {days})"
        for kind, symptom, sensitive, days in expected_days()
    )
    day = (
        f"(DATE '{as_of.isoformat()}' - s.date)"
        if dialect == "postgresql"
        else f"(julianday('{as_of.isoformat()}') - julianday(s.date))"
    )
    return f"""
    WITH expected(kind, symptom, sensitive, max_days) AS (VALUES {values}),
    latest_session AS MATERIALIZED (
        SELECT id, profile_id, date, kind, ROW_NUMBER() OVER (
            PARTITION BY profile_id ORDER BY date DESC, id DESC) AS rank
        FROM sessions WHERE date <= '{as_of.isoformat()}'),
    latest_value AS MATERIALIZED (
        SELECT session_id, symptom, severity, ROW_NUMBER() OVER (
            PARTITION BY session_id, symptom ORDER BY date DESC) AS rank
        FROM entries WHERE date <= '{as_of.isoformat()}')
    SELECT p.name, v.symptom
    FROM latest_session s
    JOIN profiles p ON p.id = s.profile_id
    JOIN latest_value v ON v.session_id = s.id AND v.rank = 1
    JOIN expected x ON x.kind = s.kind AND x.symptom = v.symptom
        AND x.sensitive = p.sensitive_skin
    WHERE s.rank = 1 AND v.severity > 0 AND {day} > x.max_days
    ORDER BY p.name, v.symptom
    """
