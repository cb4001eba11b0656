"""The clinic's hosted mode: the same pages, behind accounts, as a WSGI app factory.

    gunicorn 'tracker.web:create_clinic_app()'     (settings: tracker.services.clinic_settings)

Every process started from the factory shares nothing with the others but the database:
sessions, failed sign-ins and one-time links are rows; the secret key (the same in every
process) only derives CSRF tokens and signs the flash message. Each route says which roles
reach it (``allow`` / ``route``); a route that says nothing is refused to everyone.

What a route may rely on (set before it runs by ``guard``):
- ``signed_in()``: the ``SignedIn`` session of this request (its ``account``), or None;
- ``actor()``: the signed-in ``AccountRecord`` (routes for a role: never None there);
- ``client_address()``: the browser's address, after the trusted proxies;
- ``current_profile()`` (tracker.web.app): a patient's own profile, set from the account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
import urllib.parse
from collections.abc import Callable, Collection, Iterable
from typing import Any

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import LoginManager, UserMixin
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as BaseResponse

from tracker.domain.account_words import AccountWords
from tracker.domain.accounts import AccountRecord, Role, SignedIn, Stage
from tracker.domain.flag_words import with_urgent_contact
from tracker.domain.profiles import DEFAULT_PROFILE
from tracker.services import accounts, credentials, triage_pages
from tracker.services.clinic_settings import ClinicSettings, no_clinic_database, read_settings
from tracker.services.databases import locate
from tracker.web import security
from tracker.web.app import WebSettings, add_pages, databases
from tracker.web.routing import bound_row_numbers

PUBLIC = "public"  # a route anyone reaches, signed in or not (sign-in, a link's page)
PATIENT_PAGES = frozenset({Role.PATIENT})
STAFF_ROLES = frozenset({Role.CLINICIAN, Role.ADMIN})
CONSENT_PAGES = frozenset({"consent_page", "consent"})
Clock = Callable[[], dt.datetime]
LOG = logging.getLogger("tracker.clinic")
Access = frozenset[str]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ClinicUser(UserMixin):  # type: ignore[misc]
    """Flask-Login's user: the signed-in session and its account."""

    def __init__(self, signed: SignedIn) -> None:
        self.signed = signed

    def get_id(self) -> str:
        return str(self.signed.account.id)


# -- what the routes rely on --------------------------------------------------------------


def clinic() -> ClinicSettings:
    found: ClinicSettings = current_app.extensions["tracker.clinic"]
    return found


def now() -> dt.datetime:
    clock: Clock = current_app.extensions["tracker.clock"]
    return clock()


def signed_in() -> SignedIn | None:
    """This request's live session (any stage), as the guard found it."""
    found: SignedIn | None = g.get("signed")
    return found


def actor() -> AccountRecord | None:
    """Who is asking: the account of a fully signed-in session, or None."""
    signed = signed_in()
    return signed.account if signed is not None and signed.stage is Stage.FULL else None


def client_address() -> str:
    """The browser's address: what the trusted proxies say (TRACKER_TRUSTED_PROXIES), else
    the connection's."""
    return request.remote_addr or "unknown"


def reading() -> Any:
    """A unit of work that reaches no profile's data (accounts, sessions)."""
    return databases().get(DEFAULT_PROFILE).reading()


def writing() -> Any:
    return databases().get(DEFAULT_PROFILE).writing()


def allow(app: Flask, endpoint: str, roles: Iterable[str]) -> None:
    """Let these roles (or PUBLIC) reach the endpoint; every other is refused."""
    access: dict[str, Access] = app.extensions["tracker.access"]
    access[endpoint] = frozenset(str(role) for role in roles)


def route(
    app: Flask,
    rule: str,
    endpoint: str,
    view: Callable[..., Any],
    *,
    roles: Iterable[str],
    methods: Collection[str] = ("GET",),
) -> None:
    """Add a route and who reaches it, in one place."""
    app.add_url_rule(rule, endpoint, view, methods=list(methods))
    allow(app, endpoint, roles)


# -- cookies and CSRF ---------------------------------------------------------------------


def session_cookie() -> str:
    # __Host-: sent only over HTTPS, for this host alone, on every path (no subdomain sets it).
    return "__Host-tracker-session" if clinic().secure else "tracker-session"


