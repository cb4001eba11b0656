"""Schema upgrades and revision reports."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.storage.database import Database, Location, stored_revision
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
    return SchemaState(location, stored_revision(location), HEAD)


def upgrade(location: Location) -> SchemaState:
    """Bring the schema to the newest revision (what every command does on first use)."""
    db = Database(location)
    try:
        db.open()  # checks the file and brings its schema up to date
    finally:
        db.dispose()
    return current(location)


def damaged_records(location: Location) -> list[str]:
    """The records holding a value their column cannot hold ("damaged record 7 in entries:
    its date is '9999-99-99', not a date"), for a command or page that failed on one.
    Empty when there are none, or when the database cannot even be read for them."""
    from tracker.storage import schema
    from tracker.storage.database import schema_problems

    try:
        return schema_problems(location, schema.damaged_records)
    except Exception:  # asked after a failure: it must not fail in turn
        return []


def repair_summaries(location: Location) -> int:
    """Make every symptom course anew from the values, in one transaction (a database
    edited by hand: a check names the courses that differ). The values are the
    record and are not changed. Returns how many courses differed."""
    db = Database(location)
    try:
        with db.writing() as store:
            differed = store.refill_courses_all_profiles()
            # The clinic's kept triage lines were judged from what the hand edit changed
            # behind the store's back (no write was counted): judge each anew when asked.
            store.forget_triage_lines()
            return differed
    finally:
        db.dispose()
