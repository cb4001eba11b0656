"""The `tracker` command: parse, call a service, render. Nothing else lives here."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import Any

import click

from tracker import __version__
from tracker.cli.context import AppContext
from tracker.cli.params import DATE
from tracker.errors import MALFORMED, REFUSED, TrackerError


class MalformedInput(click.ClickException):
    exit_code = MALFORMED


class Refused(click.ClickException):
    exit_code = REFUSED


class TrackerGroup(click.Group):
    """Turns the core's TrackerError, and click's own usage errors, into one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            error = MalformedInput if exc.exit_code == MALFORMED else Refused
            raise error(exc.message) from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = ""
            if exc.ctx is not None:
                hint = f" See '{exc.ctx.command_path} -h'."
            click.echo(f"Error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted: nothing was changed.", err=True)
            sys.exit(1)
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result


@click.group(
    cls=TrackerGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    "db_value",
    envvar="TRACKER_DB",
    metavar="PATH|URL",
    help="Database file (SQLite) or SQLAlchemy URL. Default: tracker.db in your app folder. "
    "Env: TRACKER_DB.",
)
@click.option(
    "--profile",
    envvar="TRACKER_PROFILE",
    default="default",
    show_default=True,
    metavar="NAME",
    help="Whose data to use (see `tracker profile list`). Env: TRACKER_PROFILE.",
)
@click.option(
    "--today",
    type=DATE,
    envvar="TRACKER_TODAY",
    hidden=True,
    help="Pretend today is this date (for tests and demonstrations).",
)
@click.version_option(__version__, "--version", prog_name="tracker")
@click.pass_context
def cli(ctx: click.Context, db_value: str | None, profile: str, today: dt.date | None) -> None:
    """Log how side effects fade after a skin treatment, day by day.

    Record a session (laser, IPL, peel, microneedling...), then each day log how
    strong each symptom is from 0 (none) to 10 (worst). The tracker gives
    information, never a diagnosis: ask your skin specialist about anything that
    worries you.
    """
    app = AppContext(db_value=db_value, today=today or dt.date.today(), profile=profile)
    ctx.obj = app
    ctx.call_on_close(app.close)


def _register() -> None:
    from tracker.cli import (
        care_commands,
        catalog_commands,
        chart_commands,
        db_commands,
        demo_command,
        log_commands,
        profile_commands,
        recovery_commands,
        session_commands,
        transfer_commands,
    )

    cli.add_command(profile_commands.profile)
    cli.add_command(session_commands.session)
    cli.add_command(log_commands.log)
    cli.add_command(log_commands.history)
    cli.add_command(catalog_commands.symptoms)
    cli.add_command(catalog_commands.kinds)
    cli.add_command(recovery_commands.status)
    cli.add_command(recovery_commands.checkin)
    cli.add_command(recovery_commands.flags)
    cli.add_command(recovery_commands.protocol)
    cli.add_command(care_commands.care)
    cli.add_command(chart_commands.chart)
    cli.add_command(chart_commands.report)
    cli.add_command(transfer_commands.export)
    cli.add_command(transfer_commands.import_)
    cli.add_command(db_commands.db)
    cli.add_command(demo_command.demo)


_register()


def main() -> None:
    cli(prog_name="tracker")
