"""Schema upgrades and revision reports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from tracker.storage.database import (
    Database,
    Location,
    describe_db_error,
    make_engine,
    read_revision,
)
from tracker.storage.revisions import HEAD


@dataclass(frozen=True)
class SchemaState:
    location: Location
    revision: str | None
    head: str

    @property
    def is_current(self) -> bool:
        return self.revision == self.head


def current(location: Location) -> SchemaState:
    """The revision as it is, changing nothing (an empty or missing file has none)."""
    if location.path is not None and not location.path.exists():
        return SchemaState(location, None, HEAD)
    engine = make_engine(location)
    try:
        revision, _ = read_revision(engine)
    except DBAPIError as exc:
        raise describe_db_error(location, exc) from None
    finally:
        engine.dispose()
    return SchemaState(location, revision, HEAD)


def upgrade(location: Location) -> SchemaState:
    """Bring the schema to the newest revision (what every command does on first use)."""
    db = Database(location)
    try:
        db.open()  # checks the file and brings its schema up to date
    finally:
        db.dispose()
    return current(location)
