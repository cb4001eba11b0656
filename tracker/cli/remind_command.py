"""`tracker remind`: daily reminders to log, and the follow-up, in the patient's calendar."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.local_zone import local_zone_name
from tracker.cli.params import force_option, session_option
from tracker.domain.profiles import profile_sentence
from tracker.domain.reminders import NextSteps, parse_time, zone
from tracker.services import reminders


@click.command("remind")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="The calendar file to write, e.g. recovery.ics; - for standard output.",
)
@force_option
@click.option(
    "--at", "at_text", default="20:00", show_default=True, metavar="HH:MM", help="Time of day."
)
@click.option(
    "--tz",
    "tz_name",
    metavar="ZONE",
    help="Time zone, like Europe/Paris (default: this computer's).",
)
@session_option("The session to remind about (default: the latest).")
@pass_app
def remind(
    app: AppContext,
    output: str,
    force: bool,
    at_text: str,
    tz_name: str | None,
    session_id: int | None,
) -> None:
    """Daily reminders to log, in your own calendar (.ics).

    Writes reminders as an iCalendar file (.ics) that any calendar opens.

    A daily "Log today's symptoms" with an alarm, from the session day until the longest
    expected course of that treatment ends (or until every symptom logged has reached 0,
    when you make the file again), and the follow-up visit with a reminder the day
    before. Making the file again (--force replaces it) updates the same events in your
    calendar.
    """
    target = app.output(Path(output), force=force)
    at = parse_time(at_text)
    name = tz_name or local_zone_name()
    tz = zone(name or "UTC")
    with app.reading() as store:
        plan = reminders.reminder_plan(store, as_of=app.today, session_id=session_id)
    reminders.write_calendar(
        target,
        plan,
        at=at,
        tz=tz,
        stamp=dt.datetime.now(dt.UTC).replace(microsecond=0),
        # No command in a calendar: it is read on a phone, away from the terminal.
        steps=NextSteps(check_in=profile_sentence(app.profile)),
    )
    when = f"{at:%H:%M} ({tz.key})"
    say = partial(click.echo, err=target.kind == "stdout")
    say(
        f"Wrote {target.shown}: a daily reminder at {when} from {plan.first_day} to "
        f"{plan.last_day} ({plan.days} days: {plan.reason})."
    )
    session = plan.session
    if session.follow_up is not None:
        say(
            f"Follow-up visit on {session.follow_up}, with a reminder the day before at {at:%H:%M}."
        )
    else:
        say(
            f"Session {session.id} has no follow-up date: add one with tracker session edit "
            f"{session.id} --follow-up DATE, then make the file again."
        )
    if name is None:
        say("Could not tell this computer's time zone: times are in UTC; give --tz.")
    say("Open the file with your calendar app (phone or desktop) to add the reminders.")
