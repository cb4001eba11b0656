"""Rules shared by the use cases that record something on a day of a session."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Expectations, shipped_table
from tracker.storage import queries
from tracker.storage.models import TreatmentSession


def chosen_session(session: Session, session_id: int | None, date: dt.date) -> TreatmentSession:
    """The session named, or else the latest one on or before the date; refuses when none."""
    if session_id is not None:
        return queries.get_session(session, session_id)
    found = queries.latest_session_on_or_before(session, date)
    if found is None:
        first = queries.first_session(session)
        if first is not None:
            raise TrackerError(
                f"{date} is before your first session (session {first.id} on {first.date}); "
                "choose a day on or after it."
            )
        raise TrackerError(
            f"There is no treatment session on or before {date}. Add one first: "
            "tracker session add --date YYYY-MM-DD --kind KIND"
        )
    return found


def session_for_day(
    session: Session, *, date: dt.date, today: dt.date, session_id: int | None, what: str = "log"
) -> TreatmentSession:
    """The session a day's record belongs to: the one named, or the latest on or before it."""
    if date > today:
        raise TrackerError(f"{date} is in the future; {what} a day once it has happened.")
    row = chosen_session(session, session_id, date)
    if date < row.date:
        raise TrackerError(
            f"{date} is before session {row.id} ({row.date}); a {what} belongs to a day on "
            "or after its session."
        )
    return row


def expectations_for(session: Session) -> Expectations:
    """The expected courses for this profile: shipped figures, its overrides, its skin."""
    skin = queries.profile_record(queries.current_profile(session))
    return Expectations(shipped_table(), queries.overrides(session), skin=skin)
