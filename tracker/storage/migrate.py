"""Alembic driven from the program. Imported only by the code paths that migrate."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

import tracker
from tracker.storage.database import (
    Location,
    describe_db_error,
    make_engine,
    prepare_file,
    resolve,
)

LOCK_KEY = 0x7261636B  # any fixed number, shared by every copy of the program


def migrations_dir() -> Path:
    """The migrations shipped in the wheel, or the checkout's own folder."""
    package = Path(tracker.__file__).resolve().parent
    installed = package / "_migrations"
    if (installed / "env.py").is_file():
        return installed
    return package.parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def engine_for_migrations(value: str | None, *, create: bool = True) -> Engine:
    """The database `alembic` names from the checkout (``-x db=...`` or TRACKER_DB)."""
    location = resolve(value)
    if create:
        prepare_file(location)
    return make_engine(location, for_migrations=True)


def _run(location: Location, action: str, revision: str) -> None:
    prepare_file(location)
    engine = make_engine(location, for_migrations=True)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Two programs opening a new database at once: the second waits, then
                # finds the schema made. (SQLite gets the same from BEGIN IMMEDIATE.)
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            config = alembic_config()
            config.attributes["connection"] = connection
            if action == "upgrade":
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)
        if engine.dialect.name == "sqlite":
            # Write-ahead logging lets readers and a writer work at once; it is a
            # property of the file, set once here, never on a file we refuse.
            raw = engine.raw_connection()  # outside any transaction, as SQLite requires
            try:
                raw.cursor().execute("PRAGMA journal_mode=WAL")
            finally:
                raw.close()
    except DBAPIError as exc:
        raise describe_db_error(location, exc) from None
    finally:
        engine.dispose()


def upgrade(location: Location, revision: str = "head") -> None:
    _run(location, "upgrade", revision)


def downgrade(location: Location, revision: str) -> None:
    _run(location, "downgrade", revision)


def current(location: Location) -> str | None:
    engine = make_engine(location)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def migrated_schema(location: Location) -> dict[str, str]:
    """The schema the migrations make, read from an empty database brought to head."""
    from tracker.storage.schema import describe

    upgrade(location)
    engine = make_engine(location)
    try:
        with engine.connect() as connection:
            return describe(connection)
    finally:
        engine.dispose()
