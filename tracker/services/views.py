"""Gathering what a chart or report shows, in one transaction, as plain data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tracker.domain.courses import personal_courses
from tracker.domain.flags import evaluate_sessions
from tracker.domain.records import SessionRecord
from tracker.domain.summaries import SessionView, summarise
from tracker.services.common import chosen_session, expectations_for
from tracker.storage import queries
from tracker.storage.database import Database


def _views(session: Session, records: list[SessionRecord], as_of: dt.date) -> list[SessionView]:
    profile = queries.profile_record(queries.current_profile(session))
    expectations = expectations_for(session)
    # Earlier sessions too: each is judged against the patient's own earlier courses.
    wanted = {r.id for r in records}
    every = [
        queries.session_record(row)
        for row in queries.all_sessions(session)
        if row.date <= as_of or row.id in wanted
    ]
    entries = queries.entries_for_sessions(session, [r.id for r in every])
    care = queries.care_records(session, [r.id for r in records])
    judged = evaluate_sessions(every, entries, expectations.for_pair, as_of)
    views = []
    for record in records:
        seen = [e for e in entries[record.id] if e.date <= as_of]
        views.append(
            SessionView(
                record,
                as_of,
                seen,
                summarise(
                    record,
                    seen,
                    expectations.for_pair,
                    as_of,
                    personal_courses(record, [(r, entries[r.id]) for r in every]),
                ),
                judged[record.id],
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
