"""Photos of the skin by day: adding (through the imaging intake), listing, showing and
removing them. Removing keeps the record: the photo is marked, never deleted."""

from __future__ import annotations

import datetime as dt
from typing import IO

from tracker.domain.errors import TrackerError
from tracker.domain.limits import check_date
from tracker.domain.photos import MAX_PHOTO_BYTES, PhotoRecord, Prepared, describe_size
from tracker.domain.records import clean_text
from tracker.services.common import session_for_day
from tracker.storage.private_files import Target, private_output
from tracker.storage.store import Store


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


def check_photo_day(
    store: Store, *, date: dt.date, today: dt.date, session_id: int | None = None
) -> None:
    """Refuse a wrong day or session before the photo is decoded: the face checks in a
    reading unit of work, decodes (prepare_photo) holding no lock, then adds in a writing
    one."""
    check_date(date)
    session_for_day(store, date=date, today=today, session_id=session_id, what="photo")


def prepare_photo(data: bytes) -> Prepared:
    """Re-encode a photo clean (or refuse it), outside any transaction."""
    from tracker.imaging.intake import prepare  # Pillow loads only for photos

    return prepare(data)


def add_photo(
    store: Store,
    prepared: Prepared,
    *,
    date: dt.date,
    today: dt.date,
    session_id: int | None = None,
    note: str | None = None,
) -> PhotoRecord:
    """Store a prepared photo on a day of a session."""
    check_date(date)
    note = clean_text(note)
    record = session_for_day(store, date=date, today=today, session_id=session_id, what="photo")
    return store.add_photo(record, date, prepared, note, utc_now())


def list_photos(
    store: Store, session_id: int | None = None, *, with_removed: bool = False
) -> list[PhotoRecord]:
    if session_id is not None:
        store.session(session_id)  # refuses another profile's session
    return store.photos(None if session_id is None else [session_id], with_removed=with_removed)


def photo_image(
    store: Store, photo_id: int, *, thumbnail: bool = False
) -> tuple[PhotoRecord, bytes]:
    """One of this profile's shown photos with its bytes (or its thumbnail's)."""
    record, data = store.photo_with_bytes(photo_id, thumbnail=thumbnail)
    if record.removed_at is not None:
        raise TrackerError.not_found(
            f"Photo {photo_id} was removed on {record.removed_at:%Y-%m-%d}.", field="photo"
        )
    return record, data


def save_photo(store: Store, photo_id: int, target: Target) -> PhotoRecord:
    """Write a photo's JPEG to a checked target: a private file (0600), written beside it
    and moved into place."""
    record, data = photo_image(store, photo_id)
    with private_output(target) as handle:
        handle.write(data)
    return record


def remove_photo(store: Store, photo_id: int) -> PhotoRecord:
    """Mark a photo removed: no longer shown, reported or sent as FHIR; its record stays
    (and the JSON export carries it, marked)."""
    record = store.photo(photo_id)
    if record.removed_at is not None:
        raise TrackerError.conflict(
            f"Photo {photo_id} was already removed on {record.removed_at:%Y-%m-%d}; "
            "nothing was changed.",
            field="photo",
        )
    return store.remove_photo(photo_id, utc_now())


def photo_count(store: Store, session_id: int) -> int:
    """How many photos (removed ones too) a session holds: deleting the session deletes
    them with it, so the faces say so first."""
    store.session(session_id)
    return len(store.photos([session_id], with_removed=True))
