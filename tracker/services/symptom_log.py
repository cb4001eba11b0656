"""Logging symptom severities and reading them back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tracker.domain.flags import Flag, can_be_urgent
from tracker.domain.records import SessionRecord, TypedValue, ValueRecord, clean_text
from tracker.services.common import session_for_day, urgent_now
from tracker.storage.store import Store


@dataclass(frozen=True)
class Logged:
    """One stored value, and the value it replaced if the day had one already."""

    entry: ValueRecord
    replaced: int | None


@dataclass(frozen=True)
class LogResult:
    session: SessionRecord
    logged: list[Logged]
    # Active urgent flags about the symptoms just logged, to show their advice at once.
    urgent: list[Flag] = field(default_factory=list)


def log_symptoms(
    store: Store,
    readings: list[TypedValue],
    *,
    date: dt.date,
    today: dt.date,
    session_id: int | None = None,
    note: str | None = None,
) -> LogResult:
    """Store every reading for one day, all or nothing."""
    note = clean_text(note)
    record = session_for_day(store, date=date, today=today, session_id=session_id)
    logged = store_readings(store, record, readings, date=date, note=note)
    urgent = []
    if any(can_be_urgent(r.symptom, r.severity) for r in readings):
        logged_now = {r.symptom for r in readings}
        urgent = [f for f in urgent_now(store, {record.id}, today) if f.symptom in logged_now]
    return LogResult(record, logged, urgent)


def store_readings(
    store: Store,
    record: SessionRecord,
    readings: list[TypedValue],
    *,
    date: dt.date,
    note: str | None,
) -> list[Logged]:
    """Inside a caller's transaction: a day's readings, replacing that day's earlier values."""
    severities = {r.symptom: r.severity for r in readings}
    stored = store.write_day(record, date, severities, note)
    return [Logged(entry, before) for entry, before in stored]


def history(
    store: Store, *, session_id: int | None = None, symptom: str | None = None
) -> list[tuple[SessionRecord, list[ValueRecord]]]:
    """Entries grouped by session, oldest first; sessions with no matching entry are left out."""
    found = store.entries_with_sessions(session_id=session_id, symptom=symptom)
    # One session asked for: read that one, not all of the profile's.
    records = [store.session(session_id)] if session_id is not None else store.sessions()
    return [(r, found[r.id]) for r in records if r.id in found]