def _anonymous_cookie() -> str:
    return "__Host-tracker-form" if clinic().secure else "tracker-form"


def _derive(purpose: str, basis: str) -> str:
    key = clinic().secret_key.encode()
    return hmac.new(key, f"{purpose}:{basis}".encode(), hashlib.sha256).hexdigest()


def csrf_token() -> str:
    """The CSRF token of this browser: derived from its session's secret, or (signed out)
    from a random cookie of its own, so that no process needs to remember it."""
    basis: str | None = g.get("csrf_basis")
    if basis is None:
        basis = request.cookies.get(_anonymous_cookie()) or ""
        if len(basis) < 32:
            basis = secrets.token_urlsafe(32)
            g.new_anonymous = basis
        g.csrf_basis = basis
    return _derive("csrf", basis)


class _CsrfInput:
    """``{{ csrf_input }}``: the hidden field, computed for the request being rendered."""

    def __html__(self) -> str:
        return str(
            Markup('<input type="hidden" name="{}" value="{}">').format(
                security.CSRF_FIELD, csrf_token()
            )
        )

    def __str__(self) -> str:
        return self.__html__()


class _CsrfToken:
    def __str__(self) -> str:
        return csrf_token()

    def __html__(self) -> str:
        return csrf_token()


def set_session_cookie(response: BaseResponse, token: str) -> None:
    response.set_cookie(
        session_cookie(),
        token,
        httponly=True,
        secure=clinic().secure,
        samesite="Lax",  # the link in an e-mail or a text message still opens signed in
        path="/",
    )


def end_session_cookie(response: BaseResponse) -> None:
    response.delete_cookie(
        session_cookie(), path="/", httponly=True, secure=clinic().secure, samesite="Lax"
    )


def _device_cookie() -> str:
    return "__Host-tracker-device" if clinic().secure else "tracker-device"


def device_account() -> int | None:
    """The account this browser fully signed in to before (its device cookie), if any: such
    a browser is not paused by failed sign-ins made elsewhere (tracker.domain.throttle)."""
    return credentials.device_account(
        clinic().secret_key, request.cookies.get(_device_cookie()), now()
    )


def set_device_cookie(response: BaseResponse, account: AccountRecord) -> None:
    """This browser fully signed in to the account: it gets (anew) the account's device
    cookie, which opens nothing by itself."""
    response.set_cookie(
        _device_cookie(),
        credentials.device_token(clinic().secret_key, account.id, now()),
        max_age=int(credentials.DEVICE_LIFETIME.total_seconds()),
        httponly=True,
        secure=clinic().secure,
        samesite="Strict",
        path="/",
    )


# -- the guard ----------------------------------------------------------------------------


def _refuse(reason: str, status: int = 403) -> Response:
    return Response(render_template("refused.html", reason=reason), status=status)


def _load_session() -> None:
    token = request.cookies.get(session_cookie())
    g.signed = None
    if not token or len(token) > 200:
        return
    with reading() as store:
        found = accounts.session_for(store, token, now(), clinic().idle)
    g.ended_token = token  # until found live: a form of its pages is told so (_timed_out)
    if found.signed is None:
        return
    if found.expired:
        with writing() as store:
            accounts.sign_out(store, found.signed, now())
        g.expired = True
        return
    g.ended_token = None
    if found.stale:
        with writing() as store:
            accounts.touch(store, found.signed, now())
    g.signed = found.signed
    g.csrf_basis = token


def _writes_checked() -> BaseResponse | None:
    too_large = security.body_refusal()
    if too_large is not None:
        return too_large
    origin = request.headers.get("Origin")
    if origin is not None and origin.split("://", 1)[-1].lower() != clinic().host:
        return _refuse("origin")
    given = request.form.get(security.CSRF_FIELD) or ""
    if not hmac.compare_digest(given.encode(), csrf_token().encode()):
        return _timed_out(given) or _refuse("csrf")
    return None


def safe_next(value: str | None) -> str | None:
    """A page of this site to go back to after signing in ("/history?session=2"), or None:
    only a path on this host (never "//elsewhere", a backslash or a control character)."""
    if not value or len(value) > 300 or not value.isprintable():
        return None
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    return value


