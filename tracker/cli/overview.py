"""`tracker` on its own: what to do first, or today at a glance. Always exit 0."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext
from tracker.cli.render import relative_day

START = """\
To start, record your treatment session, then log each day how strong each symptom is:
  tracker session add --date YYYY-MM-DD --kind KIND   (tracker kinds lists the kinds)
  tracker log itching=3 redness=5                      (or: tracker checkin)
Or explore a sample recovery first: tracker demo"""


def overview(app: AppContext) -> None:
    click.echo("Skin recovery tracker: how side effects fade after a treatment, day by day.")
    click.echo()
    if not app.has_database():
        click.echo(f"No database yet ({app.location.describe()}).")
        click.echo(START)
    else:
        _glance(app)
    click.echo()
    click.echo("Every command: tracker --help · Information, never a diagnosis.")


def _glance(app: AppContext) -> None:
    from tracker.services.recovery import status_if_any

    with app.reading() as store:
        status = status_if_any(store, app.today)
    if status is None:
        click.echo(f"No treatment session on or before today ({app.today}) yet.")
        click.echo(START)
        return
    s = status.session
    click.echo(f"{s.heading()}; today ({app.today}) is day {status.day}.")
    if status.checkin_due:
        click.echo("Today: not logged yet. Log it with: tracker checkin")
    else:
        click.echo("Today: logged.")
    flagged = [f for f in status.flags if f.rule != "missing" and f.active]
    # An earlier session's open flags count too: "none" is said only when there are none.
    earlier = [f for f in status.earlier if f.rule != "missing" and f.active]
    named = [f"{f.symptom} {f.rule} ({f.level})" for f in flagged]
    named += [f"{f.symptom} {f.rule} ({f.level}, session {f.session_id})" for f in earlier]
    if named:
        click.echo(f"Flags: {', '.join(named)}. See: tracker status")
    else:
        click.echo("Flags: none. See: tracker status")
    if s.follow_up is not None:
        click.echo(f"Follow-up: {s.follow_up} ({relative_day(s.follow_up, app.today)}).")
