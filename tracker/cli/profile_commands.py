"""`tracker profile ...`: several people in one database."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.params import json_option
from tracker.cli.render import echo_json, table
from tracker.domain.records import SKIN_TYPES
from tracker.services import profiles as service

SKIN_TYPE = click.Choice(SKIN_TYPES, case_sensitive=False)


@click.group()
def profile() -> None:
    """Several people: a family, or a clinic's patients."""


@profile.command("add")
@click.argument("name")
@click.option("--skin-type", type=SKIN_TYPE, help="Fitzpatrick skin type, I to VI.")
@click.option("--sensitive-skin", is_flag=True, help="This skin reacts easily.")
@pass_app
def add(app: AppContext, name: str, skin_type: str | None, sensitive_skin: bool) -> None:
    """Add a profile, for another person.

    Use it with --profile NAME or TRACKER_PROFILE=NAME."""
    with app.writing() as store:
        record = service.add_profile(store, name, skin_type, sensitive_skin)
    click.echo(f"Added profile {record.name!r} ({record.describe_skin()}).")
    click.echo(f"Use it with: tracker --profile {record.name!r} session add ...")


@profile.command("list")
@json_option
@pass_app
def list_(app: AppContext, as_json: bool) -> None:
    """List the profiles."""
    with app.reading() as store:
        found = service.list_profiles(store)
    if as_json:
        echo_json([record.to_json() for record, _ in found])
        return
    rows = [
        (
            ("* " if r.name == app.profile else "  ") + r.name,
            r.skin_type or "-",
            "yes" if r.sensitive_skin else "no",
            count,
        )
        for r, count in found
    ]
    click.echo(table(("  profile", "skin type", "sensitive", "sessions"), rows, frozenset({3})))


@profile.command("edit")
@click.argument("name")
@click.option("--name", "new_name", metavar="NAME", help="A new name.")
@click.option("--skin-type", type=SKIN_TYPE, help="Fitzpatrick skin type, I to VI.")
@click.option(
    "--sensitive-skin/--not-sensitive", default=None, help="Whether this skin reacts easily."
)
@pass_app
def edit(
    app: AppContext,
    name: str,
    new_name: str | None,
    skin_type: str | None,
    sensitive_skin: bool | None,
) -> None:
    """Change a profile's name, skin type or sensitivity."""
    with app.writing() as store:
        record = service.edit_profile(
            store, name, new_name=new_name, skin_type=skin_type, sensitive_skin=sensitive_skin
        )
    click.echo(f"Updated profile {record.name!r} ({record.describe_skin()}).")
