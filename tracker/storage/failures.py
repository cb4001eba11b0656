"""A user's words for a database that cannot be read or written, from the driver's own
message: one place for both ways in (SQLAlchemy's ``describe_db_error`` and the sqlite3 of a
day's log, ``tracker.storage.quick``)."""

from __future__ import annotations

from tracker.domain.errors import NO_ROOM, TrackerError
from tracker.domain.words import Words


def full_disk(where: str) -> TrackerError:
    return TrackerError(Words.DISK_FULL.format(path=where), kind=NO_ROOM)


def described(where: str, detail: str, *, out_of_room: bool = False) -> TrackerError:
    """``detail``: the driver's message (its first line, any secret already masked);
    ``out_of_room``: the failure was the disk being full."""
    lowered = detail.lower()
    if out_of_room:
        return full_disk(where)
    if "not a database" in lowered or "malformed" in lowered:
        return TrackerError(Words.DAMAGED_DATABASE.format(path=where, detail=detail))
    if "readonly" in lowered or "read-only" in lowered:
        return TrackerError(f"{where} is read-only, so nothing was saved; reading it still works.")
    if "locked" in lowered:
        return TrackerError(f"{where} is busy in another program; try again in a moment.")
    return TrackerError(f"Cannot use the database {where}: {detail}.")
