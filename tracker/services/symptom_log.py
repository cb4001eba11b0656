"""Logging symptom severities and reading them back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.errors import TrackerError
from tracker.records import EntryRecord, Reading, SessionRecord
from tracker.storage import queries
from tracker.storage.database import Database
from tracker.storage.models import SymptomEntry


@dataclass(frozen=True)
class Logged:
    """One stored value, and the value it replaced if the day had one already."""

    entry: EntryRecord
    replaced: int | None


@dataclass(frozen=True)
class LogResult:
    session: SessionRecord
    logged: list[Logged]


def log_symptoms(
    db: Database,
    readings: list[Reading],
    *,
    date: dt.date,
    today: dt.date,
    session_id: int | None = None,
    note: str | None = None,
) -> LogResult:
    """Store every reading for one day, all or nothing."""
    if date > today:
        raise TrackerError(f"{date} is in the future; log a day once it has happened.")
    note = note if note and note.strip() else None
    with db.transaction() as session:
        if session_id is not None:
            row = queries.get_session(session, session_id)
        else:
            found = queries.latest_session_on_or_before(session, date)
            if found is None:
                raise TrackerError(
                    f"There is no treatment session on or before {date}. Add one first: "
                    "tracker session add --date YYYY-MM-DD --kind KIND"
                )
            row = found
        if date < row.date:
            raise TrackerError(
                f"{date} is before session {row.id} ({row.date}); a log belongs to a day on "
                "or after its session."
            )
        logged: list[Logged] = []
        for reading in readings:
            entry = queries.find_entry(session, row.id, reading.symptom, date)
            replaced = None
            if entry is None:
                entry = SymptomEntry(
                    session_id=row.id,
                    date=date,
                    symptom=reading.symptom,
                    severity=reading.severity,
                    note=note,
                )
                session.add(entry)
            else:
                replaced = entry.severity
                entry.severity = reading.severity
                if note is not None:
                    entry.note = note
            logged.append(Logged(queries.entry_record(entry, row.date), replaced))
        return LogResult(queries.session_record(row), logged)


def history(
    db: Database, *, session_id: int | None = None, symptom: str | None = None
) -> list[tuple[SessionRecord, list[EntryRecord]]]:
    """Entries grouped by session, oldest first; sessions with no matching entry are left out."""
    with db.transaction() as session:
        if session_id is not None:
            queries.get_session(session, session_id)
        pairs = queries.entries_with_sessions(session, session_id=session_id, symptom=symptom)
        grouped: dict[int, tuple[SessionRecord, list[EntryRecord]]] = {}
        for session_row, entry_row in pairs:
            if session_row.id not in grouped:
                grouped[session_row.id] = (queries.session_record(session_row), [])
            grouped[session_row.id][1].append(queries.entry_record(entry_row, session_row.date))
        return list(grouped.values())
