"""Adding, listing, editing and deleting treatment sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from tracker.domain.errors import TrackerError
from tracker.domain.flags import Flag, active_only, evaluate
from tracker.domain.records import SessionRecord, clean_text
from tracker.domain.text import visible
from tracker.services.common import expectations_for
from tracker.storage import queries
from tracker.storage.database import Database
from tracker.storage.models import TreatmentSession


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
        raise TrackerError(f"The follow-up ({follow_up}) cannot be before the session ({date}).")


def describe(record: SessionRecord) -> str:
    where = f", {visible(record.area)}" if record.area else ""
    return f"session {record.id} ({record.kind} on {record.date}{where})"


def add_session(db: Database, new: SessionFields, *, again: bool = False) -> SessionRecord:
    """Add a session; refuses a second one on the same day, kind and area unless ``again``."""
    if new.date is None or new.kind is None:
        raise TrackerError.malformed("A session needs a date and a kind.")
    _check_follow_up(new.date, new.follow_up)
    row = TreatmentSession(
        date=new.date,
        kind=new.kind,
        area=_clean(new.area),
        clinic=_clean(new.clinic),
        notes=_clean(new.notes),
        follow_up=new.follow_up,
    )
    with db.transaction() as session:
        row.profile_id = queries.profile_id(session)
        same = [
            r
            for r in queries.all_sessions(session)
            if (r.date, r.kind, r.area) == (row.date, row.kind, row.area)
        ]
        if same and not again:
            raise TrackerError(
                f"{describe(queries.session_record(same[0])).capitalize()} already exists. "
                "Add --again to record a second session on the same day."
            )
        session.add(row)
        session.flush()
        return queries.session_record(row)


def still_open_before(db: Database, record: SessionRecord, today: dt.date) -> list[Flag]:
    """Active flags (as of today) of the session just before this one: they stay listed."""
    with db.reading() as session:
        before = [
            r
            for r in queries.all_sessions(session)
            if r.id != record.id and (r.date, r.id) <= (record.date, record.id)
        ]
        if not before:
            return []
        previous = queries.session_record(before[-1])
        entries = queries.entries_for_sessions(session, [previous.id])[previous.id]
        expectations = expectations_for(session)
    return active_only(evaluate(previous, entries, expectations.for_pair, today))


def list_sessions(db: Database) -> list[tuple[SessionRecord, int]]:
    """Every session, oldest first, with how many entries it holds."""
    with db.reading() as session:
        rows = queries.all_sessions(session)
        counts = queries.entry_counts(session)
        return [(queries.session_record(row), counts.get(row.id, 0)) for row in rows]


def show_session(db: Database, session_id: int) -> tuple[SessionRecord, int]:
    with db.reading() as session:
        row = queries.get_session(session, session_id)
        return queries.session_record(row), queries.count_entries(session, session_id)


def edit_session(db: Database, session_id: int, changes: SessionFields) -> SessionRecord:
    if all(getattr(changes, f.name) is None for f in fields(changes)):
        raise TrackerError.malformed(
            "Nothing to change: give at least one of --date, --kind, --area, --clinic, "
            "--notes, --follow-up."
        )
    with db.transaction() as session:
        row = queries.get_session(session, session_id)
        new_date = changes.date or row.date
        if changes.date is not None:
            first, _ = queries.entry_dates_range(session, session_id)
            if first is not None and first < changes.date:
                raise TrackerError(
                    f"Session {session_id} has entries from {first}; its date cannot move "
                    f"after that."
                )
            row.date = changes.date
        if changes.kind is not None:
            row.kind = changes.kind
        for name in ("area", "clinic", "notes"):
            value = getattr(changes, name)
            if value is not None:
                setattr(row, name, _clean(value))
        if changes.follow_up is not None:
            row.follow_up = changes.follow_up
        _check_follow_up(new_date, row.follow_up)
        return queries.session_record(row)


def delete_session(db: Database, session_id: int) -> tuple[SessionRecord, int]:
    """Delete a session and its entries; returns what was deleted."""
    with db.transaction() as session:
        row = queries.get_session(session, session_id)
        record = queries.session_record(row)
        count = queries.count_entries(session, session_id)
        session.delete(row)
        return record, count
