"""A day's log without SQLAlchemy where the database allows it (``tracker.storage.quick``).

The face hands over its unit of work; on a plain SQLite file it runs first through sqlite3
alone. When that path is not sure to do what the usual one does (or the work refuses,
or anything fails), it has written nothing, and the face runs the same work the usual way:
what the command says, its exit code and what the database holds are the usual path's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tracker.domain.errors import TrackerError
from tracker.services.common import DayStore
from tracker.storage.quick import Locked, quick_writing
from tracker.storage.sqlite_files import database_file, exposure

__all__ = ["done_quickly", "exposure", "quick_file"]

T = TypeVar("T")


def quick_file(db_value: str | None, default: Path) -> Path | None:
    """The SQLite file the --db / TRACKER_DB value names (``default`` when none), or None
    for a URL (the usual path: an SQLAlchemy URL, PostgreSQL or sqlite://) or a name the
    usual path refuses in its own words."""
    if db_value is None or not db_value.strip():
        return default
    if "://" in db_value:
        return None
    try:
        return database_file(db_value)
    except TrackerError:
        return None


def done_quickly(path: Path, profile: str, work: Callable[[DayStore], T]) -> tuple[T] | None:
    """``work`` done in one transaction on the SQLite file, committed: its result; None when
    this path did not do it (nothing written). A database another program keeps locked
    past the busy timeout is refused here, in the usual path's words, rather than waited
    for twice."""
    try:
        with quick_writing(path, profile) as store:
            return (work(store),)
    except Locked as exc:
        raise exc.error from None
    except Exception:  # Unsure, a refusal, any failure: rolled back; the usual path says it
        return None
