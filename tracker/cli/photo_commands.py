"""`tracker photo ...`: photos of the skin by day, kept inside the database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, BinaryIO

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.local_zone import patient_zone
from tracker.cli.params import (
    PAST_DATE,
    PAST_DATE_HELP,
    PHOTO_ID,
    force_option,
    json_option,
    session_option,
)
from tracker.cli.render import echo_json, table
from tracker.domain.clock import local_date
from tracker.domain.photos import PhotoRecord, describe_size
from tracker.domain.text import visible
from tracker.services import photos as service


def _describe(record: PhotoRecord) -> str:
    return (
        f"photo {record.id} of {record.date}, day {record.day} after session "
        f"{record.session_id} ({record.width} x {record.height}, {describe_size(record.size)})"
    )


@click.group()
def photo() -> None:
    """Photos of your skin by day: add, list, show, remove.

    Each photo is re-encoded as a JPEG (at most 2048 pixels on its long side) with
    every piece of metadata left out (GPS position, camera serial, EXIF thumbnail),
    turned upright first. It is kept inside the database, so backups and exports carry it.
    """


@photo.command("add")
@click.argument("file", type=click.File("rb"))
@click.option("--date", type=PAST_DATE, default="today", show_default=True, help=PAST_DATE_HELP)
@session_option("Session it belongs to. Default: the latest one on or before the date.")
@click.option("--note", metavar="NOTE", help="A few words, e.g. which area it shows.")
@pass_app
def add(
    app: AppContext, file: BinaryIO, date: dt.date, session_id: int | None, note: str | None
) -> None:
    """Add a photo (JPEG, PNG, WebP or HEIC) to a day.

    FILE is the photo; - reads it from standard input.
    """
    data = service.read_upload(file)
    with app.reading() as store:  # a wrong day or session is said before decoding
        service.check_photo_day(store, date=date, today=app.today, session_id=session_id)
    prepared = service.prepare_photo(data)  # no lock held while decoding
    with app.writing() as store:
        record = service.add_photo(
            store, prepared, date=date, today=app.today, session_id=session_id, note=note
        )
    click.echo(f"Added {_describe(record)}; its metadata was left out.")


@photo.command("list")
@session_option("Only this session.")
@click.option("--removed", is_flag=True, help="Also list the photos removed.")
@json_option
@pass_app
def list_(app: AppContext, session_id: int | None, removed: bool, as_json: bool) -> None:
    """List the photos, oldest first, with each one's id."""
    with app.reading() as store:
        records = service.list_photos(store, session_id, with_removed=removed)
    if as_json:
        echo_json([record.to_json() for record in records])
        return
    if not records:
        click.echo("No photos yet. Add one: tracker photo add FILE [--date YYYY-MM-DD]")
        return
    tz = patient_zone()  # the day a photo was removed, on this computer's calendar
    rows: list[tuple[Any, ...]] = [
        (
            r.id,
            r.date,
            r.day,
            r.session_id,
            f"{r.width}x{r.height}",
            describe_size(r.size),
            r.note or "",
            *(
                [f"removed {local_date(r.removed_at, tz)}" if r.removed_at else ""]
                if removed
                else []
            ),
        )
        for r in records
    ]
    headers: tuple[str, ...] = ("id", "date", "day", "session", "pixels", "size", "note")
    if removed:
        headers = (*headers, "")
    click.echo(table(headers, rows, frozenset({0, 2, 3})))
    click.echo("Save one as a file with: tracker photo show ID --out FILE")


@photo.command("show")
@click.argument("photo_id", type=PHOTO_ID)
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="The JPEG file to write."
)
@force_option
@pass_app
def show(app: AppContext, photo_id: int, out: str, force: bool) -> None:
    """Save a photo as a JPEG file (readable by you only).

    ID is the photo's number in `tracker photo list`.
    """
    target = app.output(Path(out), force=force)
    with app.reading() as store:
        record = service.save_photo(store, photo_id, target)
    click.echo(f"Wrote {_describe(record)} to {visible(target.shown)}.")


@photo.command("remove")
@click.argument("photo_id", type=PHOTO_ID)
@pass_app
def remove(app: AppContext, photo_id: int) -> None:
    """Remove a photo added by mistake; its record is kept.

    It is no longer shown, nor in the report; `tracker photo list --removed` lists
    it, and the JSON export carries it, marked removed.
    """
    with app.writing() as store:
        record = service.remove_photo(store, photo_id)
    click.echo(f"Removed {_describe(record)}.")
