"""Logging symptom severities and reading them back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tracker.domain.errors import TrackerError
from tracker.domain.records import SessionRecord, TypedValue, ValueRecord, clean_text
from tracker.domain.severity import can_be_urgent
from tracker.domain.temperature import MEASURE, TemperatureRecord, TypedTemperature
from tracker.domain.words import Words
from tracker.services.common import DayStore, session_for_day, urgent_now

if TYPE_CHECKING:  # `tracker log` imports neither the flag rules nor SQLAlchemy unless needed
    from tracker.domain.flags import Flag
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
    temperature: TemperatureRecord | None = None  # the reading added, if one was given


def log_symptoms(
    store: DayStore,
    readings: list[TypedValue],
    *,
    date: dt.date,
    today: dt.date,
    session_id: int | None = None,
    note: str | None = None,
    temperature: TypedTemperature | None = None,
) -> LogResult:
    """Store every reading for one day, all or nothing; a temperature is one more reading
    of the day (it replaces none logged before)."""
    if not readings and temperature is None:
        raise TrackerError.malformed(str(Words.NO_READINGS))
    note = clean_text(note)
    record = session_for_day(store, date=date, today=today, session_id=session_id)
    logged = store_readings(store, record, readings, date=date, note=note) if readings else []
    measured = store.add_temperature(record, date, temperature, note) if temperature else None
    urgent = []
    fever = temperature is not None and temperature.fever
    if fever or any(can_be_urgent(r.symptom, r.severity) for r in readings):
        logged_now = {r.symptom for r in readings} | ({MEASURE} if fever else set())
        found = urgent_now(store, {record.id}, today, temperatures=fever)
        urgent = [f for f in found if f.symptom in logged_now]
    return LogResult(record, logged, urgent, measured)


def store_readings(
    store: DayStore,
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


def temperature_history(
    store: Store, *, session_id: int | None = None
) -> dict[int, list[TemperatureRecord]]:
    """Temperatures by session id (sessions with none left out), each in the order logged."""
    ids = [session_id] if session_id is not None else [r.id for r in store.sessions()]
    if session_id is not None:
        store.session(session_id)  # refuses another profile's session
    found = store.temperatures_for_sessions(ids)
    return {key: readings for key, readings in found.items() if readings}


def with_temperatures(
    store: Store,
    groups: list[tuple[SessionRecord, list[ValueRecord]]],
    session_id: int | None,
    symptom: str | None,
) -> tuple[list[tuple[SessionRecord, list[ValueRecord]]], dict[int, list[TemperatureRecord]]]:
    """A history's groups with the sessions that hold temperatures only, oldest first, and
    the temperatures by session (none when the history is of one symptom)."""
    if symptom is not None:
        return groups, {}
    measured = temperature_history(store, session_id=session_id)
    values = {record.id: entries for record, entries in groups}
    if all(key in values for key in measured):
        return groups, measured
    merged = [
        (record, values.get(record.id, []))
        for record in store.sessions()
        if record.id in values or record.id in measured
    ]
    return merged, measured
