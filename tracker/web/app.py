"""The Flask application: settings, the database, errors, template helpers."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, abort, current_app, g, render_template, request, url_for
from jinja2 import StrictUndefined
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from tracker import __version__
from tracker.domain.care import care_name
from tracker.domain.catalog import kind_name, kind_words, symptom_name
from tracker.domain.clock import at, local_date, zone_or_utc, zone_words
from tracker.domain.dates import relative_day
from tracker.domain.errors import TrackerError
from tracker.domain.flags import DISCLAIMER
from tracker.domain.profiles import DEFAULT_PROFILE
from tracker.domain.severity import band
from tracker.domain.text import visible
from tracker.services import profiles
from tracker.services.databases import AfterWrites, Database, Location, Store
from tracker.web import security
from tracker.web.routing import bound_row_numbers

log = logging.getLogger(__name__)
# What a route returns when it renders a template: the page, or the page and its status.
Page = str | tuple[str, int]


@dataclass(frozen=True)
class WebSettings:
    location: Location
    profile: str
    keys: security.Keys | None  # the private mode's per-start secrets; None when hosted
    today: Callable[[], dt.date] = dt.date.today
    # The patient's time zone (IANA name): the local page's is the computer's it runs on,
    # the hosted mode's the clinic's. The reminders are made in it and every time of day
    # is shown in it.
    zone_name: str | None = None


class Databases:
    """The one database this server was given, opened once for the life of the process:
    one engine and one bounded pool, whatever the number of profiles browsers pick. Each
    request gets a view of it for its profile, kept for that request alone."""

    def __init__(self, location: Location, first_profile: str) -> None:
        self.location = location
        self.first_profile = first_profile
        self._database = Database(location, first_profile)

    def get(self, profile: str) -> Database:
        # open (and upgrade) at the first request, or at serve's start, never again
        return self._database.open().for_profile(profile)

    def after_writes(self, work: AfterWrites) -> None:
        """Work done in every unit of work that wrote to records, before it commits."""
        self._database.after_writes(work)

    def dispose(self) -> None:
        self._database.dispose()


def settings() -> WebSettings:
    found: WebSettings = current_app.extensions["tracker.settings"]
    return found


def databases() -> Databases:
    found: Databases = current_app.extensions["tracker.databases"]
    return found


def _keys() -> security.Keys:
    keys = settings().keys
    assert keys is not None, "the private mode's keys, asked for in the hosted mode"
    return keys


def hosted() -> bool:
    """Whether this is a clinic's hosted app (accounts), not the private `tracker serve`."""
    return settings().keys is None


def profile_cookie() -> str:
    return f"tracker-profile-{_keys().port}"


def current_profile() -> str:
    """The profile whose data this request reads and writes: the one this browser chose
    (private mode), or the signed-in patient's own (hosted mode, set by its guard). Hosted,
    a request with none set reaches no profile at all: there is no default to fall back on."""
    chosen: str | None = g.get("profile")
    if chosen is not None:
        return chosen
    if hosted():
        abort(404)
    return databases().first_profile


def shown_profile() -> str:
    """The profile named in the page's heading (no data is read with it)."""
    chosen: str | None = g.get("profile")
    if chosen is not None:
        return chosen
    return DEFAULT_PROFILE if hosted() else databases().first_profile


def choose_profile_cookie(response: BaseResponse, profile: str) -> None:
    """Hold the browser's choice: the profile's random id, signed with this start's secret."""
    with databases().get(profile).reading() as store:
        key = profiles.profile_key(store)
    response.set_cookie(
        profile_cookie(), _keys().sign(key), httponly=True, samesite="Strict", path="/"
    )


def _chosen_profile() -> Response | None:
    """Read the browser's choice of profile, before any page reads or writes.

    Cookies ignore ports: another local page can set this one. Only a value this server
    signed in this start, naming a profile that still exists, is taken; any other is
    dropped and said so on a page of its own (nothing is read or written with it).
    """
    raw = request.cookies.get(profile_cookie())
    if raw is None or request.endpoint == "static":
        return None
    key = _keys().unsign(raw)
    name = None
    if key is not None:
        with databases().get(databases().first_profile).reading() as store:
            name = profiles.profile_with_key(store, key)
    if name is not None:
        g.profile = name
        return None
    page = render_template("profile_reset.html", first=databases().first_profile)
    response = Response(page, status=409)
    response.delete_cookie(profile_cookie(), path="/", httponly=True, samesite="Strict")
    return response


def db() -> Database:
    """The database, for the profile this browser chose (default: the one `serve` was given)."""
    return databases().get(current_profile())


@contextmanager
def reading() -> Iterator[Store]:
    """The request's unit of work when it only reads: one transaction for every use case
    the page needs, never waiting for a writer. Inside one the request opened already for
    this profile (``g.unit_of_work``: a clinician's view of a patient's page), that one."""
    shared: Store | None = g.get("unit_of_work")
    if shared is not None and shared.profile_name == current_profile():
        yield shared
        return
    with db().reading() as store:
        yield store


@contextmanager
def writing() -> Iterator[Store]:
    """The request's unit of work when it writes: one transaction, committed as a whole."""
    with db().writing() as store:
        yield store


def read_only() -> bool:
    """Whether a staff member has this patient's record open, read-only (web.clinician)."""
    return g.get("viewing") is not None


def today() -> dt.date:
    return settings().today()


def patient_zone() -> dt.tzinfo:
    """The zone times of day are shown in (UTC when none could be told): the local page's
    is the computer's it was started on, the patient's own. The hosted mode's is the
    clinic's configured zone (time_zone), right for patients who live where the clinic is;
    one who does not should have their own (kept with the profile, offered from the
    browser's zone at sign-in), which the hosted mode does not keep yet."""
    return zone_or_utc(settings().zone_name)