def _came_from() -> str | None:
    """The page a form was sent from (its Referer, sent by the browser for this site's own
    pages: Referrer-Policy same-origin), when it is on this host."""
    referrer = urllib.parse.urlsplit(request.referrer or "")
    if referrer.netloc.lower() != clinic().host:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def _timed_out(given: str) -> BaseResponse | None:
    """A form from this browser's own page, sent after its session ended (without use, on
    this request or before): not a forged one. Nothing is saved; the sign-in page says
    why, and leads back to the page the form was on."""
    token: str | None = g.get("ended_token")
    if token is None or not given:
        return None
    if not hmac.compare_digest(given.encode(), _derive("csrf", token).encode()):
        return None
    expired = "1" if g.get("expired") else None
    target = url_for("sign_in_page", expired=expired, unsaved="1", next=_came_from())
    return redirect(target, code=303)


def _next_step(signed: SignedIn | None) -> BaseResponse | None:
    """Where a browser goes that is not (yet) fully signed in."""
    if signed is None:
        expired = "1" if g.get("expired") else None
        back = (
            safe_next(request.full_path.rstrip("?"))
            if expired and request.method == "GET"
            else None
        )
        target = url_for("sign_in_page", expired=expired, next=back)
        return redirect(target, code=303)
    if signed.stage is Stage.CODE:
        return redirect(url_for("second_factor_page"), code=303)
    if signed.stage is Stage.ENROL:
        return redirect(url_for("enrol_page"), code=303)
    return None


def _access(endpoint: str) -> BaseResponse | None:
    rule: Access | None = current_app.extensions["tracker.access"].get(endpoint)
    if rule is None:
        abort(404)  # a route nobody said may be reached (the private mode's profile choice)
    if PUBLIC in rule:
        return None
    signed = signed_in()
    step = _next_step(signed)
    if step is not None or signed is None:
        return step
    account = signed.account
    if account.role.value not in rule:
        if endpoint == "today":  # the address alone: a staff member's own first page
            return redirect(url_for("staff_home"), code=303)
        return _refuse("role")
    if account.role is Role.PATIENT:
        if account.profile is None:
            abort(404)
        if account.needs_consent() and endpoint not in CONSENT_PAGES:
            return redirect(url_for("consent_page"), code=303)
        g.profile = account.profile
    return None


def guard() -> BaseResponse | None:
    if request.endpoint == "static":
        return None
    if request.host.lower() != clinic().host:
        return _refuse("host")
    _load_session()
    if request.endpoint is None:
        # No such page, or not this method (PUT /checkin): the tracker's own 404 or 405,
        # never "this form did not come from the tracker's page" (no route runs, so no form
        # is taken; the session is loaded first, for the error page's way on).
        return None
    if request.method not in ("GET", "HEAD"):
        refused = _writes_checked()
        if refused is not None:
            return refused
    return _access(request.endpoint)


def _after(response: Response) -> Response:
    if clinic().secure:  # once over HTTPS, the browser never tries plain HTTP for a year
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    fresh = g.get("new_anonymous")
    if fresh is not None:
        response.set_cookie(
            _anonymous_cookie(),
            fresh,
            httponly=True,
            secure=clinic().secure,
            samesite="Strict",
            path="/",
        )
    return response


# -- the factory --------------------------------------------------------------------------


def _way_on() -> Any:
    """Where an error page leads: sign in, the staff's triage list, or the patient's Today."""
    from tracker.web.hints import Link

    account = actor()
    if account is None:
        return Link(url_for("sign_in_page"), "Sign in")
    if account.is_staff:
        return Link(url_for("staff_home"), "Back to the triage list")
    return Link(url_for("today"), "Back to Today")


def _shown_profile() -> str:
    """The profile in the page's header: the one this request reads, else (a page answered
    before the route, such as "too large") the signed-in patient's own, so that every page
    a patient sees says whose record it is."""
    chosen: str | None = g.get("profile")
    if chosen is not None:
        return chosen
    account = actor()
    if account is not None and account.role is Role.PATIENT and account.profile is not None:
        return account.profile
    return DEFAULT_PROFILE


def _load_user(_request: Any) -> ClinicUser | None:
    signed = signed_in()
    return None if signed is None else ClinicUser(signed)


