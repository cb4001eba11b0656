"""The `tracker` command: parse, call a service, render. Nothing else lives here."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from tracker import __version__
from tracker.cli.context import AppContext
from tracker.cli.hints import EXIT_CODES, said
from tracker.cli.params import DATE
from tracker.domain.errors import MALFORMED, REFUSED, TrackerError

# An exception nothing expected: a defect of ours, never something the user did. Its own code
# (sysexits.h's EX_SOFTWARE), so that neither a script nor a test takes it for a refusal.
DEFECT = 70

# Each command's module, and the one-line help shown by `tracker --help`. Modules are
# imported only when their command runs, so `--help` needs neither SQLAlchemy nor
# matplotlib, and `log` never loads the drawing code.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("serve_command:serve", "Open the tracker as a web page, on this computer only."),
    "session": ("session_commands:session", "Add, list, show, edit and delete treatment sessions."),
    "log": ("log_commands:log", "Log how strong each symptom is today, from 0 to 10."),
    "checkin": ("recovery_commands:checkin", "Answer symptom by symptom, then see today's status."),
    "status": (
        "recovery_commands:status",
        "Today: each symptom against its expected course, and the flags.",
    ),
    "flags": ("recovery_commands:flags", "Symptoms lasting too long, coming back, or urgent."),
    "history": ("log_commands:history", "Every logged value, by session."),
    "undo": (
        "log_commands:undo",
        "Take back the latest change to a value; again for the one before.",
    ),
    "care": ("care_commands:care", "Record ice packs, moisturiser, creams, sunscreen..."),
    "photo": ("photo_commands:photo", "Photos of your skin by day: add, list, show, remove."),
    "chart": ("chart_commands:chart", "Draw the recovery as a picture (PNG, SVG or PDF)."),
    "report": ("chart_commands:report", "A PDF to hand to the doctor at the follow-up."),
    "remind": ("remind_command:remind", "Daily reminders to log, in your own calendar (.ics)."),
    "protocol": (
        "recovery_commands:protocol",
        "Expected recovery per treatment kind; your own settings.",
    ),
    "symptoms": ("catalog_commands:symptoms", "The symptoms you can log, and their other names."),
    "kinds": ("catalog_commands:kinds", "The treatment kinds a session can be."),
    "profile": ("profile_commands:profile", "Several people: a family, or a clinic's patients."),
    "export": ("exchange_commands:export", "Export to CSV, JSON or FHIR."),
    "import": ("exchange_commands:import_", "Import an export, or another tracker's data."),
    "db": ("db_commands:db", "The database: schema, backup, restore, check."),
    "demo": ("demo_command:demo", "Build a sample recovery to explore (never your data)."),
    "clinic": ("clinic_commands:clinic", "A clinic hosts the tracker: accounts, hosted app."),
}


class _Said(Exception):
    """A TrackerError as the command line says it, with its exit code."""

    def __init__(self, text: str, exit_code: int) -> None:
        super().__init__(text)
        self.text = text
        self.exit_code = exit_code


class TrackerGroup(click.Group):
    """Loads commands on demand; turns TrackerError and usage errors into one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name][0].split(":")
        module = importlib.import_module(f"tracker.cli.{module_name}")
        # What is loaded now lives until the process ends: out of the collector's sight,
        # each collection has less to walk (benchmarks/README.md: gc.freeze).
        gc.freeze()
        command: click.Command = getattr(module, attribute)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and name not in COMMANDS and not name.startswith("-"):
            from tracker.domain.suggestions import closest, did_you_mean

            # Command names are short: "lgo" is 0.67 from "log".
            hint = did_you_mean(closest(name, {c: c for c in COMMANDS}, cutoff=0.6))
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, short) for name, (_, short) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            # Said while the command's context is current: its hints name its profile.
            raise _Said(said(exc), EXIT_CODES[exc.kind]) from None
        except (ValueError, TypeError, OverflowError) as exc:
            # A value the database should never hold (a hand edit, another program): say
            # which record, rather than "an unexpected problem".
            damaged = _damaged(ctx)
            if not damaged:
                raise
            raise _Said(
                f"{damaged[0]}{f' (and {len(damaged) - 1} more)' if len(damaged) > 1 else ''}; "
                "nothing was changed. `tracker db check` lists each; fix or remove it.",
                EXIT_CODES[REFUSED],
            ) from exc

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        arguments = list(sys.argv[1:] if args is None else args)
        undecodable = _undecodable(arguments)
        if undecodable:
            _error(undecodable)
            sys.exit(EXIT_CODES[MALFORMED])
        with _terminate_as_exit():
            try:
                result = super().main(
                    arguments, prog_name, complete_var, standalone_mode=False, **extra
                )
            except click.UsageError as exc:
                hint = ""
                if exc.ctx is not None:
                    hint = f" See '{exc.ctx.command_path} -h'."
                _error(f"{exc.format_message()}{hint}")
                sys.exit(exc.exit_code)
            except click.ClickException as exc:
                _error(exc.format_message())
                sys.exit(exc.exit_code)
            except _Said as exc:
                # The exit code is the command line's, from the kind of problem.
                _error(exc.text)
                sys.exit(exc.exit_code)
            except TrackerError as exc:
                _error(said(exc))
                sys.exit(EXIT_CODES[exc.kind])
            except click.Abort:
                click.echo("Aborted: nothing was changed.", err=True)
                sys.exit(1)
            except Exception as exc:
                # The last resort: a defect of ours, said in one line. Every write is one
                # transaction and every file is written aside first, so nothing changed.
                if "--debug" in arguments or os.environ.get("TRACKER_DEBUG"):
                    raise
                _error(
                    f"an unexpected problem: {type(exc).__name__}: {exc}; nothing was changed; "
                    "this is a bug, please report it with --debug output"
                )
                sys.exit(DEFECT)
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result


