"""A day's log on an SQLite file through the standard library's sqlite3 alone.

`tracker log` is the command people run every day, and importing SQLAlchemy is most of
what it cost (some 0.4 s of 0.5 s on the machine of issue 24, where the insert itself
takes a few milliseconds). ``QuickStore`` does for one day's values what ``Store`` does,
in the same statements written out by hand: it finds the session the same way, writes
the values and the changes they make (nothing logged before is lost), a temperature, and
remakes the written symptoms' courses before it commits; it reads what the urgent advice
needs. ``tests/test_quick_log.py`` holds the database after either path equal, row for
row, and what the command says and its exit code.

It is used only when it can be sure: a file (not a URL) that exists and this user may
write, whose schema is the tracker's newest (the revision and the digest of the schema,
as opening checks them) and already in write-ahead-log mode. Anything else (a missing,
read-only or foreign file, an older schema, a profile or session number it does not find,
a stored value it cannot read as the ORM would, any error) raises ``Unsure`` with
nothing written, and the caller does the same work the usual way, which says what is
wrong in its own words. Only a database locked by another program is said here (the
usual way would wait as long again for the same answer).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.temperature import MEASURE, TemperatureRecord, TypedTemperature
from tracker.domain.text import visible
from tracker.storage import failures, sqlite_files
from tracker.storage.revisions import HEAD
from tracker.storage.schema_reference import SQLITE_SCHEMA_ROWS, sqlite_digest, sqlite_fingerprint

if TYPE_CHECKING:
    from tracker.domain.expectations import Override


class Unsure(Exception):
    """Not for this path: nothing was written; the usual path does the work instead."""


class Locked(Exception):
    """Another program holds the database's write lock (after the busy timeout)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


# Dates as SQLAlchemy writes them on SQLite; anything else is the usual path's to read.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SESSION_COLUMNS = "id, number, date, kind, area, clinic, notes, follow_up"


def _date(value: object) -> dt.date:
    if type(value) is not str or not _ISO_DATE.fullmatch(value):
        raise Unsure(f"a stored date the usual path reads: {value!r}")
    return dt.date.fromisoformat(value)


def _optional_date(value: object) -> dt.date | None:
    return None if value is None else _date(value)


def stored_text(value: object) -> str:
    if type(value) is not str:
        raise Unsure(f"a stored text the usual path reads: {value!r}")
    return value


def stored_optional_text(value: object) -> str | None:
    return None if value is None else stored_text(value)


def stored_whole(value: object) -> int:
    if type(value) is not int:
        raise Unsure(f"a stored number the usual path reads: {value!r}")
    return value


def stored_optional_whole(value: object) -> int | None:
    return None if value is None else stored_whole(value)


def stamp(when: dt.datetime) -> str:
    """A time as SQLAlchemy stores a DateTime on SQLite (always with microseconds)."""
    return when.isoformat(sep=" ", timespec="microseconds")


