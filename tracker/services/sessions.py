"""Adding, listing, editing and deleting treatment sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

from tracker.domain.errors import TrackerError
from tracker.domain.flags import Flag, active_only, evaluate
from tracker.domain.hints import Hint
from tracker.domain.records import SessionRecord, clean_text
from tracker.domain.text import visible
from tracker.domain.words import Words
from tracker.services.common import expectations_for

if TYPE_CHECKING:  # the store's module (SQLAlchemy) loads when a command opens the database
    from tracker.storage.store import Store


@dataclass(frozen=True)
class SessionFields:
    """Fields of a session; in an edit, ``None`` for a field means leave it as it is."""

    date: dt.date | None = None
    kind: str | None = None
    area: str | None = None
    clinic: str | None = None
    notes: str | None = None
    follow_up: dt.date | None = None


def _clean(text: str | None) -> str | None:
    # An empty text clears a field: `--area ""` removes the area.
    return clean_text(text, "Session details")


def _check_follow_up(date: dt.date, follow_up: dt.date | None) -> None:
    if follow_up is not None and follow_up < date:
        raise TrackerError(
            f"The follow-up ({follow_up}) cannot be before the session ({date}).",
            field="follow_up",
        )


def describe(record: SessionRecord) -> str:
    where = f", {visible(record.area)}" if record.area else ""
    return f"session {record.id} ({record.kind} on {record.date}{where})"


def add_session(store: Store, new: SessionFields, *, again: bool = False) -> SessionRecord:
    """Add a session; refuses a second one on the same day, kind and area unless ``again``."""
    return _add(store, new, again)


def start_session(
    store: Store, new: SessionFields, *, today: dt.date, again: bool = False
) -> tuple[SessionRecord, list[Flag]]:
    """Add a session, and in the same transaction find the session before it whose flags
    are still active as of today: they stay listed, and the patient is told so."""
    record = _add(store, new, again)
    return record, _still_open_before(store, record, today)


def _add(store: Store, new: SessionFields, again: bool) -> SessionRecord:
    if new.date is None or new.kind is None:
        raise TrackerError.malformed("A session needs a date and a kind.")
    _check_follow_up(new.date, new.follow_up)
    record = SessionRecord(
        id=0,
        date=new.date,
        kind=new.kind,
        area=_clean(new.area),
        clinic=_clean(new.clinic),
        notes=_clean(new.notes),
        follow_up=new.follow_up,
    )
    same = [r for r in store.sessions_matching(record.date, record.kind) if r.area == record.area]
    if same and not again:
        raise TrackerError.conflict(
            Words.SESSION_EXISTS.format(session=describe(same[0]).capitalize()),
            field="date",
            hint=Hint("again"),
        )
    return store.add_session(record)


def _still_open_before(store: Store, record: SessionRecord, today: dt.date) -> list[Flag]:
    """Active flags (as of today) of the session just before this one."""
    before = [
        r
        for r in store.sessions()
        if r.id != record.id and (r.date, r.id) <= (record.date, record.id)
    ]
    if not before:
        return []
    previous = before[-1]
    entries = store.entries_for_sessions([previous.id])[previous.id]
    expectations = expectations_for(store)
    return active_only(evaluate(previous, entries, expectations.for_pair, today))


def list_sessions(store: Store) -> list[tuple[SessionRecord, int]]:
    """Every session, oldest first, with how many entries it holds."""
    counts = store.entry_counts()
    return [(record, counts.get(record.id, 0)) for record in store.sessions()]


def sessions_by_number(store: Store) -> dict[int, SessionRecord]:
    """Every session by its number: to name the session of each flag."""
    return {record.id: record for record in store.sessions()}


def show_session(store: Store, session_id: int) -> tuple[SessionRecord, int]:
    return store.session(session_id), store.entry_count(session_id)


def edit_session(store: Store, session_id: int, changes: SessionFields) -> SessionRecord:
    if all(getattr(changes, f.name) is None for f in fields(changes)):
        raise TrackerError.malformed(
            "Nothing to change: give at least one new detail (date, kind, area, clinic, notes "
            "or follow-up)."
        )
    record = store.session(session_id)
    if changes.date is not None:
        first, _ = store.entry_dates_range(session_id)
        if first is not None and first < changes.date:
            raise TrackerError(
                f"Session {session_id} has entries from {first}; its date cannot move after that.",
                field="date",
            )

    def text(name: str, before: str | None) -> str | None:
        value = getattr(changes, name)
        return before if value is None else _clean(value)

    changed = replace(
        record,
        date=changes.date or record.date,
        kind=changes.kind or record.kind,
        area=text("area", record.area),
        clinic=text("clinic", record.clinic),
        notes=text("notes", record.notes),
        follow_up=changes.follow_up or record.follow_up,
    )
    _check_follow_up(changed.date, changed.follow_up)
    return store.update_session(changed)


@dataclass(frozen=True)
class Deleted:
    """A session deleted, and how much went with it (the foreign keys cascade)."""

    session: SessionRecord
    values: int
    photos: int  # removed ones too
    care: int

    def what_went(self) -> str:
        """ "its 3 logged values, its 2 photos and its 1 care entry": all that was deleted,
        photos and care entries named only when there were any."""
        parts = [f"its {self.values} logged value{'s' * (self.values != 1)}"]
        if self.photos:
            parts.append(f"its {self.photos} photo{'s' * (self.photos != 1)}")
        if self.care:
            parts.append(f"its {self.care} care entr{'ies' if self.care != 1 else 'y'}")
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def what_deleting_takes(store: Store, session_id: int) -> Deleted:
    """What deleting the session would delete with it (nothing is deleted)."""
    record = store.session(session_id)
    return Deleted(
        record,
        store.entry_count(session_id),
        len(store.photos([session_id], with_removed=True)),
        len(store.care_records([session_id])),
    )


def delete_session(store: Store, session_id: int) -> Deleted:
    """Delete a session with its values, photos and care entries; returns what went."""
    deleted = what_deleting_takes(store, session_id)
    store.delete_session(session_id)
    return deleted
