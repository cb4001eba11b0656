"""Whole-file operations on SQLite databases: where the file is, whether we may write it and
who else may read it, online backup, restore, integrity checks. No SQLAlchemy here: a
day's log (tracker.storage.quick) opens the file with these alone."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from tracker.domain.errors import TrackerError
from tracker.domain.text import visible
from tracker.domain.words import Words
from tracker.storage.private_files import check_length, sync_folder, temporary_beside
from tracker.storage.revisions import REVISIONS

BUSY_TIMEOUT_SECONDS = 30


def database_file(value: str) -> Path:
    """The file a --db / TRACKER_DB value names (not a URL), as an absolute path."""
    try:
        path = Path(value).expanduser().absolute()
    except RuntimeError:  # "~someone" with no such user
        raise TrackerError.malformed(
            f"Cannot find the home folder in {visible(value)!r}; give the full path."
        ) from None
    check_length(path)
    return path


def is_writable(path: Path) -> bool:
    """Whether this user may change the file (and the journal beside it)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def exposure(path: Path | None) -> str | None:
    """A warning when other users of this computer can read the health data file."""
    if path is None or not path.exists():
        return None
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        path = Path(visible(str(path)))
        return (
            f"Warning: {path} can be read by other users of this computer (mode {mode:o}); "
            f"`chmod 600 {path}` keeps it private."
        )
    return None


def _wal_beside(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def reading_uri(path: Path, *, shared: bool) -> str:
    """How to open a file only to read it, leaving nothing beside it.

    A file nobody writes to (a backup; a database without a write-ahead log beside it
    in a folder we cannot write) is opened ``immutable``: SQLite then creates no -wal or
    -shm. One that may be in use, or whose log still holds data, is opened ``mode=ro``.
    ``shared``: another program may be writing to it right now (the database in use).
    """
    uri = path.absolute().as_uri()
    if shared or _wal_beside(path):
        return f"{uri}?mode=ro"
    return f"{uri}?immutable=1"


@contextlib.contextmanager
def read_only(path: Path, *, in_use: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection that only reads the file and leaves nothing beside it.

    ``in_use``: the database the tracker works on, which other terminals may be writing.
    Where we may write beside it, it is opened normally (read-only by ``query_only``) so
    that SQLite removes its -wal and -shm files when the last connection closes.
    """
    shown = visible(str(path))
    if not path.is_file():
        raise TrackerError(f"{shown} does not exist.")
    try:
        if in_use and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
            connection.execute("PRAGMA query_only = ON")
        else:
            # Nobody with our rights can write it: immutable unless a log beside it holds data.
            connection = sqlite3.connect(reading_uri(path, shared=False), uri=True)
    except sqlite3.Error as exc:
        raise TrackerError(f"Cannot open {shown}: {exc}.") from None
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
        raise TrackerError(Words.DAMAGED_DATABASE.format(path=path, detail=exc)) from None
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


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def place_new(temporary: Path, target: Path) -> None:
    """Move a finished file to a name that must not exist yet (never replacing one)."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (some network and FAT file systems): check, then rename.
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(temporary, target)
        return
    temporary.unlink()


def copy_database(
    source: Path, target: Path, *, source_in_use: bool = False, replace: bool = False
) -> None:
    """SQLite's online backup: a consistent copy even while another process writes.

    The copy is written to a private temporary file beside the target, switched to
    rollback-journal mode (a backup leaves no -wal or -shm wherever it is read), synced,
    then moved into place: a failure or a kill never leaves a half-written backup.
    ``replace``: an existing target is replaced; otherwise it is never overwritten
    (FileExistsError).
    """
    if not target.parent.is_dir():
        raise TrackerError(Words.FOLDER_MISSING.format(folder=visible(str(target.parent))))
    with (
        temporary_beside(target) as (fd, temporary),
        read_only(source, in_use=source_in_use) as src,
    ):
        try:
            destination = sqlite3.connect(temporary)
            try:
                src.backup(destination)
                destination.execute("PRAGMA journal_mode = DELETE")
            finally:
                destination.close()
            os.fsync(fd)
        except sqlite3.Error as exc:
            raise TrackerError(f"Backup of {visible(str(source))} failed: {exc}.") from None
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise TrackerError(
                    f"The disk is full: the backup {visible(str(target))} was not written."
                ) from None
            words = Words.CANNOT_WRITE.format(path=visible(str(target)), reason=exc.strerror)
            raise TrackerError(words) from None
        if replace:
            os.replace(temporary, target)
        else:
            place_new(temporary, target)
    sync_folder(target.parent)


def restore_into(source: Path, target: Path) -> None:
    """Replace the target database's content with the source's, in one SQLite step."""
    with read_only(source) as src:
        destination = sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            src.backup(destination)
        except sqlite3.Error as exc:
            raise TrackerError(f"Restore into {visible(str(target))} failed: {exc}.") from None
        finally:
            destination.close()