def create_clinic_app(
    settings: ClinicSettings | None = None,
    *,
    clock: Clock = _utc_now,
    today: Callable[[], dt.date] | None = None,
) -> Flask:
    """The hosted app. With no settings given, they are read from the environment (or the
    file TRACKER_CONFIG names): this is what a WSGI server calls in each process."""
    if settings is None:
        settings = read_settings(os.environ)
    if settings.database is None:
        raise no_clinic_database()
    app = Flask(__name__.rpartition(".")[0])
    bound_row_numbers(app)  # before any route: ids in URLs the database can hold
    app.secret_key = settings.secret_key
    app.config.update(
        SESSION_COOKIE_NAME="tracker-flash",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.secure,
        MAX_CONTENT_LENGTH=security.MAX_BODY_BYTES,
        MAX_FORM_PARTS=security.MAX_FORM_FIELDS,
        PREFERRED_URL_SCHEME="https" if settings.secure else "http",
    )
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    else:
        app.wsgi_app = ForwardedUnheeded(app.wsgi_app)  # type: ignore[method-assign]
    app.extensions["tracker.clinic"] = settings
    app.extensions["tracker.clock"] = clock
    app.extensions["tracker.access"] = {}
    app.extensions["tracker.way_on"] = _way_on
    login = LoginManager()
    login.session_protection = None  # our own session rows, not Flask's cookie session
    login.request_loader(_load_user)
    login.init_app(app)
    app.before_request(guard)
    app.after_request(_after)
    security.add_headers(app)
    app.jinja_env.globals.update(
        csrf_field=security.CSRF_FIELD,
        csrf_token=_CsrfToken(),
        csrf_input=_CsrfInput(),
        signed_account=actor,
        clinic_e_mail=lambda: settings.mail is not None,  # the clinic's tracker sends e-mail
    )
    before = set(app.view_functions)
    day = today or _today(clock, settings)
    web = WebSettings(locate(settings.database), DEFAULT_PROFILE, None, day, settings.time_zone)
    add_pages(app, web)
    app.jinja_env.globals["clinic_name"] = settings.shown_name
    app.jinja_env.globals["profile"] = _shown_profile
    contact = settings.urgent_contact
    app.jinja_env.filters["urgent_contact"] = lambda text: with_urgent_contact(text, contact)
    # Every write to a patient's record judges the patient's triage line in its own
    # transaction (the writer pays: one line is cheap), so the list only reads kept lines.
    app.extensions["tracker.databases"].after_writes(
        lambda store, written: triage_pages.keep_written(store, written, day())
    )
    patient_pages = set(app.view_functions) - before - LOCAL_ONLY
    for endpoint in patient_pages:
        allow(app, endpoint, PATIENT_PAGES)  # every page a patient has, for their profile
    from tracker.web import (
        account_pages,
        clinician,
        own_account,
        staff_admin,
        staff_nav,
        staff_pages,
    )

    staff_nav.register(app)
    staff_nav.add_link(app, "staff_home", "Triage", roles=STAFF_ROLES)
    staff_nav.add_link(app, "invite_page", "Invite a patient", roles=STAFF_ROLES)
    staff_nav.add_link(app, "staff_audit", "Audit log", roles=STAFF_ROLES)
    account_pages.register(app)
    own_account.register(app)
    staff_admin.register(app)
    clinician.register(app, patient_pages)
    staff_pages.register(app)
    return app


class ForwardedUnheeded:
    """With no proxy trusted, a request a proxy forwarded (X-Forwarded-For, Forwarded) is
    answered as any other, from the connection's address; the first one is said in the log,
    once per process: behind a proxy, that address is the proxy's for everyone, so one
    stranger's wrong sign-ins would pause signing in for the whole clinic."""

    HEADERS = (("HTTP_X_FORWARDED_FOR", "X-Forwarded-For"), ("HTTP_FORWARDED", "Forwarded"))

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        self.wsgi_app = wsgi_app
        self.said = False

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not self.said:
            header = next((name for key, name in self.HEADERS if key in environ), None)
            if header is not None:
                self.said = True
                address = str(environ.get("REMOTE_ADDR") or "unknown")
                LOG.warning(AccountWords.PROXY_NOT_TRUSTED.format(header=header, address=address))
        return self.wsgi_app(environ, start_response)


# The private mode's choice of profile: a patient has their own, and nothing else.
LOCAL_ONLY = frozenset({"choose_profile", "add_profile"})


def _today(clock: Clock, settings: ClinicSettings) -> Callable[[], dt.date]:
    return lambda: settings.today(clock())
