"""The audit log as people read it (tracker.domain.audit_words), on the pages and for the
command line: each event's request line matched to the clinic's route it named, then said in
plain words; the request line itself kept for staff."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

from tracker.domain import audit_words
from tracker.domain.audit import AuditEvent


@dataclass(frozen=True)
class ShownEvent:
    """One event as a page or the command line shows it."""

    event: AuditEvent
    who: str
    what: str  # in words
    request: str | None  # the request line as recorded (None: an action, said as it was)


def route_of(routes: Map, what: str) -> tuple[str, Mapping[str, Any]] | None:
    """The route (endpoint and its values) an event's request line names, or None."""
    request = audit_words.request_line(what)
    if request is None:
        return None
    adapter = routes.bind("tracker.invalid")
    try:
        endpoint, values = adapter.match(request.path, method=request.method)
    except HTTPException:  # no such route, not this method, or the address without its "/"
        return None
    return str(endpoint), values


def shown(routes: Map, events: Iterable[AuditEvent], *, you: int | None = None) -> list[ShownEvent]:
    """The events in words: for staff, or (``you``: their account's id) for the patient
    reading about their own record."""
    own = you is not None
    found = []
    for event in events:
        request = audit_words.request_line(event.what)
        found.append(
            ShownEvent(
                event,
                audit_words.who(event, you=you),
                audit_words.said(event, route_of(routes, event.what), own=own),
                None if request is None else request.line,
            )
        )
    return found


@functools.cache
def clinic_routes() -> Map:
    """The clinic's app's routes, for a face without the app at hand (the command line):
    made by the app factory itself, so that they are the routes the pages are served on."""
    from tracker.services.clinic_settings import ClinicSettings
    from tracker.web.hosted import create_clinic_app

    # Only the routes are wanted: no database is opened (this one could not be: its folder
    # is not there), no setting is read.
    settings = ClinicSettings(
        database="sqlite:////nonexistent-tracker-routes/routes-only.db",
        secret_key="routes-only-" * 4,
        public_url="http://tracker.invalid",
    )
    app = create_clinic_app(settings)
    app.extensions["tracker.databases"].dispose()
    return app.url_map
