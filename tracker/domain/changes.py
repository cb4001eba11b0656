"""The words for a change to a value: what it did, what undo puts back, and the history's
"changed from 5 on <date>"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tracker.domain.clock import at, local_date
from tracker.domain.records import ChangeRecord


def when(change: ChangeRecord, tz: dt.tzinfo) -> str:
    """The time of the change in the patient's zone."""
    return at(change.changed_at, tz)


def what_it_did(change: ChangeRecord, tz: dt.tzinfo) -> str:
    """'itching on 2026-11-20: changed from 9/10 to 0/10 at 2026-12-03 01:59 CET'."""
    head = f"{change.symptom} on {change.date}"
    moment = when(change, tz)
    if change.of_temperature:
        return f"{head}: {_temperature_did(change)} at {moment}"
    if change.before is None and change.after is not None:
        return f"{head}: logged as {change.after}/10 at {moment}"
    if change.after is None:
        return f"{head}: {change.before}/10 removed at {moment}"
    if change.before == change.after:
        return f"{head}: its note changed at {moment}"
    return f"{head}: changed from {change.before}/10 to {change.after}/10 at {moment}"


def temperature_changed_from(changes: Iterable[ChangeRecord]) -> dict[int, ChangeRecord]:
    """For each temperature reading (by its id), its latest correction still in force: the
    change that replaced an earlier reading or note ("changed from 39.4 °C on <date>")."""
    found: dict[int, ChangeRecord] = {}
    for change in changes:  # oldest first
        if change.undone_at is not None or change.reading is None:
            continue
        if change.before_temperature is not None and change.after_temperature is not None:
            found[change.reading] = change
        else:  # logged or removed: no earlier reading in force
            found.pop(change.reading, None)
    return found


def changed_words(change: ChangeRecord, tz: dt.tzinfo) -> str:
    """The history's note beside a corrected value: "changed from 9 on 2026-12-03" (the
    day of the correction, in the patient's zone), as the web page's History says it."""
    return f"changed from {change.before} on {local_date(change.changed_at, tz)}"


def _temperature_did(change: ChangeRecord) -> str:
    """'38.4 °C logged', '38.4 °C removed', 'changed from 39.4 °C to 36.4 °C'."""
    before, after = change.before_temperature, change.after_temperature
    if before is None:
        return f"{after.words()} logged" if after is not None else "logged"
    if after is None:
        return f"{before.words()} removed"
    if before != after:
        return f"changed from {before.words()} to {after.words()}"
    return f"the note of {after.words()} changed"


def what_undo_gives(change: ChangeRecord) -> str:
    """What the day holds once this change is undone."""
    if change.of_temperature:
        before, after = change.before_temperature, change.after_temperature
        if before is None:
            shown = f" {after.words()}" if after is not None else ""
            return f"the temperature{shown} on {change.date} is no longer recorded"
        if after is None:
            return f"the temperature {before.words()} on {change.date} is back"
        return f"the temperature on {change.date} is {before.words()} again, not {after.words()}"
    if change.before is None:
        return f"{change.symptom} on {change.date} has no value again"
    return f"{change.symptom} on {change.date} is {change.before}/10 again"


def changed_from(changes: Iterable[ChangeRecord]) -> dict[tuple[int, dt.date, str], ChangeRecord]:
    """For each value (session, date, symptom), its latest correction still in force: the
    change that replaced an earlier value (the history's "changed from 5 on <date>")."""
    found: dict[tuple[int, dt.date, str], ChangeRecord] = {}
    for change in changes:  # oldest first
        if change.undone_at is not None or change.of_temperature:
            continue
        if change.before is not None and change.after is not None:
            found[change.key] = change
        else:  # a fresh value or a removal: no earlier value in force
            found.pop(change.key, None)
    return found
