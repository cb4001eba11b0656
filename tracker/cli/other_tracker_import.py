"""`tracker import --from flaredown|bearable|trackandgraph FILE`: parse, call, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tracker.cli.context import AppContext
from tracker.cli.params import DATE, DATE_HELP, KIND, SESSION_ID
from tracker.cli.render import echo_urgent
from tracker.domain.errors import TrackerError
from tracker.domain.other_trackers import FIVE_POINT_TO_TEN, SOURCES, UNMAPPED
from tracker.domain.text import clipped

if TYPE_CHECKING:  # the service is imported when the command runs
    from tracker.services.other_trackers import ForeignImportReport

F = TypeVar("F", bound=Callable[..., Any])


def other_tracker_options(func: F) -> F:
    options = [
        click.option(
            "--from",
            "source",
            type=click.Choice(list(SOURCES)),
            help="The file is an export of another tracker (see README).",
        ),
        click.option("--session", "session_id", type=SESSION_ID, metavar="ID", help="With --from."),
        click.option("--kind", type=KIND, help="With --from and --date: that session's kind."),
        click.option(
            "--date", "session_date", type=DATE, help=f"With --from: the session day. {DATE_HELP}"
        ),
        click.option(
            "--map",
            "maps",
            multiple=True,
            metavar="NAME=SYMPTOM",
            help="With --from: their name for one of ours, e.g. 'Itchy skin=itching'.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def import_other_tracker(
    app: AppContext,
    file: Path,
    *,
    source: str | None,
    session_id: int | None,
    kind: str | None,
    session_date: dt.date | None,
    maps: tuple[str, ...],
    dry_run: bool,
    on_duplicate: str,
) -> bool:
    """Run and render an import --from; False when the command is a plain import."""
    if source is None:
        if session_id or kind or session_date or maps:
            raise TrackerError.malformed("--session, --kind, --date and --map go with --from.")
        return False
    if session_id is not None and (kind is not None or session_date is not None):
        raise TrackerError.malformed("Give --session ID, or --kind and --date, not both.")
    from tracker.services.other_trackers import import_other_tracker as run

    with app.writing() as store:
        report = run(
            store,
            file,
            source,
            today=app.today,
            maps=maps,
            session_id=session_id,
            kind=kind,
            date=session_date,
            policy=on_duplicate,
            dry_run=dry_run,
        )
    _echo_counts(report, file, source, dry_run)
    _echo_conversion(report.converted, source)
    _echo_skipped(report)
    echo_urgent(report.urgent)
    if dry_run:
        click.echo("Dry run: nothing was written.")
    return True


def _echo_counts(report: ForeignImportReport, file: Path, source: str, dry_run: bool) -> None:
    """What was read, and what was (or would be) imported into which session."""
    s = report.session
    assert s is not None  # the service names the session it imported into
    rows = (
        f"Read {_count(report.rows, 'row')} of {file.name} ({SOURCES[source]}): "
        f"{_count(report.values, 'reading')}"
    )
    if report.empty_rows:
        rows += f" ({report.empty_rows} of the rows held none)"
    click.echo(rows + ".")
    verb = "Would import" if dry_run else "Imported"
    made = ", a new session" if report.session_created else ""
    line = f"{verb} {report.added} into session {s.id} ({s.date}, {s.kind}{made})"
    if report.replaced:
        line += f" and replaced {report.replaced} logged before"
    click.echo(line + ".")


def _echo_conversion(converted: int, source: str) -> None:
    """How values on another scale were brought to ours."""
    if converted and source == "trackandgraph":
        click.echo(
            f"Rounded {converted} of them to whole numbers (half up); each one's "
            "note says so, and the history and the PDF report show it."
        )
    elif converted:
        table = ", ".join(f"{k}->{v}" for k, v in FIVE_POINT_TO_TEN.items())
        click.echo(
            f"Converted {converted} of them from the 0-4 scale to 0-10 ({table}); "
            "each one's note says so, and the history and the PDF report show it."
        )


SHOWN_NAMES = 20


def _echo_skipped(report: ForeignImportReport) -> None:
    """Each reason a reading was not imported, with its count."""
    skipped = dict(report.skipped)
    if report.already_there:
        skipped["already logged for that day"] = report.already_there
    total = sum(skipped.values()) + sum(report.unmapped.values())
    if total:
        click.echo(f"Skipped {total}:")
    for reason, count in sorted(skipped.items()):
        click.echo(f"  {count} {reason}")
    if report.unmapped:
        # At most SHOWN_NAMES of them, each cut: a file can hold 50,000 names, which made
        # one line of megabytes.
        ranked = sorted(report.unmapped.items())
        names = ", ".join(f"'{clipped(n)}' ({c})" for n, c in ranked[:SHOWN_NAMES])
        if len(ranked) > SHOWN_NAMES:
            names += f" and {len(ranked) - SHOWN_NAMES:,} other names"
        click.echo(
            f"  {sum(report.unmapped.values())} {UNMAPPED}: {names}; "
            "--map NAME=SYMPTOM brings one in"
        )


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"
