"""Naming and opening a database: what the faces (command line, web page) hold on to.

The faces name a database by what the user typed (a file or a URL), open it once, and
open one unit of work on it per command or web request: ``Database.reading()`` or
``Database.writing()``, one transaction for one profile. The ``Store`` it yields is what the
use cases take, so a page that needs several of them reads them in one transaction; the
faces never see a query.
"""

from __future__ import annotations

from pathlib import Path

from tracker.storage.database import AfterWrites, Database, Location, exposure, resolve
from tracker.storage.store import Store

__all__ = ["AfterWrites", "Database", "Location", "Store", "exposure", "locate", "open_database"]


def locate(value: str | None, default: Path | None = None) -> Location:
    """The database the --db / TRACKER_DB value names (a file path or a URL)."""
    return resolve(value, default)


def open_database(location: Location, profile: str) -> Database:
    """The database for one profile's use cases; it is made and upgraded on first use."""
    return Database(location, profile)
