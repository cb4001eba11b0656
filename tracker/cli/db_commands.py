"""`tracker db ...`: the database's schema."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext
from tracker.cli.params import json_option
from tracker.services import database_admin as service

pass_app = click.make_pass_decorator(AppContext)


def _report(state: service.SchemaState, as_json: bool) -> None:
    if as_json:
        from tracker.cli.render import echo_json

        echo_json(
            {
                "database": state.location.describe(),
                "revision": state.revision,
                "head": state.head,
                "current": state.is_current,
            }
        )
        return
    if state.revision is None:
        status = "no schema yet (it is set up the first time you use the tracker)"
    elif state.is_current:
        status = f"{state.revision} (the newest)"
    else:
        status = f"{state.revision} (this program's newest is {state.head}: run tracker db upgrade)"
    click.echo(f"Database: {state.location.describe()}")
    click.echo(f"Schema:   {status}")


@click.group()
def db() -> None:
    """Look after the database: its schema revision and upgrades."""


@db.command()
@json_option
@pass_app
def current(app: AppContext, as_json: bool) -> None:
    """Show the database's schema revision, changing nothing."""
    _report(service.current(app.location), as_json)


@db.command()
@json_option
@pass_app
def upgrade(app: AppContext, as_json: bool) -> None:
    """Upgrade the schema to this program's newest (done by itself on first use)."""
    _report(service.upgrade(app.location), as_json)
