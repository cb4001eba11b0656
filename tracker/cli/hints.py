"""The command line's way of saying what to do next: the command that does it.

The words below the faces name no command; an error or a flag carries a ``Hint`` and this
module says it as a command line. The exit codes, too, are the command line's own.
"""

from __future__ import annotations

import shlex

import click

from tracker.cli.context import AppContext
from tracker.domain.errors import (
    CONFLICT,
    MALFORMED,
    NO_ROOM,
    NOT_FOUND,
    REFUSED,
    Kind,
    TrackerError,
)
from tracker.domain.hints import Hint
from tracker.domain.profiles import DEFAULT_PROFILE

# Exit codes by kind of problem (README: "Errors are one line"). 2 is also click's own for a
# malformed command line; what is well formed but refused, missing or already there is 1.
EXIT_CODES: dict[Kind, int] = {MALFORMED: 2, REFUSED: 1, NOT_FOUND: 1, CONFLICT: 1, NO_ROOM: 1}

CATALOG_COMMANDS = {"symptoms": "tracker symptoms", "kinds": "tracker kinds"}


def _tracker() -> str:
    """The command line that reaches this command's profile: "tracker --profile anna"."""
    context = click.get_current_context(silent=True)
    app = context.find_object(AppContext) if context is not None else None
    if app is None or app.profile == DEFAULT_PROFILE:
        return "tracker"
    return f"tracker --profile {shlex.quote(app.profile)}"


def command(hint: Hint, session_id: int | None = None) -> str:
    """The command line that logs what a hint names: "tracker log redness=0"."""
    value = "N" if hint.value is None else str(hint.value)
    where = "" if session_id is None else f" --session {session_id}"
    return f"{_tracker()} log {hint.symptom}={value}{where}"


def _import_into(hint: Hint) -> str:
    path = shlex.quote(hint.path or "FILE")
    if hint.profile is None:
        return f"Run: tracker profile add NAME, then tracker --profile NAME import {path}"
    return f"Run: tracker --profile {shlex.quote(hint.profile)} import {path}"


def next_step(hint: Hint) -> str:
    """A hint as the command line says it."""
    if hint.action == "log":
        if hint.symptom is None:
            return f"For example: {_tracker()} log itching=3 redness=5"
        return f"Run: {command(hint)}"
    if hint.action == "import-into":
        return _import_into(hint)
    if hint.action == "catalog":
        listing = CATALOG_COMMANDS.get(hint.topic or "", f"tracker {hint.topic}")
        return f"(`{listing}` lists them all, with their other names.)"
    if hint.action == "new-link":  # the account exists: a new link for it, to its owner alone
        return f"For a new one-time link: tracker clinic link {shlex.quote(hint.email or 'EMAIL')}"
    if hint.action == "profile-add":
        return f"Add it with: tracker profile add {shlex.quote(hint.profile or 'NAME')}"
    return STEPS[hint.action].format(tracker=_tracker())


STEPS = {
    "session-list": "Run: {tracker} session list",
    "session-add": "Run: {tracker} session add --date YYYY-MM-DD --kind KIND",
    "other-session": (
        "For example: {tracker} log itching=3, or --session N ({tracker} session list shows them)."
    ),
    "again": "Add --again to record it a second time that day.",
    "care-list": "Run: {tracker} care list",
    "profile-list": "(tracker profile list shows them all.)",
    "on-duplicate": "(use --on-duplicate skip or replace)",
    "force": "Add --force to replace it.",
    "name-db": "Give --db FILE or set TRACKER_DB.",
    "invite-patient": "Invite one: tracker clinic invite EMAIL",
    "name-clinic-db": (
        "Set TRACKER_DB (or give --db) to the clinic's database: "
        "postgresql+psycopg://USER:PASSWORD@HOST/DBNAME, or for a trial an SQLite file "
        "sqlite:////ABSOLUTE/PATH/clinic.db (or `database` in the TRACKER_CONFIG file)."
    ),
    "db-upgrade": "Run: tracker db upgrade",
    "db-check-repair": "Run: tracker db check --repair",
}


def said(exc: TrackerError) -> str:
    """An error as the command line says it: its words, then the command that helps."""
    if exc.hint is None:
        return exc.message
    return f"{exc.message} {next_step(exc.hint)}"
