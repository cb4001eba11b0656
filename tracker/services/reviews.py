"""A clinician's reviews of a patient's triage line, and the follow-up date they set.

The store is the patient's (``Database.for_profile``): every use case here works on one
patient's record, in the face's one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flags import Flag
from tracker.domain.limits import check_date
from tracker.domain.records import SessionRecord
from tracker.domain.triage import Review, TriageLine, check_review, covers_flags
from tracker.domain.triage_kept import line_on
from tracker.domain.words import Words
from tracker.services.triage import course_days
from tracker.storage.store import Store


def patient_line(store: Store, as_of: dt.date) -> TriageLine:
    """This patient's triage line, judged exactly as the clinic's list judges it (the same
    facts and the same engine: every open session's flags and the temperatures', without
    the personal comparison), so a review covers what the list shows and both count alike."""
    (found,) = store.triage_facts([store.profile_id], as_of)  # the store's own profile
    expectations = Expectations(shipped_table(), found.overrides, skin=found.skin)
    return line_on(found, expectations.for_pair, course_days(), as_of)


def add_review(
    store: Store,
    as_of: dt.date,
    action: str,
    note: str | None,
    reviewer_id: int | None,
    now: dt.datetime,
) -> Review:
    """Mark the patient's line "seen" or "contacted" with a short note: the review covers
    every concern open now, each at its level (a new or worse one lifts the patient again).
    Nothing earlier is changed: each review is a row of its own."""
    action, note = check_review(action, note)
    current = patient_line(store, as_of)
    at = now.astimezone(dt.UTC).replace(tzinfo=None) if now.tzinfo else now
    session_id = None if current.session is None else current.session.id
    new = Review(0, session_id, action, note, reviewer_id, at, current.concerns)
    return store.add_review(new)


def reviews(store: Store) -> list[Review]:
    """The patient's reviews, newest first."""
    return store.reviews()


def seen_by_clinic(store: Store, flags: Iterable[Flag]) -> tuple[Review, bool] | None:
    """What the patient's Status page says of their clinic's latest review: the review, and
    whether it covers every flag open now (False: a flag new or worse since)."""
    found = store.reviews()
    if not found:
        return None
    return found[0], covers_flags(found[0], flags)


def patient_emails(store: Store) -> dict[int, str]:
    """Every patient's profile id and e-mail address."""
    return store.patient_emails()


def disabled_patients(store: Store) -> set[int]:
    """The profile ids of the patients whose account is disabled (they cannot sign in)."""
    return store.disabled_patients()


def patient_named(store: Store, profile_id: int) -> tuple[str, str] | None:
    """The profile name and e-mail of the patient with this profile id (None: no patient)."""
    return store.patient_named(profile_id)


def profile_id_named(store: Store, name: str) -> int | None:
    return store.profile_id_named(name)


def set_follow_up(
    store: Store, as_of: dt.date, follow_up: dt.date | None, session_id: int | None = None
) -> SessionRecord:
    """Set (or clear, with None) the follow-up date of the patient's latest session on or
    before as_of (or of the session named). Not before the session's own date."""
    if session_id is not None:
        record = store.session(session_id)
    else:
        found = store.latest_session_on_or_before(as_of)
        if found is None:
            raise TrackerError.not_found(
                Words.NO_SESSION_BEFORE.format(date=as_of), field="session"
            )
        record = found
    if follow_up is not None:
        check_date(follow_up, "The follow-up")
        if follow_up < record.date:
            raise TrackerError(
                f"The follow-up ({follow_up}) cannot be before the session ({record.date}).",
                field="follow_up",
            )
    return store.update_session(dataclasses.replace(record, follow_up=follow_up))
