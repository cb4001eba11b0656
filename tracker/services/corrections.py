"""Taking back what was recorded by mistake: one day's values, one care entry, or the
latest change (undo), with every change kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tracker.domain.care import CareRecord
from tracker.domain.changes import changed_from, temperature_changed_from
from tracker.domain.errors import TrackerError
from tracker.domain.records import ChangeRecord, SessionRecord, ValueRecord, clean_text
from tracker.domain.temperature import MEASURE, TemperatureRecord, TypedTemperature
from tracker.services.common import chosen_session, urgent_now
from tracker.storage.store import Store

if TYPE_CHECKING:
    from tracker.domain.flags import Flag


@dataclass(frozen=True)
class Removal:
    """The values removed from one day of a session, and the symptoms named that had none."""

    session: SessionRecord
    date: dt.date
    removed: list[ValueRecord]
    not_logged: list[str]


def remove_values(
    store: Store,
    symptoms: list[str],
    *,
    date: dt.date,
    today: dt.date,
    session_id: int | None = None,
) -> Removal:
    """Remove the named symptoms' values for one day of a session (default: the latest
    session on or before the day). Refuses, changing nothing, when none of them has one."""
    if not symptoms:
        raise TrackerError.malformed("Name at least one symptom to remove, for example: itching.")
    if date > today:
        raise TrackerError(f"{date} is in the future: nothing can be logged for it yet.")
    record = chosen_session(store, session_id, date)
    found = store.entries_on(record.id, date)
    wanted = list(dict.fromkeys(symptoms))
    removed = [found[s] for s in wanted if s in found]
    not_logged = [s for s in wanted if s not in found]
    if not removed:
        raise TrackerError(
            f"Nothing to remove: {', '.join(not_logged)} "
            f"{'has' if len(not_logged) == 1 else 'have'} no value on {date} "
            f"in session {record.id}. Nothing was changed."
        )
    store.remove_values(record.id, date, [e.symptom for e in removed])
    return Removal(record, date, removed, not_logged)


def remove_care(store: Store, care_id: int) -> CareRecord:
    """Remove one care-log entry by its id (see `tracker care list`); returns what it was."""
    record = store.care_entry(care_id)
    store.remove_care(care_id)
    return record


@dataclass(frozen=True)
class Undone:
    """The change undo took back (or would, on a dry run), with its session."""

    change: ChangeRecord
    session: SessionRecord
    dry_run: bool


def undo_last(store: Store, *, dry_run: bool = False, expected: int | None = None) -> Undone:
    """Put back what the profile's latest change replaced; again for the one before.

    ``expected`` (a change id, as a page showed it) refuses when the latest change is
    another one by now: undo acts only on what the patient saw. A dry run changes nothing.
    """
    # The face opens a reading unit of work for a dry run, a writing one otherwise.
    change = store.last_change()
    if change is None:
        raise TrackerError("Nothing to undo: no change to a value is left to take back.")
    if expected is not None and change.id != expected:
        raise TrackerError(
            "Nothing was undone: the latest change is another one by now. "
            "Look at it below and undo again if it is the one."
        )
    if not dry_run:
        store.undo_change(change)
    return Undone(change, store.session(change.session_id), dry_run)


def last_change(store: Store) -> tuple[ChangeRecord, SessionRecord] | None:
    """What undo would take back now, with its session; None when nothing is left."""
    change = store.last_change()
    return (change, store.session(change.session_id)) if change is not None else None


def corrections_in_force(
    store: Store, session_id: int | None = None
) -> dict[tuple[int, dt.date, str], ChangeRecord]:
    """For each value (session, date, symptom) a correction replaced, the latest one still
    in force (all sessions, or the one named): the history's "changed from 5 on <date>"."""
    return changed_from(store.changes(session_id=session_id))


def value_changes(store: Store, session_id: int) -> list[ChangeRecord]:
    """Every change to a session's values, oldest first, undone ones included."""
    store.session(session_id)  # refuses another profile's
    return store.changes(session_id=session_id)


# Temperature readings: corrected in place or removed, each change kept, undo puts it back --


@dataclass(frozen=True)
class TemperatureFix:
    """A reading corrected (``after``) or removed (``after`` None), with its session, and
    the urgent flags a corrected reading of 38 °C or more raises at once."""

    session: SessionRecord
    before: TemperatureRecord
    after: TemperatureRecord | None
    urgent: list[Flag] = field(default_factory=list)


def temperature_reading(store: Store, reading_id: int) -> TemperatureRecord:
    """One of the profile's readings by its id (as a page showed it); refuses another's."""
    return store.temperature(reading_id)


def temperature_on_day(
    store: Store,
    *,
    date: dt.date,
    today: dt.date,
    session_id: int | None = None,
    value: TypedTemperature | None = None,
) -> TemperatureRecord:
    """The day's reading of ``value`` (the latest logged of that value), or the day's only
    reading when no value is named; refuses when there is none, or several and no value."""
    if date > today:
        raise TrackerError(f"{date} is in the future: nothing can be logged for it yet.")
    record = chosen_session(store, session_id, date)
    readings = [
        t for t in store.temperatures_for_sessions([record.id])[record.id] if t.date == date
    ]
    where = f"on {date} in session {record.id}"
    if not readings:
        raise TrackerError.not_found(
            f"No temperature was logged {where}. Nothing was changed.", field=MEASURE
        )
    said = ", ".join(t.words() for t in readings)
    if value is not None:
        same = [t for t in readings if (t.typed.number, t.unit) == (value.number, value.unit)]
        if not same:
            raise TrackerError.not_found(
                f"No temperature of {value.words()} was logged {where}; that day has {said}. "
                "Nothing was changed.",
                field=MEASURE,
            )
        return same[-1]
    if len(readings) > 1:
        raise TrackerError.malformed(
            f"{len(readings)} temperatures were logged {where} ({said}): say which one, by "
            "its degrees. Nothing was changed.",
            field=MEASURE,
        )
    return readings[0]


def correct_temperature(
    store: Store,
    reading: TemperatureRecord,
    typed: TypedTemperature,
    *,
    today: dt.date,
    note: str | None = None,
) -> TemperatureFix:
    """Put ``typed`` in place of a reading (same day, same place among the day's readings);
    the reading it replaces is kept as a change, and undo puts it back. Refuses when the
    reading is the same as before (nothing to correct)."""
    note = clean_text(note)
    record = store.session(reading.session_id)
    after = store.correct_temperature(reading, typed, note)
    if after is None:
        raise TrackerError(
            f"The temperature on {reading.date} is {reading.words()} already. Nothing was changed.",
            field=MEASURE,
        )
    urgent: list[Flag] = []
    if typed.fever:
        found = urgent_now(store, {record.id}, today, temperatures=True)
        urgent = [f for f in found if f.symptom == MEASURE]
    return TemperatureFix(record, reading, after, urgent)


def remove_temperature(store: Store, reading: TemperatureRecord) -> TemperatureFix:
    """Remove one reading; what it was is kept as a change, and undo puts it back."""
    record = store.session(reading.session_id)
    store.remove_temperature(reading)
    return TemperatureFix(record, reading, None)


def temperature_corrections(store: Store, session_id: int | None = None) -> dict[int, ChangeRecord]:
    """For each reading (by id; all sessions, or the one named) a correction replaced, the
    latest still in force: History's "changed from 39.4 °C on <date>"."""
    return temperature_changed_from(store.temperature_changes(session_id=session_id))
