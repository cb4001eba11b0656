"""Backing up, restoring and checking an SQLite database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.words import Words
from tracker.storage import sqlite_files
from tracker.storage.database import Database, Location
from tracker.storage.private_files import check_length, database_files, output_target
from tracker.storage.revisions import HEAD


def _sqlite_path(location: Location, what: str) -> Path:
    if location.path is None:
        raise TrackerError(
            f"{what} works on SQLite files; for a database server use its own tools "
            "(for PostgreSQL: pg_dump and pg_restore)."
        )
    return location.path


def backup(location: Location, named: Path, *, force: bool = False) -> None:
    source = _sqlite_path(location, "Backup")
    target = output_target(named, force=force, protected=database_files(source))
    if target.kind != "file":
        raise TrackerError(f"A backup is a file: {target.shown} is not one.")
    Database(location).open().dispose()  # makes sure there is a database, at the newest schema
    sqlite_files.copy_database(source, target.path, source_in_use=True, replace=True)


def _kept_copy(target: Path, now: dt.datetime) -> Path:
    """Keep the current database under a dated name no other restore can take."""
    stamp = f"{now:%Y%m%d-%H%M%S}"
    for attempt in range(1, 1000):
        suffix = "" if attempt == 1 else f"-{attempt}"
        kept = target.with_name(f"{target.name}.before-restore-{stamp}{suffix}")
        try:
            sqlite_files.copy_database(target, kept, source_in_use=True)
        except FileExistsError:
            continue
        return kept
    raise TrackerError(f"Too many restores of {target} at {stamp}; try again in a second.")


def restore(location: Location, source: Path, now: dt.datetime) -> tuple[str, Path | None]:
    """Check the source, keep the current database as a timestamped copy, then swap.

    Returns the restored schema revision and where the previous database was kept.
    """
    target = _sqlite_path(location, "Restore")
    check_length(source)
    if any(sqlite_files.same_file(source, kept) for kept in database_files(target)):
        raise TrackerError(f"{source} is the database in use; restore from a backup of it.")
    with sqlite_files.read_only(source) as connection:
        revision = sqlite_files.revision_of(connection, source)
        found = sqlite_files.problems(connection)
    if found:
        raise TrackerError(f"{source} is damaged ({found[0]}); nothing was restored.")
    kept = None
    if target.exists() and target.stat().st_size > 0:
        kept = _kept_copy(target, now)
    else:
        Database(location).open().dispose()
    sqlite_files.restore_into(source, target)
    Database(location).open().dispose()  # an older backup is brought to the newest schema
    return revision, kept


@dataclass(frozen=True)
class CheckResult:
    revision: str | None
    problems: list[str]
    hint: Hint | None = None  # what to do about them, when there is one thing to do


def check(location: Location) -> CheckResult:
    path = _sqlite_path(location, "The check")
    with sqlite_files.read_only(path, in_use=True) as connection:
        found = sqlite_files.problems(connection)
        try:
            revision: str | None = sqlite_files.revision_of(connection, path)
        except TrackerError as exc:
            return CheckResult(None, [*found, exc.message])
    if revision != HEAD:
        found.append(Words.SCHEMA_OLDER.format(revision=revision, head=HEAD))
        return CheckResult(revision, found, Hint("db-upgrade"))
    return CheckResult(revision, found)
