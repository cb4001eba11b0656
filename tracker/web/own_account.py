"""A signed-in user's own account pages in the hosted app: changing the password (every
role), and a staff member's TOTP recovery codes."""

from __future__ import annotations

import datetime as dt
import math

from flask import Flask, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from tracker.domain.account_words import AccountWords
from tracker.domain.accounts import MIN_PASSWORD, Role
from tracker.domain.errors import TrackerError
from tracker.domain.throttle import wait_words
from tracker.services import passwords, recovery_codes
from tracker.web.app import Page
from tracker.web.forms import Form, empty
from tracker.web.hints import status_of
from tracker.web.hosted import (
    client_address,
    clinic,
    device_account,
    now,
    reading,
    route,
    set_session_cookie,
    signed_in,
    writing,
)

EVERYONE = (Role.ADMIN, Role.CLINICIAN, Role.PATIENT)
STAFF = (Role.ADMIN, Role.CLINICIAN)


def _password_page(form: Form, status: int = 200) -> Response:
    signed = signed_in()
    assert signed is not None  # the guard let a fully signed-in account in
    page = render_template(
        "account_password.html", form=form, min_password=MIN_PASSWORD, email=signed.account.email
    )
    return Response(page, status=status, mimetype="text/html")


def password_page() -> Response:
    return _password_page(empty())


def password_change() -> Response | Page:
    signed = signed_in()
    assert signed is not None
    form = Form(request.form)
    try:
        with writing() as store:  # a wrong current password is counted (committed)
            change = passwords.change(
                store,
                clinic().hashing,
                signed,
                current=form.data.get("current", ""),
                new=form.data.get("password", ""),
                repeated=form.data.get("repeated", ""),
                now=now(),
                address=client_address(),
                device=device_account(),
            )
    except TrackerError as exc:
        form.refuse(exc, ("password", "repeated"), "form")
        return _password_page(form, status_of(exc))
    if change.until is not None:
        return _paused(form, change.until)
    if change.token is None:
        form.errors["current"] = AccountWords.WRONG_CURRENT_PASSWORD.value
        return _password_page(form, 400)
    home = "today" if signed.account.role is Role.PATIENT else "staff_home"
    response = redirect(url_for(home), code=303)
    set_session_cookie(response, change.token)
    flash(AccountWords.PASSWORD_CHANGED.value)
    return response


def _paused(form: Form, until: dt.datetime) -> Response:
    form.errors["form"] = AccountWords.PASSWORD_CHECK_PAUSED.format(wait=wait_words(until, now()))
    response = _password_page(form, 429)
    response.headers["Retry-After"] = str(max(1, math.ceil((until - now()).total_seconds())))
    return response


def recovery_codes_shown(codes: list[str], *, replaced: bool) -> Response:
    """The codes just made, shown once (after enrolling the second factor, or a new set)."""
    page = render_template(
        "recovery_codes.html",
        codes=codes,
        replaced=replaced,
        form=empty(),
        left=None,
        set_size=recovery_codes.SET_SIZE,
        email="",
    )
    return Response(page, mimetype="text/html")


def _codes_page(form: Form, status: int = 200) -> Response:
    signed = signed_in()
    assert signed is not None  # staff, fully signed in
    with reading() as store:
        left = recovery_codes.left(store, signed.account)
    page = render_template(
        "recovery_codes.html",
        codes=None,
        replaced=False,
        form=form,
        left=left,
        set_size=recovery_codes.SET_SIZE,
        email=signed.account.email,
    )
    return Response(page, status=status, mimetype="text/html")


def recovery_codes_page() -> Response:
    return _codes_page(empty())


def recovery_codes_make() -> Response:
    signed = signed_in()
    assert signed is not None
    form = Form(request.form)
    with writing() as store:  # a wrong password is counted (committed)
        verified = passwords.verify_current(
            store,
            clinic().hashing,
            signed,
            form.data.get("current", ""),
            now=now(),
            address=client_address(),
            device=device_account(),
            action="new recovery codes",
        )
        codes = None
        if verified.ok:
            codes = recovery_codes.make_set(store, signed.account, now(), address=client_address())
    if codes is not None:
        return recovery_codes_shown(codes, replaced=True)
    if verified.until is not None:
        form.errors["form"] = AccountWords.PASSWORD_CHECK_PAUSED.format(
            wait=wait_words(verified.until, now())
        )
        response = _codes_page(form, 429)
        seconds = (verified.until - now()).total_seconds()
        response.headers["Retry-After"] = str(max(1, math.ceil(seconds)))
        return response
    form.errors["current"] = AccountWords.WRONG_CURRENT_PASSWORD.value
    return _codes_page(form, 400)


def register(app: Flask) -> None:
    from tracker.web import staff_nav

    staff_nav.add_link(app, "password_page", "Change password", roles=EVERYONE, section="account")
    staff_nav.add_link(app, "recovery_codes_page", "Recovery codes", roles=STAFF, section="account")
    route(app, "/account/recovery-codes", "recovery_codes_page", recovery_codes_page, roles=STAFF)
    route(
        app,
        "/account/recovery-codes",
        "recovery_codes_make",
        recovery_codes_make,
        roles=STAFF,
        methods=["POST"],
    )
    route(app, "/account/password", "password_page", password_page, roles=EVERYONE)
    route(
        app,
        "/account/password",
        "password_change",
        password_change,
        roles=EVERYONE,
        methods=["POST"],
    )
