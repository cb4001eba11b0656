"""The daily check-in as one write: the day's values, its note and its care actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.domain.care import CareRecord, check_note
from tracker.domain.errors import TrackerError
from tracker.domain.records import SessionRecord, TypedValue, clean_text
from tracker.domain.temperature import TemperatureRecord, TypedTemperature
from tracker.services.common import session_for_day
from tracker.services.symptom_log import Logged, store_readings

if TYPE_CHECKING:  # the store's module (SQLAlchemy) loads when a command opens the database
    from tracker.storage.store import Store


@dataclass(frozen=True)
class CheckinResult:
    session: SessionRecord
    date: dt.date
    logged: list[Logged]
    care: list[CareRecord]
    already: list[str]  # care actions the day already held: not recorded twice
    temperature: TemperatureRecord | None = None  # the reading added, if one was given


def save_checkin(
    store: Store,
    readings: list[TypedValue],
    care_actions: list[str],
    *,
    date: dt.date,
    today: dt.date,
    note: str | None = None,
    session_id: int | None = None,
    temperature: TypedTemperature | None = None,
) -> CheckinResult:
    """Store a day's values and care actions, all or nothing.

    The note goes with the values, as `tracker log --note` does; on a day with care
    actions only, it goes with them instead of being lost. Saving a day's check-in again
    (to correct a value) keeps its care actions once: one already recorded that day is
    not added again, where `tracker care add` refuses the repeat. A temperature is one more
    reading of the day: saving again with one adds it, and replaces none.
    """
    if not readings and not care_actions and temperature is None:
        raise TrackerError.malformed(
            "Nothing to save: give a value for at least one symptom, a temperature, or a care "
            "action."
        )
    note = clean_text(note)
    record = session_for_day(store, date=date, today=today, session_id=session_id)
    logged = store_readings(store, record, readings, date=date, note=note)
    measured = store.add_temperature(record, date, temperature, note) if temperature else None
    care_note = None if readings or temperature else note
    care: list[CareRecord] = []
    already: list[str] = []
    for action in care_actions:
        action_note = check_note(action, care_note)
        if store.same_care(record, date, action) is not None:
            already.append(action)
            continue
        care.append(store.add_care(record, date, action, action_note))
    return CheckinResult(record, date, logged, care, already, measured)