ENVIRONMENT = ("TRACKER_DB", "TRACKER_PROFILE", "TRACKER_TODAY")


def _undecodable(arguments: list[str]) -> str | None:
    """Bytes that are not UTF-8 in an argument (Python keeps them as lone surrogates,
    which no database, file or terminal takes) are refused here, naming the option."""
    from tracker.domain.text import is_text

    for index, argument in enumerate(arguments):
        if is_text(argument):
            continue
        field: str | None = None
        if argument.startswith("-") and "=" in argument:
            field, argument = argument.split("=", 1)
        elif index and arguments[index - 1].startswith("-"):
            field = arguments[index - 1]
        return _not_text(field, argument)
    for name in ENVIRONMENT:
        value = os.environ.get(name)
        if value is not None and not is_text(value):
            return _not_text(name, value)
    return None


def _not_text(field: str | None, value: str) -> str:
    from tracker.domain.text import clipped, is_text

    raw = value.encode("utf-8", "surrogateescape" if _escaped(value) else "backslashreplace")
    shown = clipped(raw.decode("ascii", "backslashreplace"))
    if field is None or not is_text(field):
        return f"'{shown}' is not valid text (UTF-8); nothing was changed."
    return f"{clipped(field)} is not valid text (UTF-8): {shown}; nothing was changed."


def _escaped(value: str) -> bool:
    """Only bytes 0x80-0xFF, as the command line's decoding keeps them."""
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in value)


def _damaged(ctx: click.Context) -> list[str]:
    app = ctx.find_object(AppContext)
    if app is None:
        return []
    from tracker.services.database_admin import damaged_records

    try:
        location = app.location
    except TrackerError:
        return []
    return damaged_records(location)


def _error(message: str) -> None:
    # Whatever a message quotes (a file's content, a name typed) cannot act on the terminal.
    from tracker.domain.text import visible

    lines = message.splitlines() or [""]
    click.echo(f"Error: {visible(lines[0][:2000])}", err=True)
    for line in lines[1:]:
        click.echo(visible(line[:2000]), err=True)


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C: transactions roll back and temporary files are removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.group(
    cls=TrackerGroup,
    invoke_without_command=True,
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
@click.option(
    "--debug",
    is_flag=True,
    help="On an unexpected problem, show the full traceback (for a bug report). "
    "Env: TRACKER_DEBUG.",
)
@click.version_option(__version__, "--version", prog_name="tracker")
@click.pass_context
def cli(
    ctx: click.Context, db_value: str | None, profile: str, today: dt.date | None, debug: bool
) -> None:
    """Log how side effects fade after a skin treatment, day by day.

    Record a session (laser, IPL, peel, microneedling...), then each day log how
    strong each symptom is from 0 (none) to 10 (worst). The tracker gives
    information, never a diagnosis: ask your skin specialist about anything that
    worries you.
    """
    app = AppContext(db_value=db_value, today=today or dt.date.today(), profile=profile)
    ctx.obj = app
    ctx.call_on_close(app.close)
    if ctx.invoked_subcommand is None:
        from tracker.cli.overview import overview

        overview(app)


def main() -> None:
    cli(prog_name="tracker")
