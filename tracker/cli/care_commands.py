"""`tracker care ...`: the care log (ice packs, moisturiser, creams...)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.params import DATE, DATE_HELP, CatalogType, json_option, session_option
from tracker.cli.render import echo_json, table
from tracker.domain.care import CARE_ACTIONS, CARE_BY_KEY, care_key
from tracker.domain.text import visible
from tracker.services import care as service

ACTION = CatalogType("ACTION", care_key)


@click.group()
def care() -> None:
    """Record what you did for your skin: ice packs, moisturiser, creams, sunscreen..."""


@care.command("add")
@click.argument("action", type=ACTION)
@click.option("--date", type=DATE, default="today", show_default=True, help=DATE_HELP)
@session_option("Session it belongs to. Default: the latest one on or before the date.")
@click.option("--note", help="Details, e.g. which cream; required for 'other'.")
@pass_app
def add(
    app: AppContext, action: str, date: dt.date, session_id: int | None, note: str | None
) -> None:
    """Record a care action.

    ACTION is one of: ice-pack, moisturizer, petroleum-jelly, prescribed-cream,
    sunscreen, pain-relief, other (with a note).
    """
    record = service.add_care(
        app.db, action, date=date, today=app.today, session_id=session_id, note=note
    )
    detail = f" ({visible(record.note)})" if record.note else ""
    click.echo(
        f"Recorded {CARE_BY_KEY[record.action].name.lower()}{detail} on {record.date}, "
        f"day {record.day} after session {record.session_id}."
    )


@care.command("list")
@session_option("Only this session.")
@json_option
@pass_app
def list_(app: AppContext, session_id: int | None, as_json: bool) -> None:
    """List the care log, oldest first."""
    records = service.list_care(app.db, session_id)
    if as_json:
        echo_json([record.to_json() for record in records])
        return
    if not records:
        names = ", ".join(a.key for a in CARE_ACTIONS)
        click.echo(f"No care actions recorded. Add one: tracker care add ACTION ({names})")
        return
    rows: list[tuple[Any, ...]] = [
        (r.date, r.day, r.session_id, r.action, r.note or "") for r in records
    ]
    click.echo(table(("date", "day", "session", "action", "note"), rows, frozenset({1, 2})))
