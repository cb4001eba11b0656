"""`tracker export` and `tracker import`: your data in and out, whole."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.other_tracker_import import import_other_tracker, other_tracker_options
from tracker.cli.params import force_option, output_option, session_option
from tracker.cli.render import counted, echo_urgent
from tracker.domain.errors import TrackerError
from tracker.services import exchange, exports

PROGRESS_FROM_BYTES = 1_000_000


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "fhir"]),
    default="json",
    show_default=True,
    help="csv: one row per value; json: everything; fhir: an R4 Bundle.",
)
@output_option("File to write (default, or -: standard output).")
@force_option
@session_option("Only this session.")
@pass_app
def export(
    app: AppContext, fmt: str, output: str | None, force: bool, session_id: int | None
) -> None:
    """Export to CSV, JSON or FHIR.

    CSV for spreadsheets, JSON to restore, FHIR for clinics.

    With --format csv and -o FILE.csv, care actions go to FILE-care.csv beside it and
    temperatures to FILE-temperatures.csv (tracker import reads each back).
    """
    # Every file is checked before anything is read or written: a refusal writes nothing.
    target = app.output(Path(output), force=force) if output is not None else None
    care_path = None if target is None else exports.care_file(fmt, Path(output or ""), target)
    care_target = None if care_path is None else app.output(care_path, force=force)
    measured_path = (
        None
        if target is None
        else exports.care_file(fmt, Path(output or ""), target, "temperatures")
    )
    measured_target = None if measured_path is None else app.output(measured_path, force=force)
    with app.reading() as store:
        exports.write_export(
            store,
            fmt,
            sys.stdout if target is None else target,
            session_id=session_id,
            care_to=care_target,
            temperatures_to=measured_target,
        )
    if care_target is not None:
        click.echo(f"Care actions written to {care_target.shown}", err=True)
    if measured_target is not None:
        click.echo(f"Temperatures written to {measured_target.shown}", err=True)
    if target is not None and target.kind != "stdout":
        click.echo(f"Exported to {target.shown}", err=True)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "fhir"]),
    help="Default: from the file's extension (a FHIR bundle is a .json file).",
)
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@click.option(
    "--on-duplicate",
    type=click.Choice(exchange.DUPLICATE_POLICIES),
    default="error",
    show_default=True,
    help="A value already logged for that session, symptom and day.",
)
@other_tracker_options
@pass_app
def import_(
    app: AppContext,
    /,
    file: Path,
    fmt: str | None,
    dry_run: bool,
    on_duplicate: str,
    **other: Any,
) -> None:
    """Import an export, or another tracker's data.

    A CSV, JSON or FHIR export of this tracker: the whole file is one transaction, all or
    nothing.

    Sessions are matched by their date and kind, or created. A FHIR bundle goes into the
    profile that exported it, or into an empty profile. With --from, an export of
    Flaredown, Bearable or Track & Graph goes into one session (see README).
    """
    if import_other_tracker(app, file, dry_run=dry_run, on_duplicate=on_duplicate, **other):
        return
    fmt = fmt or file.suffix.lower().lstrip(".")
    if fmt in ("json", "fhir"):
        with app.writing() as store:
            report = exchange.import_json(
                store, file, today=app.today, policy=on_duplicate, dry_run=dry_run
            )
    elif fmt == "csv":
        size = file.stat().st_size
        if size >= PROGRESS_FROM_BYTES and sys.stderr.isatty():
            with (
                click.progressbar(length=size, label="Importing", file=sys.stderr) as bar,
                app.writing() as store,
            ):
                report = exchange.import_csv(
                    store,
                    file,
                    today=app.today,
                    policy=on_duplicate,
                    dry_run=dry_run,
                    progress=bar.update,
                )
        else:
            with app.writing() as store:
                report = exchange.import_csv(
                    store, file, today=app.today, policy=on_duplicate, dry_run=dry_run
                )
    else:
        raise TrackerError.malformed(
            f"Cannot tell the format of {file.name}: name it .csv or .json, or give --format."
        )
    verb = "Would import" if dry_run else "Imported"
    parts = [counted(report.added, "value")]
    if report.replaced:
        parts.append(f"{report.replaced} replaced")
    if report.care_added:
        parts.append(counted(report.care_added, "care action"))
    if report.photos_added:
        parts.append(counted(report.photos_added, "photo"))
    if report.temperatures_added:
        parts.append(counted(report.temperatures_added, "temperature"))
    if report.overrides:
        parts.append(counted(report.overrides, "expected-course setting"))
    if report.skipped:
        parts.append(f"{report.skipped} skipped as already there")
    sessions = f"sessions: {report.sessions_created} new, {report.sessions_matched} matched"
    if report.sessions_updated:
        sessions += f", {report.sessions_updated} with details replaced"
    if report.sessions_kept:
        sessions += f", {report.sessions_kept} with different details kept as they were"
    click.echo(f"{verb} {', '.join(parts)} from {counted(report.rows, 'row')} ({sessions}).")
    for note in report.notes:
        click.echo(note)
    echo_urgent(report.urgent)
    if dry_run:
        click.echo("Dry run: nothing was written.")
