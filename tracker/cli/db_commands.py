"""`tracker db ...`: the database's schema."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.params import force_option, json_option
from tracker.domain.text import visible
from tracker.services import database_admin as service

MAX_PROBLEMS = 50  # a hostile file can differ in thousands of ways: the first ones say enough


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
    """The database: schema, backup, restore, check."""


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
    """Upgrade the schema (done by itself on first use).

    Brings the schema to this program's newest."""
    _report(service.upgrade(app.location), as_json)


@db.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@force_option
@pass_app
def backup(app: AppContext, file: Path, force: bool) -> None:
    """Copy the database to FILE, safely even while in use."""
    from tracker.services import backups

    backups.backup(app.location, file, force=force)
    click.echo(f"Backed up {app.location.describe()} to {visible(str(file))}")


@db.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def restore(app: AppContext, file: Path, yes: bool) -> None:
    """Put a backup back (the current database is kept as a copy).

    The current database is kept beside the backup as a dated copy, in case."""
    from tracker.services import backups

    if not yes:
        click.confirm(
            f"Replace {app.location.describe()} with {visible(str(file))}? The current database "
            "is kept as a dated copy beside it.",
            abort=True,
        )
    revision, kept = backups.restore(app.location, file, dt.datetime.now())
    if kept is not None:
        click.echo(f"Kept the previous database as {visible(str(kept))}")
    shown = visible(str(file))
    click.echo(f"Restored {shown} (schema {revision}) into {app.location.describe()}")


@db.command()
@click.option(
    "--repair",
    is_flag=True,
    help="Make the symptom summaries anew from the values when they differ (a hand edit).",
)
@pass_app
def check(app: AppContext, repair: bool) -> None:
    """Check integrity, links, schema, summaries; exit 1 if wrong.

    The schema is compared with a freshly made one: each missing or changed table, column
    or index, and any trigger or view the tracker did not make, is listed. Then each
    session's symptom summaries (latest value, the day it was gone, how many values: kept
    on every write, read by the pages and triage) are compared with the values; a database
    edited by hand can leave one that no longer says what the values do. --repair makes
    them all anew from the values in one transaction, when nothing else is wrong; the
    values themselves are never changed."""
    from tracker.domain.hints import Hint
    from tracker.services import backups

    result = backups.check(app.location)
    if repair and result.hint == Hint("db-check-repair"):
        differed = service.repair_summaries(app.location)
        click.echo(f"Repaired: {differed} symptom summaries made anew from their values.")
        result = backups.check(app.location)
    click.echo(f"Database: {app.location.describe()}")
    click.echo(f"Schema:   {result.revision or 'unknown'}")
    if not result.problems:
        click.echo(
            "Integrity: ok. Links between records: ok. Schema: as the tracker makes it. "
            "Symptom summaries: as the values say."
        )
        return
    for problem in result.problems[:MAX_PROBLEMS]:
        click.echo(f"Problem:  {problem}")
    if len(result.problems) > MAX_PROBLEMS:
        click.echo(f"Problem:  and {len(result.problems) - MAX_PROBLEMS} more")
    if result.hint is not None:
        from tracker.cli.hints import next_step

        click.echo(next_step(result.hint))
    click.get_current_context().exit(1)
