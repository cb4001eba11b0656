"""Taking back what was recorded by mistake: one day's values, or one care entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.domain.care import CareRecord
from tracker.domain.errors import TrackerError
from tracker.domain.records import EntryRecord, SessionRecord
from tracker.services.common import chosen_session
from tracker.storage.database import Database


@dataclass(frozen=True)
class Removal:
    """The values removed from one day of a session, and the symptoms named that had none."""

    session: SessionRecord
    date: dt.date
    removed: list[EntryRecord]
    not_logged: list[str]


def remove_values(
    db: Database,
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
    with db.writing() as store:
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


def remove_care(db: Database, care_id: int) -> CareRecord:
    """Remove one care-log entry by its id (see `tracker care list`); returns what it was."""
    with db.writing() as store:
        record = store.care_entry(care_id)
        store.remove_care(care_id)
        return record
