"""Whole-file operations on SQLite databases: online backup, restore, integrity checks."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from tracker.domain.errors import TrackerError
from tracker.storage.private_files import PRIVATE_FILE
from tracker.storage.revisions import REVISIONS


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    if not path.is_file():
        raise TrackerError(f"{path} does not exist.")
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise TrackerError(f"Cannot open {path}: {exc}.") from None
    try:
        yield connection
    finally:
        connection.close()


def revision_of(connection: sqlite3.Connection, path: Path) -> str:
    """The tracker schema revision of a database, refusing anything that is not one."""
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            raise TrackerError(f"{path} is not a tracker database.")
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as exc:
        raise TrackerError(f"{path} is not a tracker database (or it is damaged): {exc}.") from None
    revision = rows[0][0] if len(rows) == 1 else None
    if revision not in REVISIONS:
        raise TrackerError(
            f"{path} has schema {revision}, which this version of the tracker does not know."
        )
    return str(revision)


def problems(connection: sqlite3.Connection) -> list[str]:
    """What SQLite's integrity and foreign-key checks report; empty when sound."""
    found: list[str] = []
    try:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            found.extend(f"integrity: {line}" for line in integrity[:20])
        for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check"):
            found.append(f"foreign key: {table} row {rowid} points to a missing {parent} row")
    except sqlite3.DatabaseError as exc:
        found.append(f"cannot be read: {exc}")
    return found


def copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while another process writes.

    The copy is written to a private temporary file beside the target, then moved
    into place, so a failure never leaves a half-written backup.
    """
    if not target.parent.is_dir():
        raise TrackerError(f"The folder {target.parent} does not exist; create it first.")
    temporary = target.parent / f".{target.name}.{os.getpid()}.partial"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.close(fd)
    try:
        with read_only(source) as src:
            destination = sqlite3.connect(temporary)
            try:
                src.backup(destination)
            finally:
                destination.close()
        os.replace(temporary, target)
    except sqlite3.Error as exc:
        raise TrackerError(f"Backup of {source} failed: {exc}.") from None
    finally:
        temporary.unlink(missing_ok=True)


def restore_into(source: Path, target: Path) -> None:
    """Replace the target database's content with the source's, in one SQLite step."""
    with read_only(source) as src:
        destination = sqlite3.connect(target, timeout=30)
        try:
            src.backup(destination)
        except sqlite3.Error as exc:
            raise TrackerError(f"Restore into {target} failed: {exc}.") from None
        finally:
            destination.close()
