"""The SQL behind a clinic's reviews and audit log. Both are only ever added to: nothing
here updates or deletes a row (and a trigger refuses it for the audit log)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, aliased

from tracker.domain.audit import AuditEvent
from tracker.domain.triage import Concern, Review
from tracker.storage.models import Account, AuditRow, FlagReview, Profile


def _review(row: FlagReview) -> Review:
    covers = tuple(Concern.from_json(item) for item in json.loads(row.covers))
    return Review(
        row.id,
        row.session_id,
        row.action,
        row.note,
        row.reviewer_id,
        row.reviewed_at,
        covers,
    )


review_record = _review  # a stored review as its record (the kept triage lines read it)


def add_review(tx: Session, profile_id: int, review: Review) -> Review:
    row = FlagReview(
        profile_id=profile_id,
        session_id=review.session_id,
        action=review.action,
        note=review.note,
        reviewer_id=review.reviewer_id,
        reviewed_at=review.at,
        covers=json.dumps([c.to_json() for c in review.covers], sort_keys=True),
    )
    tx.add(row)
    tx.flush()
    return _review(row)


def reviews(tx: Session, profile_id: int) -> list[Review]:
    """A profile's reviews, newest first."""
    query = select(FlagReview).where(FlagReview.profile_id == profile_id)
    return [_review(row) for row in tx.scalars(query.order_by(FlagReview.id.desc()))]


def latest_reviews(tx: Session) -> dict[int, Review]:
    """Every profile's latest review, by profile id, in one query."""
    latest = select(func.max(FlagReview.id).label("id")).group_by(FlagReview.profile_id).subquery()
    query = select(FlagReview).join(latest, latest.c.id == FlagReview.id)
    return {row.profile_id: _review(row) for row in tx.scalars(query)}


def add_audit_event(tx: Session, event: AuditEvent) -> None:
    tx.execute(
        insert(AuditRow),
        [
            {
                "at": event.at,
                "actor_id": event.actor_id,
                "actor_role": event.actor_role,
                "profile_id": event.profile_id,
                "what": event.what,
                "address": event.address,
                "outcome": event.outcome,
            }
        ],
    )


def _event(row: Any) -> AuditEvent:
    audit, profile, actor, patient = row
    return AuditEvent(
        audit.at,
        audit.actor_id,
        audit.actor_role,
        audit.profile_id,
        audit.what,
        audit.address,
        audit.outcome,
        id=audit.id,
        actor=actor,
        patient=patient or profile,
    )


def audit_events(
    tx: Session,
    profile_id: int | None = None,
    *,
    limit: int | None = None,
    not_by: int | None = None,
) -> list[AuditEvent]:
    """The audit log (of one profile), oldest first; ``limit``: only the latest so many;
    ``not_by``: without this account's own events. Each event names its actor's e-mail and
    its patient's (their profile's name when no account has it), while they exist: the log
    itself names only ids."""
    actor = aliased(Account)
    patient = aliased(Account)
    query = (
        select(AuditRow, Profile.name, actor.email, patient.email)
        .outerjoin(Profile, Profile.id == AuditRow.profile_id)
        .outerjoin(actor, actor.id == AuditRow.actor_id)
        .outerjoin(patient, patient.profile_id == AuditRow.profile_id)
    )
    if profile_id is not None:
        query = query.where(AuditRow.profile_id == profile_id)
    if not_by is not None:
        query = query.where(AuditRow.actor_id.is_distinct_from(not_by))
    if limit is not None:
        newest = query.order_by(AuditRow.id.desc()).limit(limit)
        return [_event(row) for row in reversed(list(tx.execute(newest)))]
    return [_event(row) for row in tx.execute(query.order_by(AuditRow.id))]


# A clinic's patients: profiles that a patient's account holds -----------------------------


def patient_emails(tx: Session) -> dict[int, str]:
    """Every patient's profile id and e-mail address, in one query."""
    query = select(Account.profile_id, Account.email).where(
        Account.role == "patient", Account.profile_id.is_not(None)
    )
    return {pid: email for pid, email in tx.execute(query) if pid is not None}


def disabled_patients(tx: Session) -> set[int]:
    """The profile ids of the patients whose account is disabled."""
    query = select(Account.profile_id).where(
        Account.role == "patient", Account.profile_id.is_not(None), Account.disabled_at.is_not(None)
    )
    return {pid for (pid,) in tx.execute(query) if pid is not None}


def patient_named(tx: Session, profile_id: int) -> tuple[str, str] | None:
    """The profile name and e-mail of the patient holding this profile id; None when no
    patient's account holds it."""
    query = (
        select(Profile.name, Account.email)
        .join(Account, Account.profile_id == Profile.id)
        .where(Profile.id == profile_id, Account.role == "patient")
    )
    found = tx.execute(query).first()
    return None if found is None else (found[0], found[1])


def profile_id_named(tx: Session, name: str) -> int | None:
    found: int | None = tx.scalar(select(Profile.id).where(Profile.name == name))
    return found
