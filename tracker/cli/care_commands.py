"""`tracker care ...`: the care log (ice packs, moisturiser, creams...)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.params import (
    CARE_ID,
    PAST_DATE,
    PAST_DATE_HELP,
    CatalogType,
    json_option,
    session_option,
)
from tracker.cli.render import echo_json, table
from tracker.domain.care import CARE_ACTIONS, CareRecord, care_key, care_name, care_word
from tracker.domain.text import visible
from tracker.services import care as service

ACTION = CatalogType("ACTION", care_key)
ACTION_WORDS = ", ".join(action.word for action in CARE_ACTIONS)


def _describe(record: CareRecord) -> str:
    detail = f" ({visible(record.note)})" if record.note else ""
    return (
        f"{care_name(record.action).lower()}{detail} on {record.date}, "
        f"day {record.day} after session {record.session_id}"
    )


@click.group()
def care() -> None:
    """Record ice packs, moisturiser, creams, sunscreen...

    The care log: what you did for your skin, and when. It is drawn under the chart
    and listed in the report.
    """


@care.command("add")
@click.argument("action", type=ACTION)
@click.option("--date", type=PAST_DATE, default="today", show_default=True, help=PAST_DATE_HELP)
@session_option("Session it belongs to. Default: the latest one on or before the date.")
@click.option("--note", metavar="NOTE", help="Details, e.g. which cream; required for 'other'.")
@click.option("--again", is_flag=True, help="Record it even if already recorded that day.")
@pass_app
def add(
    app: AppContext,
    action: str,
    date: dt.date,
    session_id: int | None,
    note: str | None,
    again: bool,
) -> None:
    """Record a care action.

    ACTION is one of: ice-pack, moisturiser, petroleum-jelly, prescribed-cream,
    sunscreen, pain-relief, other (with a note). The same action twice on one day
    is refused as a likely repeat unless you add --again.
    """
    with app.writing() as store:
        record = service.add_care(
            store, action, date=date, today=app.today, session_id=session_id, note=note, again=again
        )
    click.echo(f"Recorded {_describe(record)} (entry {record.id}).")


@care.command("list")
@session_option("Only this session.")
@json_option
@pass_app
def list_(app: AppContext, session_id: int | None, as_json: bool) -> None:
    """List the care log, oldest first, with each entry's id."""
    with app.reading() as store:
        records = service.list_care(store, session_id)
    if as_json:
        echo_json([record.to_json() for record in records])
        return
    if not records:
        click.echo(f"No care actions recorded. Add one: tracker care add ACTION ({ACTION_WORDS})")
        return
    rows: list[tuple[Any, ...]] = [
        (r.id, r.date, r.day, r.session_id, care_word(r.action), r.note or "") for r in records
    ]
    click.echo(
        table(("id", "date", "day", "session", "action", "note"), rows, frozenset({0, 2, 3}))
    )
    click.echo("Remove an entry recorded by mistake with: tracker care remove ID")


@care.command("remove")
@click.argument("care_id", type=CARE_ID)
@pass_app
def remove(app: AppContext, care_id: int) -> None:
    """Remove a care entry recorded by mistake.

    ID is the entry's number in `tracker care list`.
    """
    from tracker.services.corrections import remove_care

    with app.writing() as store:
        record = remove_care(store, care_id)
    click.echo(f"Removed entry {record.id}: {_describe(record)}.")
