"""`tracker symptoms` and `tracker kinds`: what can be logged."""

from __future__ import annotations

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
    click.echo(
        "\nBlisters, pus, a fever or cold sores: contact your clinic now. Darker or lighter "
        "patches: mention them at your follow-up.\nThis is information, not a diagnosis."
    )


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
