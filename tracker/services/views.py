"""Gathering what a chart or report shows, in one transaction, as plain data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flags import evaluate
from tracker.domain.records import SessionRecord
from tracker.domain.summaries import SessionView, summarise
from tracker.services.common import chosen_session
from tracker.storage import queries
from tracker.storage.database import Database


def _views(session: Session, records: list[SessionRecord], as_of: dt.date) -> list[SessionView]:
    expectations = Expectations(shipped_table(), queries.overrides(session))
    entries = queries.entries_for_sessions(session, [r.id for r in records])
    care = queries.care_records(session, [r.id for r in records])
    profile = queries.profile_record(queries.current_profile(session))
    views = []
    for record in records:
        seen = [e for e in entries[record.id] if e.date <= as_of]
        views.append(
            SessionView(
                record,
                as_of,
                seen,
                summarise(record, seen, expectations.for_pair),
                evaluate(record, seen, expectations.for_pair, as_of),
                [c for c in care if c.session_id == record.id and c.date <= as_of],
                profile,
            )
        )
    return views


def session_view(db: Database, session_id: int | None, as_of: dt.date) -> SessionView:
    """One session: the one named, or the latest on or before as_of."""
    with db.reading() as db_session:
        return _session_view(db_session, session_id, as_of)


def _session_view(db_session: Session, session_id: int | None, as_of: dt.date) -> SessionView:
    record = queries.session_record(chosen_session(db_session, session_id, as_of))
    return _views(db_session, [record], as_of)[0]


def all_views(db: Database, as_of: dt.date) -> list[SessionView]:
    """Every session on or before as_of, oldest first."""
    with db.reading() as db_session:
        records = [
            queries.session_record(row)
            for row in queries.all_sessions(db_session)
            if row.date <= as_of
        ]
        return _views(db_session, records, as_of)
