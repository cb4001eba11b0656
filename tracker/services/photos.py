"""Photos of the skin by day: adding (through the imaging intake), listing, showing and
removing them. Removing keeps the record: the photo is marked, never deleted."""

from __future__ import annotations

import datetime as dt
from typing import IO

from tracker.domain.errors import TrackerError
from tracker.domain.limits import check_date
from tracker.domain.photos import MAX_PHOTO_BYTES, PhotoRecord, describe_size
from tracker.domain.records import clean_text
from tracker.services.common import session_for_day
from tracker.storage.database import Database
from tracker.storage.private_files import Target, private_output


def utc_now() -> dt.datetime:
    """The time a photo was added or removed: UTC, stored without a zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def read_upload(stream: IO[bytes]) -> bytes:
    """A photo's bytes from a file or an upload, read no further than the limit allows."""
    try:
        data = stream.read(MAX_PHOTO_BYTES + 1)
    except OSError as exc:
        raise TrackerError(f"Cannot read the photo: {exc.strerror or exc}.") from None
    if len(data) > MAX_PHOTO_BYTES:
        raise TrackerError.malformed(
            f"This photo was not saved: it is more than the {describe_size(MAX_PHOTO_BYTES)} "
            "a photo may be."
        )
    return data


def add_photo(
    db: Database,
    data: bytes,
    *,
    date: dt.date,
    today: dt.date,
    session_id: int | None = None,
    note: str | None = None,
) -> PhotoRecord:
    """Re-encode a photo clean (or refuse it) and store it on a day of a session."""
    from tracker.imaging.intake import prepare  # Pillow loads only for photos

    check_date(date)
    note = clean_text(note)
    with db.reading() as store:  # a wrong day or session is said before decoding
        session_for_day(store, date=date, today=today, session_id=session_id, what="photo")
    prepared = prepare(data)
    with db.writing() as store:
        record = session_for_day(store, date=date, today=today, session_id=session_id, what="photo")
        return store.add_photo(record, date, prepared, note, utc_now())


def list_photos(
    db: Database, session_id: int | None = None, *, with_removed: bool = False
) -> list[PhotoRecord]:
    with db.reading() as store:
        if session_id is not None:
            store.session(session_id)  # refuses another profile's session
        return store.photos(None if session_id is None else [session_id], with_removed=with_removed)


def photo_image(
    db: Database, photo_id: int, *, thumbnail: bool = False
) -> tuple[PhotoRecord, bytes]:
    """One of this profile's shown photos with its bytes (or its thumbnail's)."""
    with db.reading() as store:
        record = store.photo(photo_id)
        if record.removed_at is not None:
            raise TrackerError.not_found(
                f"Photo {photo_id} was removed on {record.removed_at:%Y-%m-%d}.", field="photo"
            )
        return record, store.photo_bytes(photo_id, thumbnail=thumbnail)


def save_photo(db: Database, photo_id: int, target: Target) -> PhotoRecord:
    """Write a photo's JPEG to a checked target: a private file (0600), written beside it
    and moved into place."""
    record, data = photo_image(db, photo_id)
    with private_output(target) as handle:
        handle.write(data)
    return record


def remove_photo(db: Database, photo_id: int) -> PhotoRecord:
    """Mark a photo removed: no longer shown, reported or sent as FHIR; its record stays
    (and the JSON export carries it, marked)."""
    with db.writing() as store:
        record = store.photo(photo_id)
        if record.removed_at is not None:
            raise TrackerError.conflict(
                f"Photo {photo_id} was already removed on {record.removed_at:%Y-%m-%d}; "
                "nothing was changed.",
                field="photo",
            )
        return store.remove_photo(photo_id, utc_now())


def photo_count(db: Database, session_id: int) -> int:
    """How many photos (removed ones too) a session holds: deleting the session deletes
    them with it, so the faces say so first."""
    with db.reading() as store:
        store.session(session_id)
        return len(store.photos([session_id], with_removed=True))
