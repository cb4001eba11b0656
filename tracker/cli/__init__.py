"""The `tracker` command: parse, call a service, render. Nothing else lives here."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from tracker import __version__
from tracker.cli.context import AppContext
from tracker.cli.params import DATE
from tracker.domain.errors import MALFORMED, REFUSED, TrackerError


class MalformedInput(click.ClickException):
    exit_code = MALFORMED


class Refused(click.ClickException):
    exit_code = REFUSED


# Each command's module, and the one-line help shown by `tracker --help`. Modules are
# imported only when their command runs, so `--help` needs neither SQLAlchemy nor
# matplotlib, and `log` never loads the drawing code.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("serve_command:serve", "Open the tracker as a web page, on this computer only."),
    "session": ("session_commands:session", "Add, list, show, edit and delete treatment sessions."),
    "log": ("log_commands:log", "Log how strong each symptom is today, from 0 to 10."),
    "checkin": ("recovery_commands:checkin", "Answer symptom by symptom; then see the status."),
    "status": ("recovery_commands:status", "Today: each symptom against its expected course."),
    "flags": ("recovery_commands:flags", "Symptoms lasting too long, coming back, or urgent."),
    "history": ("log_commands:history", "Every logged value, by session."),
    "care": ("care_commands:care", "Record ice packs, moisturiser, creams, sunscreen..."),
    "chart": ("chart_commands:chart", "Draw the recovery (PNG, SVG or PDF)."),
    "report": ("chart_commands:report", "A PDF to hand to the doctor at the follow-up."),
    "remind": ("remind_command:remind", "Daily reminders to log, in your own calendar (.ics)."),
    "protocol": ("recovery_commands:protocol", "Expected recovery per treatment; your settings."),
    "symptoms": ("catalog_commands:symptoms", "The symptoms you can log, and their other names."),
    "kinds": ("catalog_commands:kinds", "The treatment kinds a session can be."),
    "profile": ("profile_commands:profile", "Several people: a family, or a clinic's patients."),
    "export": ("transfer_commands:export", "Export to CSV, JSON or FHIR."),
    "import": ("transfer_commands:import_", "Import an export, or another tracker's data."),
    "db": ("db_commands:db", "The database: schema, backup, restore, check."),
    "demo": ("demo_command:demo", "Build a sample recovery to explore (never your data)."),
}


class TrackerGroup(click.Group):
    """Loads commands on demand; turns TrackerError and usage errors into one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name][0].split(":")
        module = importlib.import_module(f"tracker.cli.{module_name}")
        command: click.Command = getattr(module, attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, short) for name, (_, short) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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


def main() -> None:
    cli(prog_name="tracker")
