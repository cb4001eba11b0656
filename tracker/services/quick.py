"""A day's log and a clinic's triage without SQLAlchemy where the database allows it
(``tracker.storage.quick``, ``tracker.storage.quick_read``).

The face hands over its unit of work; on a plain SQLite file (and, for the triage read, a
PostgreSQL URL) it runs first through the bare driver alone. When that path is not sure to
do what the usual one does (or the work refuses, or anything fails), it has written
nothing, and the face runs the same work the usual way: what the command says, its exit
code and what the database holds are the usual path's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tracker.domain.errors import TrackerError
from tracker.services.common import DayStore
from tracker.storage.quick import Locked, quick_writing
from tracker.storage.quick_read import POSTGRES_PREFIX, TriageReader, quick_reading
from tracker.storage.sqlite_files import database_file, exposure

__all__ = ["done_quickly", "exposure", "quick_file", "quick_source", "read_quickly"]

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


def quick_source(db_value: str | None, default: Path) -> Path | str | None:
    """What a read through the bare driver may open: the SQLite file (as ``quick_file``),
    or a ``postgresql+psycopg://`` URL as typed; None for anything else."""
    if db_value is not None and db_value.startswith(POSTGRES_PREFIX):
        return db_value
    return quick_file(db_value, default)


def read_quickly(source: Path | str, work: Callable[[TriageReader], T]) -> tuple[T] | None:
    """``work`` done in one reading transaction through the bare driver: its result; None
    when this path did not do it (the usual path reads instead, and says any problem)."""
    try:
        with quick_reading(source) as reader:
            return (work(reader),)
    except Exception:  # Unsure, a refusal, any failure: the usual path reads and says it
        return None
