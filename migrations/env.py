"""Alembic environment, shared by `alembic` run from the checkout and by the program.

When a caller hands over a connection in ``config.attributes["connection"]`` (the
program, or a migration checker) it is used as is; otherwise the database comes
from ``-x db=...``, then TRACKER_DB, then the program's default location.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from tracker.storage.database import resolve
from tracker.storage.models import Base

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    location = resolve(context.get_x_argument(as_dictionary=True).get("db"))
    context.configure(
        url=location.url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    from tracker.storage.database import make_engine, prepare_file

    value = context.get_x_argument(as_dictionary=True).get("db") or os.environ.get("TRACKER_DB")
    location = resolve(value)
    prepare_file(location)
    engine = make_engine(location, for_migrations=True)
    try:
        with engine.begin() as connection:
            run_with(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
