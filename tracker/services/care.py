"""The care log: recording and listing what the patient did for their skin."""

from __future__ import annotations

import datetime as dt

from tracker.domain.care import CARE_BY_KEY, CareRecord, check_note
from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.words import Words
from tracker.services.common import session_for_day
from tracker.storage.store import Store


def add_care(
    store: Store,
    action: str,
    *,
    date: dt.date,
    today: dt.date,
    session_id: int | None = None,
    note: str | None = None,
    again: bool = False,
) -> CareRecord:
    """Record a care action. The same action on the same day of the same session is most
    often a command typed twice, so it is refused unless ``again`` says it happened twice."""
    note = check_note(action, note)
    record = session_for_day(
        store, date=date, today=today, session_id=session_id, what="care action"
    )
    if not again:
        # 'other' is told apart by its note: two different things are not a repeat.
        same = store.same_care(record, date, action, note if action == "other" else None)
        if same is not None:
            name = CARE_BY_KEY[action].word
            words = Words.CARE_EXISTS.format(
                action=name.capitalize(), date=date, care_id=same.id, session_id=record.id
            )
            raise TrackerError.conflict(words, field="care", hint=Hint("again"))
    return store.add_care(record, date, action, note)


def list_care(store: Store, session_id: int | None = None) -> list[CareRecord]:
    if session_id is not None:
        store.session(session_id)  # refuses another profile's session
    return store.care_records(None if session_id is None else [session_id])
