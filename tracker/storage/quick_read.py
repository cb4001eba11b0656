"""A clinic's triage read through the bare driver alone: sqlite3, or psycopg for PostgreSQL.

`tracker flags --all-profiles` reads four things (every profile, every profile's own
courses, the open sessions' values, the temperatures) and judges them with the domain's
rules. Importing SQLAlchemy's ORM cost it more CPU than the reading and judging together
(some 0.6 s of 1.2 s at 1,000 profiles, issue 24), so ``TriageReader`` reads the same rows
with the same statements written out by hand, into the same records, and the same rules
(``tracker.services.triage``) judge them. ``tests/test_quick_triage.py`` holds the two
paths equal: what the command says and its exit code, over random clinics, on both
databases.

It is used only when it can be sure, as a day's log is (``tracker.storage.quick``): an
SQLite file this user may write, already in write-ahead-log mode, or a
``postgresql+psycopg://`` URL; at the newest schema revision, with the schema's digest the
reference's. Anything else (a missing or read-only file, another schema, a stored value
the usual path would read differently, a driver missing, any error) raises ``Unsure``
having read nothing the caller keeps, and the caller reads the usual way, which says what
is wrong in its own words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.temperature import MEASURE, TemperatureRecord
from tracker.storage import sqlite_files
from tracker.storage.quick import (
    Unsure,
    checked,
    connect,
    stored_optional_text,
    stored_optional_whole,
    stored_text,
    stored_whole,
)
from tracker.storage.revisions import HEAD
from tracker.storage.schema_reference import (
    POSTGRES_SCHEMA_ROWS,
    postgres_digest,
    postgres_fingerprint,
)

if TYPE_CHECKING:
    from tracker.domain.expectations import Override

__all__ = ["POSTGRES_PREFIX", "TriageReader", "Unsure", "quick_reading"]

# The URLs read this way: the usual path's own driver (a plain postgresql:// is psycopg2's).
POSTGRES_PREFIX = "postgresql+psycopg://"
# Rows fetched at a time from PostgreSQL's server-side cursor, as the usual path streams them.
STREAMED = 5000
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _truth(value: object) -> bool:
    if type(value) is bool:  # PostgreSQL's boolean
        return value
    if type(value) is not int or value not in (0, 1):
        raise Unsure(f"a stored true/false the usual path reads: {value!r}")
    return bool(value)


def _dates(sqlite: bool) -> Callable[[object], dt.date]:
    """A stored date read as the usual path reads it: PostgreSQL's are dates already; an
    SQLite text in ISO form, each distinct one parsed once (a clinic's values share a few
    hundred days)."""
    known: dict[object, dt.date] = {}

    def date(value: object) -> dt.date:
        found = known.get(value)
        if found is None:
            if sqlite:
                if type(value) is not str or not _ISO_DATE.fullmatch(value):
                    raise Unsure(f"a stored date the usual path reads: {value!r}")
                found = dt.date.fromisoformat(value)
            elif type(value) is dt.date:
                found = value
            else:
                raise Unsure(f"a stored date the usual path reads: {value!r}")
            known[value] = found
        return found

    return date


# What ``queries.open_sessions_all_profiles`` selects: the values up to as_of of every
# session with a symptom whose latest value up to then is above 0, found among the
# candidates the symptom courses name; in profile name order, session by session.
OPEN_VALUES = """
SELECT profiles.name, sessions.id, sessions.number, sessions.date, sessions.kind,
    entries.date, entries.symptom, entries.severity
FROM profiles JOIN sessions ON sessions.profile_id = profiles.id
    JOIN entries ON entries.session_id = sessions.id
WHERE sessions.id IN (SELECT anon_1.session_id FROM (
        SELECT entries.session_id AS session_id
        FROM entries JOIN sessions ON sessions.id = entries.session_id
        WHERE sessions.date <= {p} AND entries.date <= {p}
            AND entries.session_id IN (SELECT symptom_courses.session_id FROM symptom_courses
                WHERE symptom_courses.latest_severity > 0 OR symptom_courses.latest > {p})
        GROUP BY entries.session_id, entries.symptom
        HAVING max(CASE WHEN (entries.severity > 0) THEN entries.date END) IS NOT NULL
            AND (max(CASE WHEN (entries.severity = 0) THEN entries.date END) IS NULL
                OR max(CASE WHEN (entries.severity > 0) THEN entries.date END)
                    > max(CASE WHEN (entries.severity = 0) THEN entries.date END))) AS anon_1)
    AND entries.date <= {p}
