"""Logging symptom severities and reading them back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tracker.domain.catalog import SYMPTOMS_BY_KEY
from tracker.domain.flags import Flag, evaluate
from tracker.domain.records import EntryRecord, Reading, SessionRecord, clean_text
from tracker.domain.severity import SEVERE_FROM
from tracker.services.common import expectations_for, session_for_day
from tracker.storage import queries
from tracker.storage.database import Database
from tracker.storage.models import SymptomEntry, TreatmentSession


@dataclass(frozen=True)
class Logged:
    """One stored value, and the value it replaced if the day had one already."""

    entry: EntryRecord
    replaced: int | None


@dataclass(frozen=True)
class LogResult:
    session: SessionRecord
    logged: list[Logged]
    # Active urgent flags about the symptoms just logged, to show their advice at once.
    urgent: list[Flag] = field(default_factory=list)


def _may_be_urgent(readings: list[Reading]) -> bool:
    """Only a severe value or a red-flag symptom can make a flag urgent."""
    return any(
        r.severity >= SEVERE_FROM
        or (r.severity > 0 and SYMPTOMS_BY_KEY[r.symptom].group == "red-flag")
        for r in readings
    )


def _urgent(
    session: Session, record: SessionRecord, symptoms: set[str], today: dt.date
) -> list[Flag]:
    expectations = expectations_for(session)
    entries = queries.entries_for_sessions(session, [record.id])[record.id]
    found = evaluate(record, entries, expectations.for_pair, today)
    return [f for f in found if f.active and f.level == "urgent" and f.symptom in symptoms]


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
    note = clean_text(note)
    with db.transaction() as session:
        row = session_for_day(session, date=date, today=today, session_id=session_id)
        logged = store_readings(session, row, readings, date=date, note=note)
        record = queries.session_record(row)
        urgent = []
        if _may_be_urgent(readings):
            session.flush()
            urgent = _urgent(session, record, {r.symptom for r in readings}, today)
        return LogResult(record, logged, urgent)


def store_readings(
    session: Session,
    row: TreatmentSession,
    readings: list[Reading],
    *,
    date: dt.date,
    note: str | None,
) -> list[Logged]:
    """Inside a caller's transaction: a day's readings, replacing that day's earlier values."""
    logged: list[Logged] = []
    already = queries.entries_on(session, row.id, date)
    fresh: list[dict[str, object]] = []
    for reading in readings:
        entry = already.get(reading.symptom)
        replaced = None
        if entry is None:
            values = {
                "session_id": row.id,
                "date": date,
                "symptom": reading.symptom,
                "severity": reading.severity,
                "note": note,
            }
            fresh.append(values)
            stored = EntryRecord(
                row.id, date, (date - row.date).days, reading.symptom, reading.severity, note
            )
        else:
            replaced = entry.severity
            entry.severity = reading.severity
            if note is not None:
                entry.note = note
            stored = queries.entry_record(entry, row.date)
        logged.append(Logged(stored, replaced))
    if fresh:
        # One multi-row INSERT, however many symptoms the log names.
        session.execute(insert(SymptomEntry), fresh)
    return logged


def history(
    db: Database, *, session_id: int | None = None, symptom: str | None = None
) -> list[tuple[SessionRecord, list[EntryRecord]]]:
    """Entries grouped by session, oldest first; sessions with no matching entry are left out."""
    with db.reading() as session:
        found = queries.entries_with_sessions(session, session_id=session_id, symptom=symptom)
        if session_id is not None:
            # One session asked for: read that one, not all of the profile's.
            rows = [queries.get_session(session, session_id)]
        else:
            rows = list(queries.all_sessions(session))
        sessions = {row.id: row for row in rows if row.id in found}
        return [(queries.session_record(sessions[sid]), entries) for sid, entries in found.items()]
