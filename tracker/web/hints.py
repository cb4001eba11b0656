"""The web's way of saying what to do next (a link to the page that does it, prefilled),
and its HTTP statuses, chosen from the kind of problem; never from an error's words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, url_for

from tracker.domain.catalog import symptom_name
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
from tracker.web.app import today

# 507 Insufficient Storage: the server has no room to save what was sent.
STATUSES: dict[Kind, int] = {
    MALFORMED: 400,
    REFUSED: 400,
    NOT_FOUND: 404,
    CONFLICT: 409,
    NO_ROOM: 507,
}


def status_of(exc: TrackerError) -> int:
    return STATUSES[exc.kind]


@dataclass(frozen=True)
class Link:
    href: str
    label: str


def _log(hint: Hint, session_id: int | None, latest: int | None) -> Link:
    """ "log redness as 0" opens today's check-in with 0 chosen, on the card of the flag's
    session (the first card is the latest session's); without a symptom, the check-in."""
    if hint.symptom is None:
        return Link(url_for("today"), "Check in for today")
    name = symptom_name(hint.symptom)
    field = f"value-{hint.symptom}"
    values: dict[str, Any] = {"date": today().isoformat()}
    card = ""
    if session_id is not None and session_id != latest:
        values["session"], card = session_id, f"s{session_id}-"
    if hint.value is None:
        return Link(url_for("today", _anchor=card + field, **values), f"Log {name} today")
    values[field] = hint.value
    label = f"Log {name} as {hint.value} today"
    return Link(url_for("today", _anchor=card + field, **values), label)


# Steps a page can take you to; the others (--force, --again...) have no page.
PAGES = {
    "session-list": ("sessions", "", "See your sessions"),
    "session-add": ("sessions", "add", "Add a session"),
    "other-session": ("today", "", "Check in for today"),
    "profile-list": ("sessions", "profiles", "See the profiles"),
    "profile-add": ("sessions", "profiles", "Add a profile"),
    "care-list": ("history", "care", "See the care log"),
    "invite-patient": ("invite_page", "", "Invite a patient"),  # the hosted mode's staff
}


def link(
    hint: Hint | None, session_id: int | None = None, latest: int | None = None
) -> Link | None:
    """Where a hint's step is done on the web, if it is done here at all. ``session_id``:
    the session a step is about; ``latest``: the one today's first card is for."""
    if hint is None:
        return None
    if hint.action == "log":
        return _log(hint, session_id, latest)
    if hint.action not in PAGES:
        return None
    endpoint, anchor, label = PAGES[hint.action]
    return Link(url_for(endpoint, _anchor=anchor or None), label)


def missing_page(exc: TrackerError) -> tuple[str, int]:
    """A page for something asked for that cannot be shown: the words, and the way on."""
    page = render_template("missing.html", message=exc.message, next=link(exc.hint))
    return page, status_of(exc)