ORDER BY profiles.name, sessions.date, sessions.id, entries.date
"""

# What ``measure_queries.temperatures_all_profiles`` selects.
TEMPERATURES = """
SELECT profiles.name, sessions.id, sessions.number, sessions.date, sessions.kind,
    sessions.area, sessions.clinic, sessions.notes, sessions.follow_up,
    measurements.id, measurements.date, measurements.value, measurements.unit,
    measurements.note
FROM profiles JOIN sessions ON sessions.profile_id = profiles.id
    JOIN measurements ON measurements.session_id = sessions.id
WHERE measurements.measure = {p} AND measurements.date <= {p}
ORDER BY profiles.name, sessions.id, measurements.date, measurements.id
"""


class TriageReader:
    """One reading transaction on one database: what a clinic's triage reads of ``Store``
    (``all_profile_records``, ``overrides_by_profile``, ``open_sessions_all_profiles``,
    ``temperatures_all_profiles``), as the same records."""

    def __init__(self, connection: Any, *, sqlite: bool) -> None:
        self._db = connection
        self._sqlite = sqlite
        self._p = "?" if sqlite else "%s"
        self._date = _dates(sqlite)
        self._cursors = 0  # PostgreSQL's server-side cursors opened, each named anew

    def _day(self, as_of: dt.date) -> object:
        return as_of.isoformat() if self._sqlite else as_of

    def all_profile_records(self) -> dict[str, tuple[int, ProfileRecord]]:
        rows = self._db.execute(
            "SELECT profiles.id, profiles.name, profiles.skin_type, profiles.sensitive_skin "
            "FROM profiles ORDER BY profiles.name"
        )
        found: dict[str, tuple[int, ProfileRecord]] = {}
        for row_id, name, skin, sensitive in rows:
            record = ProfileRecord(stored_text(name), stored_optional_text(skin), _truth(sensitive))
            found[record.name] = (stored_whole(row_id), record)
        return found

    def overrides_by_profile(self) -> dict[int, list[Override]]:
        from tracker.domain.expectations import Override

        grouped: dict[int, list[Override]] = {}
        for profile_id, kind, symptom, max_days, typical in self._db.execute(
            "SELECT protocol_overrides.profile_id, protocol_overrides.kind, "
            "protocol_overrides.symptom, protocol_overrides.max_days, "
            "protocol_overrides.typical_days FROM protocol_overrides "
            "ORDER BY protocol_overrides.id"
        ):
            grouped.setdefault(stored_whole(profile_id), []).append(
                Override(
                    stored_text(kind),
                    stored_text(symptom),
                    stored_whole(max_days),
                    stored_optional_whole(typical),
                )
            )
        return grouped

    def _streamed(self, sql: str, params: tuple[object, ...]) -> Any:
        if self._sqlite:
            return self._db.execute(sql, params)
        # A server-side cursor, as the usual path's yield_per: a few thousand rows held.
        self._cursors += 1
        cursor = self._db.cursor(name=f"tracker_open_values_{self._cursors}")
        cursor.itersize = STREAMED
        cursor.execute(sql, params)
        return cursor

    def open_sessions_all_profiles(
        self, as_of: dt.date
    ) -> Iterator[tuple[str, SessionRecord, list[ValueRecord]]]:
        """As ``Store.open_sessions_all_profiles``: each open session with its values up to
        as_of, streamed in profile name order."""
        day = self._day(as_of)
        rows = self._streamed(OPEN_VALUES.format(p=self._p), (day, day, day, day))
        try:
            yield from self._sessions(rows)
        finally:
            rows.close()

    def _sessions(self, rows: Any) -> Iterator[tuple[str, SessionRecord, list[ValueRecord]]]:
        date = self._date
        current: tuple[object, str, SessionRecord] | None = None  # row id, profile, record
        entries: list[ValueRecord] = []
        for name, row_id, number, session_date, kind, when, symptom, severity in rows:
            if current is None or current[0] != row_id:
                if current is not None:
                    yield current[1], current[2], entries
                record = SessionRecord(stored_whole(number), date(session_date), stored_text(kind))
                current, entries = (row_id, stored_text(name), record), []
            value_day = date(when)
            if type(symptom) is not str or type(severity) is not int:
                raise Unsure(f"a stored value the usual path reads: {symptom!r}={severity!r}")
            entries.append(
                ValueRecord(
                    current[2].id, value_day, (value_day - current[2].date).days, symptom, severity
                )
            )
        if current is not None:
            yield current[1], current[2], entries

    def temperatures_all_profiles(
        self, as_of: dt.date
    ) -> list[tuple[str, SessionRecord, list[TemperatureRecord]]]:
        """As ``Store.temperatures_all_profiles``: each session with a temperature up to
        as_of, with its readings in the order logged."""
        found: dict[object, tuple[str, SessionRecord, list[TemperatureRecord]]] = {}
        date = self._date
        for row in self._db.execute(TEMPERATURES.format(p=self._p), (MEASURE, self._day(as_of))):
            name, row_id, number, session_date, kind, area, clinic, notes, follow_up = row[:9]
            reading_id, when, value, unit, note = row[9:]
            if row_id not in found:
                record = SessionRecord(
                    stored_whole(number),
                    date(session_date),
                    stored_text(kind),
                    stored_optional_text(area),
                    stored_optional_text(clinic),
                    stored_optional_text(notes),
                    None if follow_up is None else date(follow_up),
                )
                found[row_id] = (stored_text(name), record, [])
            record = found[row_id][1]
            day = date(when)
            found[row_id][2].append(
                TemperatureRecord(
                    stored_whole(reading_id),
                    record.id,
                    day,
                    (day - record.date).days,
                    stored_text(value),
                    stored_text(unit),
                    stored_optional_text(note),
                )
            )
        return list(found.values())


@contextmanager
def _sqlite_reading(path: Path) -> Iterator[TriageReader]:
    if not path.is_file() or not sqlite_files.is_writable(path):
        raise Unsure("a missing or read-only file: the usual path makes or opens it its way")
    connection = connect(path)
    try:
        connection.execute("BEGIN DEFERRED")  # as the usual path reads: never waits
        checked(connection)
        yield TriageReader(connection, sqlite=True)
    finally:
        connection.close()  # nothing was written: the transaction ends with it


def _postgres_checked(connection: Any) -> None:
    """The newest revision, and every fact of the schema the reference's (its digest)."""
    versions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    if versions != [(HEAD,)]:
        raise Unsure(f"schema {versions}: the usual path upgrades or refuses it")
    known = postgres_fingerprint()
    if known is None or postgres_digest(connection.execute(POSTGRES_SCHEMA_ROWS)) != known:
        raise Unsure("the schema differs from the reference: the usual path says how")


@contextmanager
def _postgres_reading(url: str) -> Iterator[TriageReader]:
    import psycopg  # the usual path's driver; only a PostgreSQL URL needs it

    connection = psycopg.connect("postgresql://" + url[len(POSTGRES_PREFIX) :])
    try:
        _postgres_checked(connection)
        yield TriageReader(connection, sqlite=False)
    finally:
        connection.close()  # a read: rolled back


@contextmanager
def quick_reading(target: Path | str) -> Iterator[TriageReader]:
    """One reading transaction through the bare driver: an SQLite file's path, or a
    ``postgresql+psycopg://`` URL. ``Unsure`` when this path cannot be sure to read what the
    usual one reads (the caller then reads the usual way)."""
    try:
        if isinstance(target, Path):
            with _sqlite_reading(target) as reader:
                yield reader
        elif target.startswith(POSTGRES_PREFIX):
            with _postgres_reading(target) as reader:
                yield reader
        else:
            raise Unsure("not a database this path reads")
    except Unsure:
        raise
    except Exception as exc:  # a driver missing, its error, a connection refused
        raise Unsure(str(exc)) from exc