def _now() -> dt.datetime:
    """The time of a change, in UTC, stored without a zone (as ``Store`` does)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class QuickStore:
    """One transaction on one SQLite file for one profile: what logging a day needs of
    ``Store``, with the same statements."""

    def __init__(self, connection: sqlite3.Connection, profile: str) -> None:
        self._db = connection
        self.profile_name = profile
        self._profile: tuple[int, ProfileRecord] | None = None
        # The sessions read, by number: (row id, record).
        self._sessions: dict[int, tuple[int, SessionRecord]] = {}
        self._dirty: dict[int, set[str]] = {}  # session row id -> symptoms written
        self._changed = False  # the record written: its kept triage line is stale (Store's)

    # The profile -------------------------------------------------------------------------

    def _profile_row(self) -> tuple[int, ProfileRecord]:
        if self._profile is None:
            row = self._db.execute(
                "SELECT id, name, skin_type, sensitive_skin FROM profiles WHERE name = ?",
                (self.profile_name,),
            ).fetchone()
            if row is None:
                raise Unsure("no such profile: the usual path says so, with the names near it")
            row_id, name, skin_type, sensitive = row
            if sensitive not in (0, 1) or type(sensitive) is not int:
                raise Unsure(f"a stored true/false the usual path reads: {sensitive!r}")
            record = ProfileRecord(
                stored_text(name), stored_optional_text(skin_type), bool(sensitive)
            )
            self._profile = (stored_whole(row_id), record)
        return self._profile

    @property
    def profile_id(self) -> int:
        return self._profile_row()[0]

    def profile(self) -> ProfileRecord:
        return self._profile_row()[1]

    def overrides(self, kind: str | None = None) -> list[Override]:
        from tracker.domain.expectations import Override

        sql = (
            "SELECT kind, symptom, max_days, typical_days FROM protocol_overrides "
            "WHERE profile_id = ?"
        )
        params: tuple[object, ...] = (self.profile_id,)
        if kind is not None:
            sql += " AND kind = ?"
            params += (kind,)
        return [
            Override(
                stored_text(k), stored_text(s), stored_whole(most), stored_optional_whole(typical)
            )
            for k, s, most, typical in self._db.execute(sql, params)
        ]

    # Sessions ----------------------------------------------------------------------------

    def _kept(self, row: Sequence[Any] | None) -> SessionRecord | None:
        if row is None:
            return None
        row_id, number, date, kind, area, clinic, notes, follow_up = row
        record = SessionRecord(
            id=stored_whole(number),
            date=_date(date),
            kind=stored_text(kind),
            area=stored_optional_text(area),
            clinic=stored_optional_text(clinic),
            notes=stored_optional_text(notes),
            follow_up=_optional_date(follow_up),
        )
        self._sessions.setdefault(record.id, (stored_whole(row_id), record))
        return self._sessions[record.id][1]

    def session(self, session_id: int) -> SessionRecord:
        if session_id not in self._sessions:
            row = self._db.execute(
                f"SELECT {SESSION_COLUMNS} FROM sessions WHERE profile_id = ? AND number = ?",
                (self.profile_id, session_id),
            ).fetchone()
            if self._kept(row) is None:
                raise Unsure("no such session: the usual path says so")
        return self._sessions[session_id][1]

    def latest_session_on_or_before(self, date: dt.date) -> SessionRecord | None:
        return self._kept(
            self._db.execute(
                f"SELECT {SESSION_COLUMNS} FROM sessions WHERE profile_id = ? AND date <= ? "
                "ORDER BY date DESC, id DESC LIMIT 1",
                (self.profile_id, date.isoformat()),
            ).fetchone()
        )

    def first_session(self) -> SessionRecord | None:
        return self._kept(
            self._db.execute(
                f"SELECT {SESSION_COLUMNS} FROM sessions WHERE profile_id = ? "
                "ORDER BY date, id LIMIT 1",
                (self.profile_id,),
            ).fetchone()
        )

    def _row_id(self, session: SessionRecord) -> int:
        self.session(session.id)  # this profile's (kept once read: no query)
        return self._sessions[session.id][0]

    # Values ------------------------------------------------------------------------------

    def write_day(
        self, session: SessionRecord, date: dt.date, severities: dict[str, int], note: str | None
    ) -> list[tuple[ValueRecord, int | None]]:
        """As ``Store.write_day``: a day's values, replacing that day's earlier ones, each
        value written that differs from what the day held kept as a change."""
        row_id = self._row_id(session)
        day_text = date.isoformat()
        already = {
            stored_text(symptom): (
                stored_whole(value_id),
                stored_whole(severity),
                stored_optional_text(old_note),
            )
            for value_id, symptom, severity, old_note in self._db.execute(
                "SELECT id, symptom, severity, note FROM entries WHERE session_id = ? AND date = ?",
                (row_id, day_text),
            )
        }
        day = (date - session.date).days
        stored: list[tuple[ValueRecord, int | None]] = []
        fresh: list[tuple[object, ...]] = []
        changes: list[tuple[object, ...]] = []
        updates: list[tuple[object, ...]] = []
        when = stamp(_now())
        for symptom, severity in severities.items():
            found = already.get(symptom)
            if found is None:
                fresh.append((row_id, day_text, symptom, severity, note))
                stored.append((ValueRecord(session.id, date, day, symptom, severity, note), None))
                changes.append((row_id, day_text, symptom, None, None, severity, note, when))
                continue
            value_id, before, before_note = found
            after_note = before_note if note is None else note
            if (severity, after_note) != (before, before_note):
                updates.append((severity, after_note, value_id))
                changes.append(
                    (row_id, day_text, symptom, before, before_note, severity, after_note, when)
                )
            record = ValueRecord(session.id, date, day, symptom, severity, after_note)
            stored.append((record, before))
        self._db.executemany("UPDATE entries SET severity = ?, note = ? WHERE id = ?", updates)
        _insert(self._db, "entries (session_id, date, symptom, severity, note)", fresh)
        _insert(
            self._db,
            'entry_changes (session_id, date, symptom, "before", before_note, "after", '
            "after_note, changed_at)",
            changes,
        )
        self._dirty.setdefault(row_id, set()).update(severities)
        self._changed = True
        return stored

    def latest_runs(
        self, session_ids: Sequence[int], as_of: dt.date
    ) -> dict[int, list[ValueRecord]]:
        """As ``Store.latest_runs``: of each symptom that may still be there as of a date,
        its values from its last 0 on or before it (``queries.latest_runs``' statement)."""
        self.settle()  # the courses of what this transaction wrote, first
        marks = ", ".join("?" * len(session_ids))
        day = as_of.isoformat()
        found: dict[int, list[ValueRecord]] = {number: [] for number in session_ids}
        rows = self._db.execute(
            LATEST_RUNS.format(marks=marks), (day, self.profile_id, *session_ids, day, day)
        )
        for number, date, symptom, severity, note, session_date in rows:
            when = _date(date)
            found[number].append(
                ValueRecord(
                    number,
                    when,
                    (when - _date(session_date)).days,
                    stored_text(symptom),
                    stored_whole(severity),
                    stored_optional_text(note),
                )
            )
        return found

    # Temperatures ------------------------------------------------------------------------

    def add_temperature(
        self, session: SessionRecord, date: dt.date, typed: TypedTemperature, note: str | None
    ) -> TemperatureRecord:
        """One more reading for the day, as typed: none replaces another; kept as a change
        too (no reading before it), as ``Store.add_temperature`` keeps it."""
        row_id = self._row_id(session)
        when = stamp(_now())
        cursor = self._db.execute(
            "INSERT INTO measurements (session_id, date, measure, value, unit, note, logged_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (row_id, date.isoformat(), MEASURE, typed.value, typed.unit, note, when),
        )
        reading_id = cursor.lastrowid
        assert reading_id is not None
        self._db.execute(
            'INSERT INTO entry_changes (session_id, date, symptom, "before", before_note, '
            '"after", after_note, changed_at, reading_id, before_reading, before_unit, '
            "after_reading, after_unit) VALUES (?, ?, ?, NULL, NULL, NULL, ?, ?, ?, NULL, NULL, "
            "?, ?)",
            (row_id, date.isoformat(), MEASURE, note, when, reading_id, typed.value, typed.unit),
        )
        self._changed = True
        return TemperatureRecord(
            reading_id, session.id, date, session.day_of(date), typed.value, typed.unit, note
        )

    def temperatures_for_sessions(
        self, session_ids: Sequence[int]
    ) -> dict[int, list[TemperatureRecord]]:
        """As ``Store.temperatures_for_sessions``: by session number, in the order logged."""
        marks = ", ".join("?" * len(session_ids))
        found: dict[int, list[TemperatureRecord]] = {number: [] for number in session_ids}
        for reading_id, number, date, value, unit, note, session_date in self._db.execute(
            "SELECT m.id, s.number, m.date, m.value, m.unit, m.note, s.date "
            "FROM measurements AS m JOIN sessions AS s ON s.id = m.session_id "
            f"WHERE s.number IN ({marks}) AND m.measure = ? AND s.profile_id = ? "
            "ORDER BY s.number, m.date, m.id",
            (*session_ids, MEASURE, self.profile_id),
        ):
            day = _date(date)
            found[number].append(
                TemperatureRecord(
                    stored_whole(reading_id),
                    number,
                    day,
                    (day - _date(session_date)).days,
                    stored_text(value),
                    stored_text(unit),
                    stored_optional_text(note),
                )
            )
        return found

    # The symptom courses -----------------------------------------------------------------

    def settle(self) -> None:
        """As ``Store.settle``: the written symptoms' courses made anew from their values
        (``queries.refresh_courses``, the same DELETE and INSERT ... SELECT)."""
        for row_id, symptoms in self._dirty.items():
            named = sorted(symptoms)
            marks = ", ".join("?" * len(named))
            self._db.execute(
                f"DELETE FROM symptom_courses WHERE session_id = ? AND symptom IN ({marks})",
                (row_id, *named),
            )
            self._db.execute(COURSES.format(marks=marks), (row_id, *named))
        self._dirty = {}
        if self._changed:  # as triage_lines.count_writes: one more write to the record
            self._db.execute(
                "INSERT INTO triage_lines (profile_id, changes) VALUES (?, 1) "
                "ON CONFLICT (profile_id) DO UPDATE SET changes = triage_lines.changes + 1",
                (self.profile_id,),
            )
            self._changed = False


# What ``queries.latest_runs`` selects: for each symptom whose kept course may still be
# there as of the date, its values from its last 0 on or before it (or the session's day).
LATEST_RUNS = """
WITH starts AS MATERIALIZED (
    SELECT pairs.session_id, pairs.symptom, pairs.number, pairs.session_date,
        coalesce((SELECT zero.date FROM entries AS zero
                  WHERE zero.session_id = pairs.session_id AND zero.symptom = pairs.symptom
                    AND zero.severity = 0 AND zero.date <= ?
                    AND zero.date >= pairs.session_date
                  ORDER BY zero.date DESC LIMIT 1), pairs.session_date) AS since
    FROM (SELECT c.session_id, c.symptom, s.number, s.date AS session_date
          FROM symptom_courses AS c JOIN sessions AS s ON s.id = c.session_id
          WHERE s.profile_id = ? AND s.number IN ({marks})
            AND (c.latest_severity > 0 OR c.latest > ?)) AS pairs
)
SELECT starts.number, e.date, e.symptom, e.severity, e.note, starts.session_date
FROM starts JOIN entries AS e ON e.session_id = starts.session_id AND e.symptom = starts.symptom
WHERE e.date <= ? AND e.date >= starts.since
ORDER BY starts.number, e.date, e.symptom
"""


def _insert(db: sqlite3.Connection, into: str, rows: list[tuple[object, ...]]) -> None:
    """Rows in one multi-row INSERT (in their order: the same row ids as the ORM's)."""
    if rows:
        marks = "(" + ", ".join("?" * len(rows[0])) + ")"
        values = ", ".join([marks] * len(rows))
        db.execute(f"INSERT INTO {into} VALUES {values}", [v for row in rows for v in row])


# What ``queries.course_rows`` selects: per symptom, the latest value's date and severity,
# the first day at 0 after its last day above 0, and how many values it has.
COURSES = """
INSERT INTO symptom_courses (session_id, symptom, latest, latest_severity, gone, value_count)
SELECT g.session_id, g.symptom, g.latest,
    (SELECT last.severity FROM entries AS last
     WHERE last.session_id = g.session_id AND last.symptom = g.symptom
       AND last.date = g.latest),
    (SELECT min(after.date) FROM entries AS after
     WHERE after.session_id = g.session_id AND after.symptom = g.symptom
       AND after.date > g.present),
    g.value_count
FROM (SELECT session_id, symptom, max(date) AS latest,
             max(CASE WHEN severity > 0 THEN date END) AS present, count(*) AS value_count
      FROM entries WHERE session_id = ? AND symptom IN ({marks})
      GROUP BY session_id, symptom) AS g
"""


def checked(connection: sqlite3.Connection) -> None:
    """The schema is the newest, exactly as the migrations make it, in write-ahead-log
    mode (the usual path turns a restored backup's journal back to WAL itself)."""
    versions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    if versions != [(HEAD,)]:
        raise Unsure(f"schema {versions}: the usual path upgrades or refuses it")
    if sqlite_digest(connection.execute(SQLITE_SCHEMA_ROWS)) != sqlite_fingerprint():
        raise Unsure("the schema differs: the usual path says how")
    mode = connection.execute("PRAGMA journal_mode").fetchone()
    if mode is None or str(mode[0]).lower() != "wal":
        raise Unsure("not in write-ahead-log mode: the usual path turns it back")


def connect(path: Path) -> sqlite3.Connection:
    """The file opened as the usual path opens it: waiting for another writer up to the busy
    timeout, every transaction begun explicitly."""
    return sqlite3.connect(path, timeout=sqlite_files.BUSY_TIMEOUT_SECONDS, isolation_level=None)


@contextmanager
def quick_writing(path: Path, profile: str) -> Iterator[QuickStore]:
    """One write transaction on the SQLite file at ``path`` for one profile, committed when
    the work is done (its courses settled first), rolled back on anything else.

    ``Unsure`` (nothing written) when this path cannot be sure to do what the usual one
    does; ``Locked`` when another program kept the write lock past the busy timeout.
    """
    if not path.is_file() or not sqlite_files.is_writable(path):
        raise Unsure("a missing or read-only file: the usual path makes or refuses it")
    try:
        connection = connect(path)
    except sqlite3.Error as exc:
        raise Unsure(str(exc)) from exc
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN IMMEDIATE")  # the write lock up front, as the usual path
        checked(connection)
        store = QuickStore(connection, profile)
        yield store
        store.settle()
        connection.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower():
            raise Locked(failures.described(visible(str(path)), str(exc))) from None
        raise Unsure(str(exc)) from exc
    except sqlite3.Error as exc:
        raise Unsure(str(exc)) from exc
    finally:
        connection.close()  # without a COMMIT, everything is rolled back
