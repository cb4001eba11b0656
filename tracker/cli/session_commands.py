"""`tracker session ...`: the treatment sessions symptoms are logged against."""

from __future__ import annotations

import datetime as dt

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.params import DATE, DATE_HELP, KIND, SESSION_ID, json_option
from tracker.cli.render import echo_json, relative_day, table
from tracker.domain.catalog import DEFAULT_KIND, KINDS_BY_KEY, kind_name
from tracker.domain.text import visible
from tracker.services import sessions as service

_describe = service.describe


@click.group()
def session() -> None:
    """Add, list, show, edit and delete treatment sessions."""


@session.command("add")
@click.option("--date", type=DATE, default="today", show_default=True, help=DATE_HELP)
@click.option(
    "--kind",
    type=KIND,
    default=DEFAULT_KIND,
    show_default=True,
    help="Treatment kind (see `tracker kinds`).",
)
@click.option("--area", metavar="AREA", help="Treated area, e.g. 'face' or 'neck and chest'.")
@click.option("--clinic", metavar="CLINIC", help="Clinic or practitioner.")
@click.option("--notes", metavar="NOTES", help="Settings, products, anything worth remembering.")
@click.option("--follow-up", type=DATE, help="Date of the follow-up visit.")
@click.option(
    "--again", is_flag=True, help="Record it even if one with the same date, kind and area exists."
)
@json_option
@pass_app
def add(
    app: AppContext,
    date: dt.date,
    kind: str,
    area: str | None,
    clinic: str | None,
    notes: str | None,
    follow_up: dt.date | None,
    again: bool,
    as_json: bool,
) -> None:
    """Record a treatment session; prints its id.

    Warns when the session before it still has open flags, and refuses a second session
    with the same date, kind and area unless --again is given.
    """
    with app.writing() as store:
        record, still_open = service.start_session(
            store,
            service.SessionFields(
                date=date, kind=kind, area=area, clinic=clinic, notes=notes, follow_up=follow_up
            ),
            today=app.today,
            again=again,
        )
    if still_open:
        previous = still_open[0].session_id
        symptoms = ", ".join(sorted({f.symptom for f in still_open}))
        click.echo(
            f"Warning: session {previous} still has {len(still_open)} open "
            f"flag{'s' * (len(still_open) != 1)} ({symptoms}). They stay listed in "
            f"`tracker flags` until resolved: log them there, e.g. tracker log SYMPTOM=0 "
            f"--session {previous}",
            err=True,
        )
    if as_json:
        echo_json(record.to_json())
        return
    click.echo(f"Added {_describe(record)}.")
    click.echo("Log how it feels each day, for example: tracker log itching=3 redness=5")


@session.command("list")
@json_option
@pass_app
def list_(app: AppContext, as_json: bool) -> None:
    """List every session, oldest first."""
    with app.reading() as store:
        found = service.list_sessions(store)
    if as_json:
        echo_json([record.to_json() for record, _ in found])
        return
    if not found:
        click.echo("No sessions yet. Add one: tracker session add --date YYYY-MM-DD --kind KIND")
        return
    rows = [
        (r.id, r.date, r.kind, r.area, r.follow_up, count, r.day_of(app.today))
        for r, count in found
    ]
    headers = ("id", "date", "kind", "area", "follow-up", "entries", "day today")
    click.echo(table(headers, rows, frozenset({0, 5, 6})))


@session.command("show")
@click.argument("session_id", type=SESSION_ID)
@json_option
@pass_app
def show(app: AppContext, session_id: int, as_json: bool) -> None:
    """Show one session."""
    with app.reading() as store:
        record, count = service.show_session(store, session_id)
    if as_json:
        echo_json(record.to_json())
        return
    known = record.kind in KINDS_BY_KEY
    lines = [
        ("date", f"{record.date} (day {record.day_of(app.today)} today)"),
        ("kind", f"{record.kind} ({kind_name(record.kind)})" if known else record.kind),
        ("area", visible(record.area or "-")),
        ("clinic", visible(record.clinic or "-")),
        (
            "follow-up",
            f"{record.follow_up} ({relative_day(record.follow_up, app.today)})"
            if record.follow_up
            else "-",
        ),
        ("entries", str(count)),
        ("notes", visible(record.notes or "-")),
    ]
    click.echo(f"Session {record.id}")
    for label, value in lines:
        click.echo(f"  {label + ':':<11}{value}")


@session.command("edit")
@click.argument("session_id", type=SESSION_ID)
@click.option("--date", type=DATE, help=DATE_HELP)
@click.option("--kind", type=KIND, help="Treatment kind (see `tracker kinds`).")
@click.option("--area", metavar="AREA", help="Treated area; an empty text clears it.")
@click.option("--clinic", metavar="CLINIC", help="Clinic or practitioner; an empty text clears it.")
@click.option("--notes", metavar="NOTES", help="Notes; an empty text clears them.")
@click.option("--follow-up", type=DATE, help="Date of the follow-up visit.")
@json_option
@pass_app
def edit(
    app: AppContext,
    session_id: int,
    date: dt.date | None,
    kind: str | None,
    area: str | None,
    clinic: str | None,
    notes: str | None,
    follow_up: dt.date | None,
    as_json: bool,
) -> None:
    """Change a session's details."""
    with app.writing() as store:
        record = service.edit_session(
            store,
            session_id,
            service.SessionFields(
                date=date, kind=kind, area=area, clinic=clinic, notes=notes, follow_up=follow_up
            ),
        )
    if as_json:
        echo_json(record.to_json())
        return
    click.echo(f"Updated {_describe(record)}.")


@session.command("delete")
@click.argument("session_id", type=SESSION_ID)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def delete(app: AppContext, session_id: int, yes: bool) -> None:
    """Delete a session with its values, photos and care entries."""
    if not yes:
        with app.reading() as store:
            # Its photos and care entries go with it (the foreign keys cascade): say so.
            going = service.what_deleting_takes(store, session_id)
        click.confirm(f"Delete {_describe(going.session)} with {going.what_went()}?", abort=True)
    with app.writing() as store:
        deleted = service.delete_session(store, session_id)
    # Counted in the transaction that deleted them: with --yes nothing was asked before.
    click.echo(f"Deleted {_describe(deleted.session)} with {deleted.what_went()}.")
