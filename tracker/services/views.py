"""Gathering what a chart or report shows, in one transaction, as plain data."""

from __future__ import annotations

import datetime as dt

from tracker.domain.flags import evaluate
from tracker.domain.records import SessionRecord
from tracker.domain.summaries import SessionView, summarise
from tracker.domain.temperature import TemperatureRecord
from tracker.services.common import chosen_session, expectations_for, personal_courses
from tracker.storage.store import Store


def _views(store: Store, records: list[SessionRecord], as_of: dt.date) -> list[SessionView]:
    """The views of these sessions, reading their own values only: each is judged against
    the patient's earlier courses, and of the earlier sessions those need only the day
    each symptom was gone, kept as the symptom courses (a summary made on every write).
    A page about one session costs the same after 1 session or 200."""
    profile = store.profile()
    expectations = expectations_for(store)
    entries = store.entries_for_sessions([r.id for r in records])
    care = store.care_records([r.id for r in records])
    changes = store.changes() if len(records) == 1 else []  # the report's corrections
    photo_dates = store.photo_dates([r.id for r in records])
    measured = store.temperatures_for_sessions([r.id for r in records])
    # The flags judge earlier courses as of the day; the summary's comparison has always
    # counted every value of the earlier sessions (only a past as-of date sees a difference).
    judged_courses, shown_courses = personal_courses(store, records, as_of)
    views = []
    for record in records:
        seen = [e for e in entries[record.id] if e.date <= as_of]
        views.append(
            SessionView(
                record,
                as_of,
                seen,
                summarise(record, seen, expectations.for_pair, as_of, shown_courses[record.id]),
                evaluate(
                    record,
                    entries[record.id],
                    expectations.for_pair,
                    as_of,
                    judged_courses[record.id],
                    temperatures=measured[record.id],
                ),
                [c for c in care if c.session_id == record.id and c.date <= as_of],
                profile,
                [c for c in changes if c.session_id == record.id and c.date <= as_of],
                _photo_days(record, photo_dates.get(record.id, []), as_of),
                temperatures=_up_to(measured[record.id], as_of),
            )
        )
    return views


def _photo_days(record: SessionRecord, dates: list[dt.date], as_of: dt.date) -> tuple[int, ...]:
    """The days after the session with a photo, up to as_of."""
    return tuple(sorted({record.day_of(d) for d in dates if d <= as_of}))


def _up_to(readings: list[TemperatureRecord], as_of: dt.date) -> list[TemperatureRecord]:
    return [t for t in readings if t.date <= as_of]


def session_view(store: Store, session_id: int | None, as_of: dt.date) -> SessionView:
    """One session: the one named, or the latest on or before as_of."""
    return _views(store, [chosen_session(store, session_id, as_of)], as_of)[0]


def all_views(store: Store, as_of: dt.date) -> list[SessionView]:
    """Every session on or before as_of, oldest first."""
    return _views(store, store.sessions(up_to=as_of), as_of)
