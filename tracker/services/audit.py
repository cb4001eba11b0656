"""The audit log of a hosted clinic: added to by the web face for every view and change of
a patient's record, listed per patient for a clinician or an admin, and for the patient
(who looked at my record). Nothing here changes or removes an event."""

from __future__ import annotations

from tracker.domain.accounts import clean_email
from tracker.domain.audit import AuditEvent
from tracker.domain.errors import TrackerError
from tracker.storage.store import Store


def record(store: Store, event: AuditEvent) -> None:
    """Add one event (the face opens a unit of work of its own for it, after the request's:
    a request that failed or was refused still leaves its event)."""
    store.add_audit_event(event)


def listed(
    store: Store,
    profile_id: int | None = None,
    *,
    limit: int | None = None,
    not_by: int | None = None,
) -> list[AuditEvent]:
    """The log, oldest first: every patient's, or one patient's (by profile id), without
    the events of the account ``not_by`` when given; with each actor's e-mail and each
    patient's (their profile's name when no account has it)."""
    return store.audit_events_all_profiles(profile_id, limit=limit, not_by=not_by)


def of_patient(store: Store, email: str) -> list[AuditEvent]:
    """The events about the record of the patient with this e-mail address."""
    found = store.accounts().by_email(clean_email(email))
    if found is None or found.profile is None:
        raise TrackerError.not_found(
            f"No patient has the e-mail address {email!r}.", field="patient"
        )
    profile_id = store.profile_id_named(found.profile)
    return [] if profile_id is None else listed(store, profile_id)
