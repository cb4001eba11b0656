"""Alembic environment for every caller: the program and test tools hand over an Engine
or a Connection in ``config.attributes["connection"]``; `alembic` from the checkout names
the database with ``-x db=...`` or TRACKER_DB. Opening it is storage's job."""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from tracker.storage.migrate import engine_for_migrations
from tracker.storage.models import Base

config = context.config
given = config.attributes.get("connection")
named = context.get_x_argument(as_dictionary=True).get("db") or os.environ.get("TRACKER_DB")
if config.config_file_name is not None and given is None:  # `alembic` from the checkout
    fileConfig(config.config_file_name, disable_existing_loggers=False)
options = {"target_metadata": Base.metadata, "render_as_batch": True}  # SQLite copies tables


def run(**connect: object) -> None:
    context.configure(**connect, **options, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # `alembic upgrade --sql`: print the SQL, touch nothing
    run(url=engine_for_migrations(named, create=False).url, literal_binds=True)
elif isinstance(given, Connection):
    run(connection=given)
else:
    engine = given if given is not None else engine_for_migrations(named)
    try:
        with engine.begin() as connection:
            run(connection=connection)
    finally:
        if given is None:
            engine.dispose()
