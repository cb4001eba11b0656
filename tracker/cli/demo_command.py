"""`tracker demo`: a sample recovery to explore, in a database of its own."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.recovery_commands import echo_flags
from tracker.domain.flags import DISCLAIMER
from tracker.services.demo import build_demo


@click.command()
@click.argument(
    "folder",
    metavar="[DIR]",
    default="tracker-demo",
    type=click.Path(file_okay=False, path_type=Path),
)
@pass_app
def demo(app: AppContext, folder: Path) -> None:
    """Build a sample recovery to explore (never your data).

    It goes in DIR/demo.db (default ./tracker-demo), never your own database.
    """
    result = build_demo(folder, app.today)
    s = result.session
    path = result.location.describe()
    click.echo(f"Made a demo recovery in {path}:")
    click.echo(f"  session {s.id}: {s.kind} on {s.date} ({s.area}), follow-up on {s.follow_up}")
    click.echo(
        f"  {result.entries} values logged over {(app.today - s.date).days + 1} days: itching, "
        "swelling and the pink rash faded within days; redness lingers."
    )
    active = [flag for flag in result.flags if flag.active]
    if active:
        click.echo(f"Flags as of {app.today}:")
        echo_flags(active)
        click.echo(f"  {DISCLAIMER}")
    click.echo(f"Chart:  {result.chart}")
    click.echo(f"Report: {result.report}")
    prefix = f"tracker --db {shlex.quote(path)}"
    click.echo("Try next:")
    click.echo(f"  {prefix} status")
    click.echo(f"  {prefix} history --symptom redness")
    click.echo(f"  {prefix} session show {s.id}")
    click.echo(f"  {prefix} log redness=2 --note 'a little better'")
