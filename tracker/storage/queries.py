"""Queries over the models, returning ORM rows or plain records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.care import CareRecord
from tracker.errors import TrackerError
from tracker.expectations import Override
from tracker.records import EntryRecord, SessionRecord
from tracker.storage.models import CareEntry, ProtocolOverride, SymptomEntry, TreatmentSession


def session_record(row: TreatmentSession) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        date=row.date,
        kind=row.kind,
        area=row.area,
        clinic=row.clinic,
        notes=row.notes,
        follow_up=row.follow_up,
    )


def entry_record(row: SymptomEntry, session_date: dt.date) -> EntryRecord:
    return EntryRecord(
        session_id=row.session_id,
        date=row.date,
        day=(row.date - session_date).days,
        symptom=row.symptom,
        severity=row.severity,
        note=row.note,
    )


def get_session(db: Session, session_id: int) -> TreatmentSession:
    row = db.get(TreatmentSession, session_id)
    if row is None:
        raise TrackerError(
            f"There is no session {session_id}. Run `tracker session list` to see yours."
        )
    return row


def all_sessions(db: Session) -> Sequence[TreatmentSession]:
    return db.scalars(
        select(TreatmentSession).order_by(TreatmentSession.date, TreatmentSession.id)
    ).all()


def latest_session_on_or_before(db: Session, date: dt.date) -> TreatmentSession | None:
    query = (
        select(TreatmentSession)
        .where(TreatmentSession.date <= date)
        .order_by(TreatmentSession.date.desc(), TreatmentSession.id.desc())
        .limit(1)
    )
    return db.scalars(query).first()


def count_entries(db: Session, session_id: int) -> int:
    query = (
        select(func.count()).select_from(SymptomEntry).where(SymptomEntry.session_id == session_id)
    )
    return db.scalar(query) or 0


def entry_dates_range(db: Session, session_id: int) -> tuple[dt.date | None, dt.date | None]:
    query = select(func.min(SymptomEntry.date), func.max(SymptomEntry.date)).where(
        SymptomEntry.session_id == session_id
    )
    first, last = db.execute(query).one()
    return first, last


def find_entry(db: Session, session_id: int, symptom: str, date: dt.date) -> SymptomEntry | None:
    query = select(SymptomEntry).where(
        SymptomEntry.session_id == session_id,
        SymptomEntry.symptom == symptom,
        SymptomEntry.date == date,
    )
    return db.scalars(query).first()


def entries_with_sessions(
    db: Session, *, session_id: int | None = None, symptom: str | None = None
) -> list[tuple[TreatmentSession, SymptomEntry]]:
    query = select(TreatmentSession, SymptomEntry).join(SymptomEntry.session)
    if session_id is not None:
        query = query.where(SymptomEntry.session_id == session_id)
    if symptom is not None:
        query = query.where(SymptomEntry.symptom == symptom)
    query = query.order_by(
        TreatmentSession.date, TreatmentSession.id, SymptomEntry.date, SymptomEntry.symptom
    )
    return [(session, entry) for session, entry in db.execute(query)]


def entry_counts(db: Session) -> dict[int, int]:
    query = select(SymptomEntry.session_id, func.count()).group_by(SymptomEntry.session_id)
    return {session_id: count for session_id, count in db.execute(query)}


def entries_for_sessions(db: Session, session_ids: Sequence[int]) -> dict[int, list[EntryRecord]]:
    """The entries of several sessions in one query, keyed by session id."""
    query = (
        select(SymptomEntry, TreatmentSession.date)
        .join(SymptomEntry.session)
        .where(SymptomEntry.session_id.in_(session_ids))
        .order_by(SymptomEntry.session_id, SymptomEntry.date, SymptomEntry.symptom)
    )
    grouped: dict[int, list[EntryRecord]] = {session_id: [] for session_id in session_ids}
    for entry, session_date in db.execute(query):
        grouped[entry.session_id].append(entry_record(entry, session_date))
    return grouped


def overrides(db: Session, kind: str | None = None) -> list[Override]:
    query = select(ProtocolOverride)
    if kind is not None:
        query = query.where(ProtocolOverride.kind == kind)
    return [
        Override(row.kind, row.symptom, row.max_days, row.typical_days) for row in db.scalars(query)
    ]


def find_override(db: Session, kind: str, symptom: str) -> ProtocolOverride | None:
    query = select(ProtocolOverride).where(
        ProtocolOverride.kind == kind, ProtocolOverride.symptom == symptom
    )
    return db.scalars(query).first()


def delete_overrides(db: Session, kind: str | None, symptom: str | None) -> int:
    query = select(ProtocolOverride)
    if kind is not None:
        query = query.where(ProtocolOverride.kind == kind)
    if symptom is not None:
        query = query.where(ProtocolOverride.symptom == symptom)
    rows = db.scalars(query).all()
    for row in rows:
        db.delete(row)
    return len(rows)


def care_record(row: CareEntry, session_date: dt.date) -> CareRecord:
    return CareRecord(
        id=row.id,
        session_id=row.session_id,
        date=row.date,
        day=(row.date - session_date).days,
        action=row.action,
        note=row.note,
    )


def care_records(db: Session, session_ids: Sequence[int] | None = None) -> list[CareRecord]:
    query = select(CareEntry, TreatmentSession.date).join(
        TreatmentSession, CareEntry.session_id == TreatmentSession.id
    )
    if session_ids is not None:
        query = query.where(CareEntry.session_id.in_(session_ids))
    query = query.order_by(CareEntry.date, CareEntry.id)
    return [care_record(row, session_date) for row, session_date in db.execute(query)]
