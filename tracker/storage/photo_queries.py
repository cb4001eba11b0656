"""The SQL behind the store's photos: records without their bytes, bytes only when asked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain.errors import TrackerError
from tracker.domain.photos import PhotoRecord, Prepared, StoredPhoto
from tracker.storage.models import Photo, PhotoImage, TreatmentSession

# Every column but the bytes, with the image's length and the session's date; the session
# named by its number within the profile.
RECORD_COLUMNS = (
    Photo.id,
    TreatmentSession.number,
    Photo.date,
    Photo.media_type,
    Photo.width,
    Photo.height,
    func.length(PhotoImage.image),
    Photo.note,
    Photo.created_at,
    Photo.removed_at,
    TreatmentSession.date,
)


def _record(row: Any) -> PhotoRecord:
    (photo_id, session_id, date, media_type, width, height, size, note, created, removed) = row[:10]
    day = (date - row[10]).days
    return PhotoRecord(
        photo_id, session_id, date, day, media_type, width, height, size, note, created, removed
    )


def _of_profile(profile_id: int) -> Any:
    return (
        select(*RECORD_COLUMNS)
        .join(TreatmentSession, Photo.session_id == TreatmentSession.id)
        .join(PhotoImage, PhotoImage.photo_id == Photo.id)
        .where(TreatmentSession.profile_id == profile_id)
    )


def photo_records(
    tx: Session,
    profile_id: int,
    session_ids: Sequence[int] | None = None,
    *,
    with_removed: bool = False,
) -> list[PhotoRecord]:
    """A profile's photos (of the sessions named), by session date, day, then id."""
    query = _of_profile(profile_id)
    if session_ids is not None:
        query = query.where(TreatmentSession.number.in_(session_ids))
    if not with_removed:
        query = query.where(Photo.removed_at.is_(None))
    query = query.order_by(TreatmentSession.date, Photo.session_id, Photo.date, Photo.id)
    return [_record(row) for row in tx.execute(query)]


def photo_dates(
    tx: Session, profile_id: int, session_ids: Sequence[int]
) -> dict[int, list[dt.date]]:
    """Each named session's (by number) days with a shown photo (no bytes, no length read)."""
    if not session_ids:
        return {}
    query = (
        select(TreatmentSession.number, Photo.date)
        .distinct()
        .join(TreatmentSession, Photo.session_id == TreatmentSession.id)
        .where(
            TreatmentSession.profile_id == profile_id,
            TreatmentSession.number.in_(session_ids),
            Photo.removed_at.is_(None),
        )
        .order_by(TreatmentSession.number, Photo.date)
    )
    found: dict[int, list[dt.date]] = {}
    for session_id, date in tx.execute(query):
        found.setdefault(session_id, []).append(date)
    return found


def stored_photos(
    tx: Session, profile_id: int, session_ids: Sequence[int], *, with_removed: bool
) -> list[StoredPhoto]:
    """Photos with their image bytes (for the exports), in the order of ``photo_records``."""
    query = (
        select(*RECORD_COLUMNS, PhotoImage.image)
        .join(TreatmentSession, Photo.session_id == TreatmentSession.id)
        .join(PhotoImage, PhotoImage.photo_id == Photo.id)
        .where(TreatmentSession.profile_id == profile_id, TreatmentSession.number.in_(session_ids))
        .order_by(TreatmentSession.date, Photo.session_id, Photo.date, Photo.id)
    )
    if not with_removed:
        query = query.where(Photo.removed_at.is_(None))
    return [StoredPhoto(_record(row), bytes(row[11])) for row in tx.execute(query)]


def photo_record(tx: Session, profile_id: int, photo_id: int) -> PhotoRecord:
    """One of this profile's photos, removed ones too; refuses any other id."""
    row = tx.execute(_of_profile(profile_id).where(Photo.id == photo_id)).first()
    if row is None:
        raise TrackerError.not_found(
            f"There is no photo {photo_id} (the list of photos shows their numbers).",
            field="photo",
        )
    return _record(row)


def photo_with_bytes(
    tx: Session, profile_id: int, photo_id: int, *, thumbnail: bool
) -> tuple[PhotoRecord, bytes]:
    """One of this profile's photos with its image (or thumbnail) bytes, in one read."""
    column = PhotoImage.thumbnail if thumbnail else PhotoImage.image
    query = _of_profile(profile_id).add_columns(column).where(Photo.id == photo_id)
    row = tx.execute(query).first()
    if row is None:
        raise TrackerError.not_found(
            f"There is no photo {photo_id} (the list of photos shows their numbers).",
            field="photo",
        )
    return _record(row), bytes(row[11] or b"")


def add_photo(
    tx: Session,
    session_id: int,
    date: dt.date,
    prepared: Prepared,
    note: str | None,
    created_at: dt.datetime,
    removed_at: dt.datetime | None = None,
) -> int:
    row = Photo(
        session_id=session_id,
        date=date,
        media_type=prepared.media_type,
        width=prepared.width,
        height=prepared.height,
        note=note,
        created_at=created_at,
        removed_at=removed_at,
    )
    tx.add(row)
    tx.flush()
    tx.add(PhotoImage(photo_id=row.id, image=prepared.image, thumbnail=prepared.thumbnail))
    tx.flush()
    return row.id


def mark_removed(tx: Session, photo_id: int, when: dt.datetime) -> None:
    row = tx.get(Photo, photo_id)
    assert row is not None  # the caller has found it as this profile's
    row.removed_at = when
    tx.flush()


def same_photo(tx: Session, session_id: int, date: dt.date, image: bytes) -> int | None:
    """A photo (shown or removed) with these very bytes on this day of this session."""
    query = (
        select(Photo.id)
        .join(PhotoImage, PhotoImage.photo_id == Photo.id)
        .where(
            Photo.session_id == session_id,
            Photo.date == date,
            func.length(PhotoImage.image) == len(image),
            PhotoImage.image == image,
        )
    )
    return tx.scalars(query.limit(1)).first()
