"""Backing up, restoring and checking an SQLite database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.text import visible
from tracker.domain.words import Words
from tracker.storage import schema, sqlite_files, summaries
from tracker.storage.database import (
    Database,
    Location,
    resolve,
    schema_problems,
    stored_revision,
)
from tracker.storage.private_files import (
    check_length,
    database_files,
    output_target,
    temporary_beside,
)
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

    The backup is copied beside the database and checked there (integrity, links, and its
    whole schema once brought to the newest revision): a file the migrations did not make
    as it is, with a trigger, a view or a changed table, is refused naming the difference,
    and nothing is written. Returns the restored schema revision and where the previous
    database was kept.
    """
    target = _sqlite_path(location, "Restore")
    check_length(source)
    if any(sqlite_files.same_file(source, kept) for kept in database_files(target)):
        raise TrackerError(f"{source} is the database in use; restore from a backup of it.")
    shown = visible(str(source))
    with sqlite_files.read_only(source) as connection:
        revision = sqlite_files.revision_of(connection, source)
        found = sqlite_files.problems(connection)
    if found:
        raise TrackerError(f"{shown} is damaged ({found[0]}); nothing was restored.")
    with temporary_beside(target) as (_, staged):
        sqlite_files.copy_database(source, staged, replace=True)
        _check_staged(resolve(str(staged)), shown)
        kept = None
        if target.exists() and target.stat().st_size > 0:
            kept = _kept_copy(target, now)
        else:
            Database(location).open().dispose()
        sqlite_files.restore_into(staged, target)
    Database(location).open().dispose()
    return revision, kept


def _check_staged(staged: Location, shown: str) -> None:
    """The copy of a backup: no trigger or view, then at the newest schema, then the same
    schema as a freshly migrated database."""
    found = schema_problems(staged, schema.foreign_objects)
    if not found:
        from tracker.storage import migrate

        migrate.upgrade(staged)
        found = schema_problems(staged, schema.check)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise TrackerError(
            f"{shown} differs from the tracker's own schema: {found[0]}{more}; "
            "nothing was restored."
        )


@dataclass(frozen=True)
class CheckResult:
    revision: str | None
    problems: list[str]
    hint: Hint | None = None  # what to do about them, when there is one thing to do


def check(location: Location) -> CheckResult:
    """Integrity and links (SQLite), the revision, and every difference of the schema from
    a freshly migrated database's."""
    if location.path is None:  # a server keeps its own integrity and links
        on_server = stored_revision(location)
        hint = Hint("db-upgrade") if on_server not in (None, HEAD) else None
        found = _schema_lines(location, on_server)
        if not found and on_server == HEAD:
            return _summaries(on_server, schema_problems(location, summaries.problem_lines))
        return CheckResult(on_server, found, hint)
    path = location.path
    with sqlite_files.read_only(path, in_use=True) as connection:
        found = sqlite_files.problems(connection)
        try:
            revision: str | None = sqlite_files.revision_of(connection, path)
        except TrackerError as exc:
            return CheckResult(None, [*found, exc.message])
        if not found:
            found = schema.on_sqlite(
                connection, schema.check if revision == HEAD else schema.foreign_objects
            )
        if not found and revision == HEAD:
            found = schema.on_sqlite(connection, schema.damaged_records)
        if not found and revision == HEAD:
            return _summaries(revision, schema.on_sqlite(connection, summaries.problem_lines))
    if revision != HEAD:
        found.append(Words.SCHEMA_OLDER.format(revision=revision, head=HEAD))
        return CheckResult(revision, found, Hint("db-upgrade"))
    return CheckResult(revision, found)


def _summaries(revision: str | None, found: list[str]) -> CheckResult:
    return CheckResult(revision, found, Hint("db-check-repair") if found else None)


def _schema_lines(location: Location, revision: str | None) -> list[str]:
    if revision is None:
        return ["no tracker schema yet"]
    found = schema_problems(location, schema.check if revision == HEAD else schema.foreign_objects)
    if revision != HEAD:
        found.append(Words.SCHEMA_OLDER.format(revision=revision, head=HEAD))
    return found
