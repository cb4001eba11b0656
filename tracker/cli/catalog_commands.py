"""`tracker symptoms` and `tracker kinds`: what can be logged."""

from __future__ import annotations

import textwrap

import click

from tracker.cli.params import json_option
from tracker.cli.render import echo_json, table
from tracker.domain.catalog import SYMPTOMS, TREATMENT_KINDS


@click.command()
@json_option
def symptoms(as_json: bool) -> None:
    """The symptoms you can log, and their other names."""
    if as_json:
        echo_json(
            [
                {"key": s.key, "name": s.name, "aliases": list(s.aliases), "group": s.group}
                for s in SYMPTOMS
            ]
        )
        return
    rows = [(s.key, s.name, ", ".join(s.aliases)) for s in SYMPTOMS]
    click.echo(table(("symptom", "what it means", "also accepted"), rows))
    # Named from the catalogue's groups, so a new red-flag symptom is never left out.
    urgent = [s.name.lower() for s in SYMPTOMS if s.group == "red-flag"]
    pigment = [s.name.lower() for s in SYMPTOMS if s.group == "pigment"]
    advice = (
        f"{', '.join(urgent[:-1]).capitalize()} or {urgent[-1]}: contact your clinic now. "
        f"{' or '.join(pigment).capitalize()}: mention them at your follow-up."
    )
    click.echo("\n" + textwrap.fill(advice, 92) + "\nThis is information, not a diagnosis.")


@click.command()
@json_option
def kinds(as_json: bool) -> None:
    """The treatment kinds a session can be."""
    if as_json:
        echo_json(
            [{"key": k.key, "name": k.name, "aliases": list(k.aliases)} for k in TREATMENT_KINDS]
        )
        return
    rows = [(k.key, k.name, ", ".join(k.aliases)) for k in TREATMENT_KINDS]
    click.echo(table(("kind", "treatment", "also accepted"), rows))
