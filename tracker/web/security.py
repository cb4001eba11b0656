"""Keeping a local server private, the way Jupyter does.

Only this computer's browser, holding the key printed at start, may read or write:
a random token in the URL is exchanged for an HttpOnly, SameSite=Strict cookie; the
Host header must name the address served (a DNS-rebinding page names its own host);
every form that writes carries a CSRF token; a strict Content-Security-Policy lets
the page run only its own script and style; request bodies are kept small.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from flask import Flask, Response, redirect, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from tracker.domain.photos import MAX_PHOTO_BYTES

MAX_BODY_BYTES = 64 * 1024  # a check-in form is a few hundred bytes
# The one route that takes more: a photo (MAX_PHOTO_BYTES) and its form's few fields.
LARGE_BODIES = {"photo_add": MAX_PHOTO_BYTES + 64 * 1024}
# What the server itself lets through to the app: the largest body any route takes (the
# app refuses more than each route's own limit before reading the body).
MAX_ANY_BODY_BYTES = max(MAX_BODY_BYTES, *LARGE_BODIES.values())
# The longest form (the check-in: 19 symptoms, 7 care actions, date, note...) has about
# 35 fields; 4,500 copies of one field, within the byte limit, took 13 s to refuse.
MAX_FORM_FIELDS = 200
# The only answers the browser may keep (privately, never a shared cache): a photo's
# thumbnail asked for by its version. Every page and full photo is Cache-Control: no-store.
PRIVATELY_KEPT = {"photo_thumbnail"}
TOKEN_PARAMETER = "token"
CSRF_FIELD = "csrf"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
# The chart is an SVG drawn by matplotlib, shown through <img>: its own inline styles
# are its only content, and it can run nothing.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@dataclass(frozen=True)
class Keys:
    """Secrets of one server start; none survives a restart."""

    port: int
    hosts: frozenset[str]
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @property
    def cookie_name(self) -> str:
        # Cookies are shared across ports of one host: each server has its own name.
        return f"tracker-key-{self.port}"

    @property
    def cookie_value(self) -> str:
        return self._derive(b"cookie")

    @property
    def csrf_token(self) -> str:
        return self._derive(b"csrf")

    def sign(self, value: str) -> str:
        """The value with a signature of this start's secret: "VALUE.SIGNATURE"."""
        return f"{value}.{self._derive(b'signed:' + value.encode())}"

    def unsign(self, signed: str) -> str | None:
        """The value, when this server signed it in this start; None for a forged value, one
        set by another page or server, or one signed before a restart."""
        value, _, signature = signed.rpartition(".")
        if not value or not _same(signature, self._derive(b"signed:" + value.encode())):
            return None
        return value

    def _derive(self, purpose: bytes) -> str:
        return hmac.new(self.secret, purpose + self.token.encode(), hashlib.sha256).hexdigest()


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host header values a browser sends for the address served."""
    names = {host}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost", "::1"}
    return frozenset(f"[{name}]:{port}" if ":" in name else f"{name}:{port}" for name in names)


def _refuse(reason: str) -> Response:
    response = Response(render_template("refused.html", reason=reason), status=403)
    return response


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _own_page(app: Flask) -> str:
    """Where the key exchange sends the browser: the page asked for when the tracker has
    one at that path, else the start page; never another host. A browser reads "/\t/x" or
    "/\\x" as "//x", another host: only a path that names one of the tracker's own pages
    goes back, percent-encoded."""
    try:
        app.url_map.bind("tracker").match(request.path, method="GET")
    except HTTPException:  # no such page (or one that would redirect elsewhere)
        return "/"
    return quote(request.path, safe="/")


def install(app: Flask, keys: Keys) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.config["MAX_FORM_PARTS"] = MAX_FORM_FIELDS  # multipart; urlencoded is counted below

    @app.before_request
    def guard() -> BaseResponse | None:
        if request.host.lower() not in keys.hosts:
            return _refuse("host")
        given = request.args.get(TOKEN_PARAMETER)
        if given is not None:
            if not _same(given, keys.token):
                return _refuse("token")
            # Take the key out of the address bar and history; the cookie holds it now.
            response = redirect(_own_page(app), code=303)
            response.set_cookie(
                keys.cookie_name,
                keys.cookie_value,
                httponly=True,
                samesite="Strict",
                path="/",
            )
            return response
        if not _same(request.cookies.get(keys.cookie_name), keys.cookie_value):
            return _refuse("cookie")
        if request.endpoint is None:
            return None  # no such page, or not this method: the 404 or 405 page (nothing runs)
        if request.method not in ("GET", "HEAD"):
            too_large = body_refusal()
            if too_large is not None:
                return too_large
            origin = request.headers.get("Origin")
            if origin is not None and urlsplit(origin).netloc.lower() not in keys.hosts:
                return _refuse("origin")
            if not _same(request.form.get(CSRF_FIELD), keys.csrf_token):
                return _refuse("csrf")
        return None

    add_headers(app)

    # Globals, not a context processor: imported form macros see globals only.
    hidden = Markup('<input type="hidden" name="{}" value="{}">').format(
        CSRF_FIELD, keys.csrf_token
    )
    app.jinja_env.globals.update(
        csrf_field=CSRF_FIELD, csrf_token=keys.csrf_token, csrf_input=hidden
    )


def body_refusal() -> Response | None:
    """A request body too large, or a form with too many fields, refused before it is read."""
    from tracker.web.app import http_error  # the tracker's own page (app imports this module)

    limit = LARGE_BODIES.get(request.endpoint or "", MAX_BODY_BYTES)
    request.max_content_length = limit  # Flask's own check, as it reads the body
    if (request.content_length or 0) > limit:
        size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
        return http_error(413, detail=f"What was sent is larger than {size}")
    if sum(len(values) for values in request.form.listvalues()) > MAX_FORM_FIELDS:
        return http_error(413, detail=f"Too many fields in one form (more than {MAX_FORM_FIELDS})")
    return None


def add_headers(app: Flask) -> None:
    """The headers every answer carries: a strict Content-Security-Policy, no framing, no
    sniffing, and never cached (health data)."""

    @app.after_request
    def headers(response: Response) -> Response:
        policy = SVG_POLICY if response.mimetype == "image/svg+xml" else CONTENT_SECURITY_POLICY
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # same-origin, not no-referrer: with no-referrer the browser sends "Origin: null".
        response.headers["Referrer-Policy"] = "same-origin"
        # Health data: never kept in a shared cache or the browser's disk cache; a photo's
        # thumbnail by its version alone may be kept by this browser (tracker/web/photos.py).
        own = request.endpoint in PRIVATELY_KEPT and response.cache_control.private
        if request.endpoint != "static" and not own:
            response.headers["Cache-Control"] = "no-store"
        return response