# What each HTTP error says (the web's own: statuses are the face's); every other code
# gets the last one. Each page adds the way on: ``way_on()``.
HTTP_WORDS = {
    400: ("Not understood", "The tracker could not read what was sent; nothing was changed."),
    404: (
        "Not found",
        "There is nothing at this address: it may be mistyped, or name something that is "
        "not there (or not yours).",
    ),
    405: ("Not possible", "This address is not used that way ({method}); nothing was changed."),
    413: ("Too large", "{detail}; nothing was changed."),
    0: ("Not possible", "The tracker cannot answer this request; nothing was changed."),
}


def http_error(
    status: int, headers: list[tuple[str, str]] | None = None, detail: str = "Too large"
) -> Response:
    """The tracker's own page for an HTTP error (not Werkzeug's bare one): what happened,
    and a link on (``way_on``: the hosted mode's depends on who is signed in)."""
    title, words = HTTP_WORDS.get(status, HTTP_WORDS[0])
    page = render_template(
        "error.html",
        title=title,
        words=words.format(method=request.method, detail=detail),
        way_on=way_on(),
    )
    return Response(page, status=status, headers=headers)


def way_on() -> Any:
    """Where an error page leads: the private mode's Today; the hosted mode's own rule
    (by role) is set by its factory."""
    chosen: Callable[[], Any] | None = current_app.extensions.get("tracker.way_on")
    if chosen is not None:
        return chosen()
    from tracker.web.hints import Link

    return Link(url_for("today"), "Back to Today")


def create_app(web: WebSettings) -> Flask:
    """The private single-user app of `tracker serve`: its key, Host check and profile
    choice (tracker.web.security)."""
    assert web.keys is not None
    app = Flask(__name__)
    bound_row_numbers(app)  # before any route: ids in URLs the database can hold
    app.secret_key = secrets.token_bytes(32)  # flash messages; per start, like the key
    app.config.update(
        SESSION_COOKIE_NAME=f"tracker-flash-{web.keys.port}",
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
    )
    security.install(app, web.keys)
    app.before_request(_chosen_profile)  # after the key, Host and CSRF checks
    add_pages(app, web)
    return app


def add_pages(app: Flask, web: WebSettings) -> None:
    """What both modes share: the database, template helpers, every patient page, errors."""
    app.extensions["tracker.settings"] = web
    app.extensions["tracker.databases"] = Databases(web.location, web.profile)
    # A misspelt or renamed field fails the page's tests instead of rendering as nothing.
    app.jinja_env.undefined = StrictUndefined
    app.jinja_env.filters["visible"] = visible
    # Urgent advice as said: the hosted mode's clinic may set its own urgent contact line.
    app.jinja_env.filters["urgent_contact"] = lambda text: text
    app.jinja_env.filters["band"] = band
    # Treatments and symptoms in words ("fully ablative CO2 laser resurfacing"), never keys.
    app.jinja_env.filters["kind_words"] = kind_words
    app.jinja_env.filters["kind_name"] = kind_name
    app.jinja_env.filters["symptom_name"] = symptom_name
    app.jinja_env.filters["care_name"] = care_name
    # A stored moment (UTC) as the patient reads it: their date, their time of day.
    app.jinja_env.filters["local_date"] = lambda moment: local_date(moment, patient_zone())
    app.jinja_env.filters["local_time"] = lambda moment: at(moment, patient_zone())
    app.jinja_env.globals["zone_words"] = lambda: zone_words(patient_zone())
    app.jinja_env.globals.update(
        DISCLAIMER=DISCLAIMER,
        DEFAULT_PROFILE=DEFAULT_PROFILE,
        relative_day=relative_day,
        version=__version__,
        today=today,
        profile=shown_profile,
        hosted=web.keys is None,
    )
    app.jinja_env.globals.setdefault(
        "signed_account", lambda: None
    )  # the hosted mode's account, if any
    app.jinja_env.globals.setdefault("clinic_name", None)  # the hosted clinic's, if set

    from tracker.web import documents, hints, pages, photos, pickers, records, sessions

    app.jinja_env.globals["hint_link"] = hints.link
    # A long history's session picker and its sessions still ahead, made in Python.
    app.jinja_env.globals["session_options"] = pickers.session_options
    app.jinja_env.globals["sessions_ahead"] = pickers.sessions_ahead
    # A staff member's read-only view of a patient's pages sets these (tracker.web.clinician).
    app.jinja_env.globals.update(page_url=url_for, read_only=lambda: False, viewing=lambda: None)

    for module in (pages, records, sessions, documents, photos):
        module.register(app)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response | HTTPException:
        if isinstance(exc, HTTPException):
            if exc.code is None or exc.code < 400:
                return exc  # a redirect (a missing final slash), not an error
            return http_error(exc.code, [h for h in exc.get_headers() if h[0] != "Content-Type"])
        if isinstance(exc, TrackerError):  # a refusal no route turned into its own page
            from tracker.web.hints import status_of

            page = render_template("problem.html", status=status_of(exc), message=exc.message)
            return Response(page, status=status_of(exc))
        # Only the kind of failure and where: an exception's text can hold what was typed.
        log.error("Internal error %s in %s", type(exc).__name__, request.endpoint)
        damaged: list[str] = []
        # Hosted, the database is every patient's: no record of it is named on a page.
        if isinstance(exc, ValueError | TypeError | OverflowError) and not hosted():
            from tracker.services.database_admin import damaged_records

            damaged = damaged_records(settings().location)
        page = render_template("problem.html", status=500, damaged=damaged[:5])
        return Response(page, status=500)
