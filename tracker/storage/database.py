"""Where the data lives, how it is opened, and keeping its schema current."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import Session

from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.profiles import DEFAULT_PROFILE
from tracker.domain.text import visible
from tracker.domain.words import Words
from tracker.storage import failures, schema, sqlite_files
from tracker.storage.private_files import PRIVATE_FILE
from tracker.storage.revisions import HEAD, REVISIONS
from tracker.storage.sqlite_files import reading_uri
from tracker.storage.store import Store
from tracker.storage.urls import mask_text, mask_url, scrub

PRIVATE_DIR = 0o700


@dataclass(frozen=True)
class Location:
    """A database as the user named it: an SQLAlchemy URL and, for SQLite, its file."""

    url: URL
    path: Path | None
    is_default: bool = False

    def describe(self) -> str:
        if self.path is not None:
            return visible(str(self.path))
        return visible(mask_url(self.url))


def resolve(value: str | None, default: Path | None = None) -> Location:
    """Read the --db / TRACKER_DB value: a file path (SQLite) or an SQLAlchemy URL.

    With no value, the default file is used: the caller (the command line) knows where a
    user's app folder is.
    """
    if value is None or not value.strip():
        if default is None:
            raise TrackerError.malformed("No database was named.", hint=Hint("name-db"))
        path = default
        return Location(URL.create("sqlite", database=str(path)), path, is_default=True)
    if "://" in value:
        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            raise TrackerError.malformed(
                f"Cannot read the database URL {mask_text(value)!r}."
            ) from None
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                raise TrackerError.malformed(
                    "An in-memory SQLite database would forget everything; give a file path."
                )
            if url.query:
                # The tracker sets its own connection options (timeout, journal, read-only
                # opens); a "?" option would otherwise become part of the file's name.
                raise TrackerError.malformed(
                    f"SQLite URL options ({', '.join(sorted(url.query))}) are not supported; "
                    "give the file alone, for example sqlite:///tracker.db."
                )
            path = sqlite_files.database_file(url.database)
            return Location(url.set(database=str(path)), path)
        return Location(url, None)
    path = sqlite_files.database_file(value)
    return Location(URL.create("sqlite", database=str(path)), path)


def prepare_file(location: Location) -> None:
    """Create a missing SQLite file privately; only the default folder is created for you."""
    path = location.path
    if path is None:
        return
    folder = path.parent
    if not folder.exists():
        if not location.is_default:
            raise TrackerError(Words.FOLDER_MISSING.format(folder=folder))
        try:
            folder.mkdir(parents=True, mode=PRIVATE_DIR, exist_ok=True)
        except OSError as exc:
            raise TrackerError(
                f"Cannot create the folder {folder} for your database: {exc.strerror}.",
                hint=Hint("name-db"),
            ) from None
    if path.is_dir():
        raise TrackerError(f"{path} is a folder, not a database file.")
    if not path.exists():
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
        except FileExistsError:
            return  # another process made it first
        except OSError as exc:
            raise TrackerError(f"Cannot create {path}: {exc.strerror}.") from None
        os.close(fd)


READING = "tracker_reading"  # execution option of a read-only transaction


def _sqlite_events(engine: Engine, *, foreign_keys: bool, always_read: bool) -> None:
    # pysqlite's own transaction handling skips BEGIN before DDL and some writes;
    # taking over (SQLAlchemy's documented recipe) makes every write a real transaction.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        reading = always_read or connection.get_execution_options().get(READING, False)
        connection.exec_driver_sql("BEGIN DEFERRED" if reading else "BEGIN IMMEDIATE")


BUSY_TIMEOUT_SECONDS = 30
# The connections one engine keeps at most, whatever the number of profiles or requests:
# as many as the web server has threads (one each), none opened beyond them. A request
# that finds them all busy waits up to POOL_TIMEOUT_SECONDS for one.
POOL_SIZE = 8
POOL_TIMEOUT_SECONDS = 30
VERSION_QUERY = "SELECT version_num FROM alembic_version"


def make_engine(
    location: Location, *, for_migrations: bool = False, read_only: bool = False
) -> Engine:
    """An engine for the location; migrations get foreign keys off and a write lock."""
    url = location.url
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        # Another process holding the write lock makes us wait, not fail.
        connect_args["timeout"] = BUSY_TIMEOUT_SECONDS
        if read_only and location.path is not None:
            # immutable when no write-ahead log holds data: SQLite then needs no -shm file,
            # so a WAL database in a folder we cannot write can still be read.
            uri = reading_uri(location.path, shared=False)
            url = url.set(database=uri, query={"uri": "true"})
    try:
        engine = create_engine(
            url,
            connect_args=connect_args,
            pool_size=POOL_SIZE,
            max_overflow=0,
            pool_timeout=POOL_TIMEOUT_SECONDS,
        )
    except (ArgumentError, ValueError, TypeError) as exc:
        raise TrackerError.malformed(
            f"Cannot use the database URL {location.describe()}: {scrub(str(exc), url)}."
        ) from None
    except NoSuchModuleError:
        raise TrackerError.malformed(
            f"Unsupported database {location.describe()!r}: use a file path or a "
            "postgresql+psycopg:// URL."
        ) from None
    except ImportError as exc:
        raise TrackerError(f"The database driver is not installed: {exc}.") from None
    if engine.dialect.name == "sqlite":
        # With foreign keys on, the table rebuilds of SQLite batch migrations would
        # cascade-delete child rows. BEGIN IMMEDIATE takes the write lock up front, so a
        # writer waits its turn (busy timeout) instead of failing halfway with "locked".
        # Reading takes no lock up front (BEGIN DEFERRED): in WAL mode a reader sees the
        # last committed data and never waits for a writer, however long its import runs.
        _sqlite_events(engine, foreign_keys=not for_migrations, always_read=read_only)
    return engine


def reader(engine: Engine) -> Engine:
    """The same engine, for transactions that only read."""
    return engine.execution_options(**{READING: True})


def write_ahead_log(engine: Engine) -> None:
    """A database copied back by hand (a backup is in rollback-journal mode) goes back to
    write-ahead logging, so that readers never wait behind a writer again. Best effort:
    another program holding the file keeps it as it is until the next open."""
    raw = engine.raw_connection()  # outside any transaction, as SQLite requires
    try:
        cursor = raw.cursor()
        mode = cursor.execute("PRAGMA journal_mode").fetchone()
        if mode is not None and str(mode[0]).lower() != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
    except DBAPIError:
        pass
    except Exception as exc:  # sqlite3's own errors, beneath SQLAlchemy's
        if type(exc).__module__ != "sqlite3":
            raise
    finally:
        raw.close()


class SchemaDiffers(Exception):
    """The schema is not the one the migrations make; ``found`` says how."""

    def __init__(self, found: list[str]) -> None:
        super().__init__(found[0])
        self.found = found


def read_revision(
    engine: Engine, check: Callable[[Connection], list[str]] | None = None
) -> tuple[str | None, bool]:
    """The database's schema revision, and whether it holds any tables at all.

    ``check``: at the newest revision, also compare the schema in the same read
    (SchemaDiffers when it differs), so that opening stays one transaction.
    """
    try:
        # The common case in one statement; the inspector only when there is no version.
        with reader(engine).connect() as connection:
            found = [row[0] for row in connection.execute(text(VERSION_QUERY))]
            revision = (found[0] if len(found) == 1 else ",".join(found)) or None
            if check is not None and revision == HEAD:
                differences = check(connection)
                if differences:
                    raise SchemaDiffers(differences)
            return revision, True
    except (OperationalError, ProgrammingError) as exc:
        if "alembic_version" not in str(exc.orig):
            raise
    with reader(engine).connect() as connection:
        return None, bool(inspect(connection).get_table_names())


def stored_revision(location: Location) -> str | None:
    """The schema revision as it is, changing nothing: no file is made, no schema upgraded
    (a missing or empty file has none)."""
    if location.path is not None and not location.path.exists():
        return None
    engine = make_engine(location)
    try:
        revision, _ = read_revision(engine)
    except DBAPIError as exc:
        raise describe_db_error(location, exc) from None
    finally:
        engine.dispose()
    return revision


# Below this much free space, an I/O failure of SQLite is the disk being full: SQLite needs
# 32 KiB beside the database (its -shm index) to read it, and room in its -wal to write.
FULL_BELOW_BYTES = 64 * 1024


def disk_is_full(location: Location) -> bool:
    """Whether the disk holding an SQLite database has (nearly) no room left."""
    if location.path is None:
        return False
    try:
        found = os.statvfs(location.path.parent)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < FULL_BELOW_BYTES


def _out_of_room(location: Location, exc: DBAPIError) -> bool:
    """An SQLite failure caused by a full disk: SQLite says 'full', or an I/O error (the
    -shm it could not make) on a disk with no room."""
    detail = str(exc.orig).lower() if exc.orig else str(exc).lower()
    if "full" in detail:
        return True
    return ("disk i/o error" in detail or "unable to open" in detail) and disk_is_full(location)


def full_disk_error(location: Location) -> TrackerError:
    return failures.full_disk(location.describe())


def describe_db_error(location: Location, exc: DBAPIError) -> TrackerError:
    """A user's words for a database that cannot be read or written."""
    detail = str(exc.orig).strip() if exc.orig else str(exc)
    detail = scrub((detail.splitlines() or [""])[0], location.url)
    full = location.url.get_backend_name() == "sqlite" and _out_of_room(location, exc)
    return failures.described(location.describe(), detail, out_of_room=full)


