"""A clinician's reviews of a patient's triage line, and the follow-up date they set.

The store is the patient's (``Database.for_profile``): every use case here works on one
patient's record, in the face's one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from tracker.domain.errors import TrackerError
from tracker.domain.flags import Flag, evaluate
from tracker.domain.limits import check_date
from tracker.domain.records import SessionRecord
from tracker.domain.triage import Review, TriageLine, check_review, covers_flags, line
from tracker.domain.words import Words
from tracker.services.common import expectations_for
from tracker.services.triage import course_days
from tracker.storage.store import Store


def patient_line(store: Store, as_of: dt.date) -> TriageLine:
    """This patient's triage line, as the clinic's list shows it (judged the same way:
    every session that can still hold an active flag, without the personal comparison)."""
    records = store.sessions(up_to=as_of)
    latest = records[-1] if records else None
    open_ids = store.open_session_ids(as_of)
    wanted = sorted(open_ids | ({latest.id} if latest else set()))
    entries = store.entries_for_sessions(wanted) if wanted else {}
    expectations = expectations_for(store)
    flags = [
        flag
        for record in records
        if record.id in open_ids
        for flag in evaluate(record, entries.get(record.id, ()), expectations.for_pair, as_of)
        if flag.active
    ]
    logged = [e.date for e in entries.get(latest.id, ()) if e.date <= as_of] if latest else []
    reviews = store.reviews()
    return line(
        (store.profile_name, store.profile_id),
        latest,
        flags,
        max(logged, default=None),
        0 if latest is None else course_days()(latest.kind),
        as_of,
        reviews[0] if reviews else None,
    )


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
