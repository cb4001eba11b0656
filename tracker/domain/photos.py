"""Photos of the skin by day: their records, their limits, and which ones a report shows.

The image bytes themselves are made by ``tracker.imaging`` (Pillow) and kept by storage;
here only plain data and rules, no image library.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from tracker.domain.errors import TrackerError

# What a photo may be when it is handed to the tracker (README "Photos").
MAX_PHOTO_BYTES = 30 * 1024 * 1024  # a 12 MP phone JPEG is 3-8 MB, a HEIC 2-4 MB
MAX_PHOTO_PIXELS = 50_000_000  # 50 megapixels: a phone's largest usual mode
# What is kept: the long side at most this, plus a small thumbnail.
STORED_LONG_SIDE = 2048
THUMBNAIL_LONG_SIDE = 320
STORED_TYPE = "image/jpeg"
# The report's photo page: at most this many, chosen evenly across the days.
REPORT_MAX_PHOTOS = 6


@dataclass(frozen=True)
class Prepared:
    """A photo as the intake re-encoded it: no metadata left, orientation applied."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int
    media_type: str = STORED_TYPE


@dataclass(frozen=True)
class PhotoRecord:
    """One stored photo, without its bytes (``size`` says how many)."""

    id: int
    session_id: int
    date: dt.date
    day: int
    media_type: str
    width: int
    height: int
    size: int
    note: str | None
    created_at: dt.datetime
    removed_at: dt.datetime | None = None

    @property
    def thumbnail_width(self) -> int:
        """About the stored thumbnail's width (at most THUMBNAIL_LONG_SIDE on a side)."""
        return round(self.width * min(1.0, THUMBNAIL_LONG_SIDE / max(self.width, self.height, 1)))

    @property
    def version(self) -> str:
        """What a thumbnail's address carries so that a browser may keep it: a stored photo
        never changes (removing only marks it), so its number, the second it was added and
        its byte count name one picture; a database restored from elsewhere whose photo has
        the same number gives another version, never this one's picture."""
        name = f"{self.id}:{self.created_at.isoformat()}:{self.size}:{self.width}x{self.height}"
        return hashlib.sha256(name.encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "session_id": self.session_id,
            "date": self.date.isoformat(),
            "day": self.day,
            "media_type": self.media_type,
            "width": self.width,
            "height": self.height,
            "bytes": self.size,
            "note": self.note,
            "created_at": self.created_at.isoformat(),
            "removed_at": self.removed_at.isoformat() if self.removed_at else None,
        }


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def evenly_chosen(records: list[PhotoRecord], limit: int = REPORT_MAX_PHOTOS) -> list[PhotoRecord]:
    """At most ``limit`` photos, one per day, spread evenly from the first day to the last
    (both always in); records come oldest first."""
    by_day: dict[tuple[int, dt.date], PhotoRecord] = {}
    for record in records:
        by_day.setdefault((record.session_id, record.date), record)
    days = list(by_day.values())
    if len(days) <= limit:
        return days
    if limit == 1:
        return [days[-1]]
    last = len(days) - 1
    picks = sorted({round(i * last / (limit - 1)) for i in range(limit)})
    return [days[i] for i in picks]


def shared_days(records: list[PhotoRecord]) -> list[int]:
    """The day numbers (days after a session) with a photo after two sessions or more,
    in order: the days a patient can compare across treatments."""
    sessions: dict[int, set[int]] = {}
    for record in records:
        sessions.setdefault(record.day, set()).add(record.session_id)
    return sorted(day for day, ids in sessions.items() if len(ids) > 1)


def same_day_across(records: list[PhotoRecord], day: int) -> list[PhotoRecord]:
    """The first photo of day ``day`` after each session that has one, in the order of the
    records (oldest session first)."""
    chosen: dict[int, PhotoRecord] = {}
    for record in records:
        if record.day == day:
            chosen.setdefault(record.session_id, record)
    return list(chosen.values())


def encode_bytes(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def decode_bytes(text: object, what: str) -> bytes:
    """Base64 text from an export, strictly read; refuses anything else in one line."""
    if not isinstance(text, str):
        raise TrackerError.malformed(f"{what} must be base64 text.")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise TrackerError.malformed(f"{what} is not valid base64.") from None


# --- exports and imports ----------------------------------------------------------------


@dataclass(frozen=True)
class StoredPhoto:
    """A photo with its image bytes, as the exports write it."""

    record: PhotoRecord
    data: bytes


@dataclass(frozen=True)
class ImportedPhoto:
    """A photo read from an export, checked as data (its bytes are checked by imaging)."""

    date: dt.date
    data: bytes
    note: str | None
    created_at: dt.datetime | None
    removed_at: dt.datetime | None


PHOTO_TYPES = {
    "date": "text",
    "media_type": "text",
    "data": "text",
    "note": "text or null",
    "created_at": "text or null",
    "removed_at": "text or null",
}


def photo_json(photo: StoredPhoto) -> dict[str, Any]:
    """A photo in the JSON export: its JPEG as base64 with its type and date (the thumbnail
    is made again on import)."""
    r = photo.record
    return {
        "date": r.date.isoformat(),
        "media_type": r.media_type,
        "width": r.width,
        "height": r.height,
        "note": r.note,
        "created_at": r.created_at.isoformat(),
        "removed_at": r.removed_at.isoformat() if r.removed_at else None,
        "data": encode_bytes(photo.data),
    }


def _moment(value: object, what: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise TrackerError.malformed(f"{what} {str(value)[:40]!r} is not a date and time") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def imported_photo(
    date: dt.date,
    session_date: dt.date,
    today: dt.date,
    *,
    media_type: object,
    data: bytes,
    note: str | None,
    created_at: object = None,
    removed_at: object = None,
) -> ImportedPhoto:
    """A photo from an export or a FHIR Media, its day and type checked."""
    if media_type != STORED_TYPE:
        raise TrackerError.malformed(
            f"media type {str(media_type)[:40]!r}: the tracker's exports hold {STORED_TYPE}"
        )
    if date > today:
        raise TrackerError(f"{date} is in the future")
    if date < session_date:
        raise TrackerError(f"{date} is before its session ({session_date})")
    return ImportedPhoto(
        date, data, note, _moment(created_at, "created_at"), _moment(removed_at, "removed_at")
    )


# --- the report's photo page --------------------------------------------------------------

# Pixels on the long side of a photo in the PDF: about 150 dpi in its 3.3 in cell, and what
# keeps six photos near 2 MB (the PDF embeds pixels, not the JPEG).
REPORT_PHOTO_SIDE = 480


@dataclass(frozen=True)
class ReportPhoto:
    """A photo as the report draws it: its day and note, and its RGB pixels."""

    date: dt.date
    day: int
    note: str | None
    width: int
    height: int
    rgb: bytes