def schema_refusal(where: str, found: list[str]) -> TrackerError:
    """One line naming the first difference from the tracker's own schema."""
    more = f" (and {len(found) - 1} more: tracker db check lists them)" if len(found) > 1 else ""
    return TrackerError(
        f"{where} differs from the tracker's own schema: {found[0]}{more}; it was left as it is."
    )


def schema_problems(
    location: Location, compare: Callable[[Connection], list[str]] = schema.check
) -> list[str]:
    """How the database's schema differs from the tracker's (``schema.check``), or only its
    triggers, views and rules (``schema.foreign_objects``), changing nothing."""
    engine = make_engine(location)
    try:
        with reader(engine).connect() as connection:
            return compare(connection)
    except DBAPIError as exc:
        raise describe_db_error(location, exc) from None
    finally:
        engine.dispose()


def exposure(location: Location) -> str | None:
    """A warning when other users of this computer can read the health data file."""
    return sqlite_files.exposure(location.path)


# Work done at the end of a unit of work that wrote to records, in its transaction, before
# it commits: given the store and the ids of the profiles whose records it wrote.
AfterWrites = Callable[[Store, set[int]], None]


class _Engine:
    """The one engine (and its pool) of a database, shared by every profile's ``Database``."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.read_only = False
        # Opened read-only because the disk was full (reads work, writes are refused in
        # words until there is room again).
        self.full_disk = False
        self.opening = threading.Lock()  # taken only while the engine is made, never to read
        self.after_writes: AfterWrites | None = None


class Database:
    """One database as one profile uses it. ``open()`` makes and upgrades it. ``writing()``
    and ``reading()`` open a unit of work: one transaction for this profile, whose ``Store``
    the face hands to every use case of its command or request.

    ``for_profile`` gives another profile's view of the same database: it shares the one
    engine and pool, so a process holds one engine per database however many profiles it
    serves, and nothing per profile stays open.
    """

    def __init__(
        self, location: Location, profile: str = DEFAULT_PROFILE, *, _shared: _Engine | None = None
    ) -> None:
        self.location = location
        self.profile = profile  # whose data every store reads and writes
        self._shared = _Engine() if _shared is None else _shared

    def for_profile(self, profile: str) -> Database:
        """The same database (engine, pool, connections) for another profile's use cases."""
        return Database(self.location, profile, _shared=self._shared)

    @property
    def read_only(self) -> bool:
        return self._shared.read_only

    def after_writes(self, work: AfterWrites) -> None:
        """Have ``work`` done at the end of every unit of work on this database (any
        profile's view of it) that wrote to records, in its transaction, before it commits
        (a clinic's server judges the written patients' triage lines: the writer pays)."""
        self._shared.after_writes = work

    def open(self) -> Database:
        """Create a missing SQLite file and bring the schema up to date; once is enough."""
        shared = self._shared
        if shared.engine is not None:
            return self
        with shared.opening:
            if shared.engine is None:
                prepare_file(self.location)
                path = self.location.path
                shared.read_only = path is not None and not sqlite_files.is_writable(path)
                engine = make_engine(self.location, read_only=shared.read_only)
                try:
                    self._ensure_schema(engine)
                except DBAPIError as exc:
                    engine.dispose()
                    if shared.read_only or not _out_of_room(self.location, exc):
                        raise describe_db_error(self.location, exc) from None
                    engine = self._open_on_a_full_disk()
                except TrackerError:
                    engine.dispose()
                    raise
                shared.engine = engine
        return self

    def _open_on_a_full_disk(self) -> Engine:
        """Reading a database whose disk is full. SQLite cannot make the -shm index it reads
        a write-ahead-logged database with; when its -wal holds nothing, every committed
        change is in the file itself and nothing can be committed without room, so it is
        read as unchanging ('immutable', no -shm). When the -wal holds changes, reading the
        file alone would show an older record: refused in words instead."""
        path = self.location.path
        assert path is not None
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise full_disk_error(self.location)
        engine = make_engine(self.location, read_only=True)
        self._shared.read_only = self._shared.full_disk = True
        try:
            self._ensure_schema(engine)
        except DBAPIError:
            engine.dispose()
            raise full_disk_error(self.location) from None
        except TrackerError:
            engine.dispose()
            raise
        return engine

    def _room_again(self) -> None:
        """Opened on a full disk: a write is refused in words while it is still full; once
        there is room, the database is opened again as usual (a server runs on)."""
        shared = self._shared
        if not shared.full_disk:
            return
        if disk_is_full(self.location):
            raise full_disk_error(self.location)
        with shared.opening:
            if shared.full_disk and shared.engine is not None:
                shared.engine.dispose()
                shared.engine = None
                shared.read_only = shared.full_disk = False
        self.open()

    def _ensure_schema(self, engine: Engine) -> None:
        try:
            revision, has_tables = read_revision(engine, schema.check)
        except SchemaDiffers as exc:
            raise schema_refusal(self.location.describe(), exc.found) from None
        if revision == HEAD:
            if engine.dialect.name == "sqlite" and not self._shared.read_only:
                write_ahead_log(engine)
            return
        if revision is None and has_tables:
            raise TrackerError(
                f"{self.location.describe()} is not a tracker database (it holds other tables); "
                "it was left as it is."
            )
        if revision is not None and revision not in REVISIONS:
            raise TrackerError(
                f"{self.location.describe()} was made by a newer version of the tracker "
                f"(schema {revision}); upgrade the program. The database was left as it is."
            )
        if self._shared.full_disk:
            raise full_disk_error(self.location)
        if self._shared.read_only:
            raise TrackerError(
                f"{self.location.describe()} is read-only and its schema needs an upgrade; "
                "make it writable first. It was left as it is."
            )
        if revision is not None:
            # No migration makes a trigger, view or rule: one would act during the upgrade.
            self._refuse_foreign_schema(engine, schema.foreign_objects)
        from tracker.storage import migrate  # Alembic only when the schema must change

        migrate.upgrade(self.location)
        self._refuse_foreign_schema(engine, schema.check)

    def _refuse_foreign_schema(
        self, engine: Engine, compare: Callable[[Connection], list[str]]
    ) -> None:
        """Refuse a database whose schema is not the one the migrations make."""
        with reader(engine).connect() as connection:
            found = compare(connection)
        if found:
            raise schema_refusal(self.location.describe(), found)

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """One transaction, committed on success and rolled back as a whole on any error.

        It takes the write lock from the start (SQLite): use ``reading`` to only read.
        """
        self.open()._room_again()
        with self._store(self._opened()) as store:
            yield store

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """A transaction that only reads: it never waits for a writer (SQLite WAL)."""
        with self._store(reader(self._opened())) as store:
            yield store

    def _opened(self) -> Engine:
        engine = self.open()._shared.engine
        assert engine is not None
        return engine

    @contextmanager
    def _store(self, engine: Engine) -> Iterator[Store]:
        try:
            with Session(engine, expire_on_commit=False) as tx, tx.begin():
                store = Store(tx, self.profile)
                yield store
                if store.discarded:
                    tx.rollback()
                else:
                    store.settle()  # the symptom courses of what it wrote, then commit
                    self._after_writes(store)
        except DBAPIError as exc:
            raise describe_db_error(self.location, exc) from None

    def _after_writes(self, store: Store) -> None:
        work = self._shared.after_writes
        if work is None:
            return
        written = store.written_profiles()
        if written:
            work(store, written)

    def dispose(self) -> None:
        """Close the engine's connections (every profile's view shares them)."""
        shared = self._shared
        with shared.opening:
            if shared.engine is not None:
                shared.engine.dispose()
                shared.engine = None
