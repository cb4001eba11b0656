"""The care log: recording and listing what the patient did for their skin."""

from __future__ import annotations

import datetime as dt

from tracker.domain.care import CareRecord, check_note
from tracker.services.common import session_for_day
from tracker.storage import queries
from tracker.storage.database import Database
from tracker.storage.models import CareEntry


def add_care(
    db: Database,
    action: str,
    *,
    date: dt.date,
    today: dt.date,
    session_id: int | None = None,
    note: str | None = None,
) -> CareRecord:
    note = check_note(action, note)
    with db.transaction() as session:
        row = session_for_day(
            session, date=date, today=today, session_id=session_id, what="care action"
        )
        entry = CareEntry(session_id=row.id, date=date, action=action, note=note)
        session.add(entry)
        session.flush()
        return queries.care_record(entry, row.date)


def list_care(db: Database, session_id: int | None = None) -> list[CareRecord]:
    with db.transaction() as session:
        if session_id is not None:
            queries.get_session(session, session_id)
        return queries.care_records(session, None if session_id is None else [session_id])
