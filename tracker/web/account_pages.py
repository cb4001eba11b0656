"""Signing in and out of the clinic's hosted app: sign-in, the second factor, a one-time
link's page (set a password, agree to the consent text), and the staff's first page."""

from __future__ import annotations

import datetime as dt
import math

from flask import Flask, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from tracker.domain.account_words import AccountWords
from tracker.domain.accounts import (
    CONSENT_TEXT,
    CONSENT_VERSION,
    MAX_PASSWORD,
    MAX_RESETS_PER_EMAIL,
    MIN_PASSWORD,
    Role,
    Stage,
)
from tracker.domain.errors import TrackerError
from tracker.domain.mail_words import MailWords
from tracker.domain.throttle import wait_words
from tracker.services import accounts, mail
from tracker.web import own_account
from tracker.web.app import Page, http_error
from tracker.web.forms import Form, empty
from tracker.web.hints import status_of
from tracker.web.hosted import (
    PUBLIC,
    actor,
    client_address,
    clinic,
    device_account,
    end_session_cookie,
    now,
    reading,
    route,
    safe_next,
    set_device_cookie,
    set_session_cookie,
    signed_in,
    writing,
)
from tracker.web.outbox import Outbox

STAFF_ROLES = (Role.ADMIN, Role.CLINICIAN)


def _landing(stage: Stage, role: Role) -> Response:
    if stage is Stage.CODE:
        return redirect(url_for("second_factor_page"), code=303)
    if stage is Stage.ENROL:
        return redirect(url_for("enrol_page"), code=303)
    return redirect(url_for("staff_home" if role is not Role.PATIENT else "today"), code=303)


def _signed_out_words() -> list[str]:
    """Why this browser is asked to sign in again: its session ended without use (and a
    form it sent then was not saved)."""
    words = []
    if request.args.get("expired") == "1":
        words.append(AccountWords.SIGNED_OUT_IDLE.format(minutes=clinic().idle_minutes))
    if request.args.get("unsaved") == "1":
        words = words or [AccountWords.SIGNED_OUT.value]  # ended on an earlier request
        words.append(AccountWords.NOTHING_SAVED.value)
    return words


def _sign_in_html(form: Form) -> str:
    back = safe_next(request.values.get("next"))
    return render_template("sign_in.html", form=form, signed_out=_signed_out_words(), next=back)


def _sign_in_page(form: Form, status: int = 200) -> Page:
    return _sign_in_html(form), status


def sign_in_page() -> Response | Page:
    signed = signed_in()
    if signed is not None:
        return _landing(signed.stage, signed.account.role)
    return _sign_in_page(empty())


def _opened(opened: accounts.Opened) -> Response:
    response = _landing(opened.stage, opened.account.role)
    set_session_cookie(response, opened.token)
    if opened.stage is Stage.FULL:
        set_device_cookie(response, opened.account)
    return response


def sign_in() -> Response | Page:
    form = Form(request.form)
    with writing() as store:  # a failure is recorded (committed) as well as a success
        opened = accounts.sign_in(
            store,
            clinic().hashing,
            form.data.get("email", ""),
            form.data.get("password", ""),
            now=now(),
            address=client_address(),
            device=device_account(),
        )
    if isinstance(opened, accounts.Paused):
        return _paused(form, opened.until)
    if opened is None:
        form.errors["form"] = AccountWords.SIGN_IN_FAILED.value
        return _sign_in_page(form, 401)
    back = safe_next(form.data.get("next"))
    if back is not None and opened.stage is Stage.FULL:  # back to the page left (a timeout)
        response = redirect(back, code=303)
        set_session_cookie(response, opened.token)
        set_device_cookie(response, opened.account)
        return response
    return _opened(opened)


def _paused(form: Form, until: dt.datetime) -> Response:
    """429 Too Many Requests, saying plainly for how long (and, for a program, Retry-After)."""
    form.errors["form"] = AccountWords.SIGN_IN_PAUSED.format(wait=wait_words(until, now()))
    response = Response(_sign_in_html(form), status=429, mimetype="text/html")
    response.headers["Retry-After"] = str(max(1, math.ceil((until - now()).total_seconds())))
    return response


def sign_out() -> Response:
    signed = signed_in()
    if signed is not None:
        with writing() as store:
            accounts.sign_out(store, signed, now())
    response = redirect(url_for("sign_in_page"), code=303)
    end_session_cookie(response)
    flash("You are signed out.")
    return response


def _welcome_page(token: str, form: Form, status: int = 200) -> Page:
    try:
        with reading() as store:
            account = accounts.link_holder(store, token, now())
    except TrackerError as exc:
        return render_template("link_unusable.html", message=exc.message), 404
    return (
        render_template(
            "welcome.html",
            account=account,
            token=token,
            form=form,
            consent_text=CONSENT_TEXT,
            consent_version=CONSENT_VERSION,
            min_password=MIN_PASSWORD,
        ),
        status,
    )


def welcome_page(token: str) -> Page:
    return _welcome_page(token, empty())


def welcome(token: str) -> Response | Page:
    form = Form(request.form)
    try:
        with writing() as store:
            opened = accounts.accept_link(
                store,
                clinic().hashing,
                token,
                password=form.data.get("password", ""),
                repeated=form.data.get("repeated", ""),
                agreed=form.data.get("consent") or None,
                now=now(),
                address=client_address(),
            )
    except TrackerError as exc:
        form.refuse(exc, ("password", "repeated", "consent"), "form")
        return _welcome_page(token, form, status_of(exc))
    return _opened(opened)


def _code_page(template: str, form: Form, status: int = 200) -> Response | Page:
    signed = signed_in()
    wanted = Stage.ENROL if template == "enrol.html" else Stage.CODE
    if signed is None or signed.stage is not wanted:
        return redirect(url_for("sign_in_page"), code=303)
    details = None
    if wanted is Stage.ENROL:
        with writing() as store:
            details = accounts.enrolment(store, signed)
    recovery = request.values.get("recovery") == "1"  # a recovery code in place of the app's
    return render_template(template, form=form, enrolment=details, recovery=recovery), status


def second_factor_page() -> Response | Page:
    return _code_page("code.html", empty())


def enrol_page() -> Response | Page:
    return _code_page("enrol.html", empty())


def enrol_qr() -> Response:
    signed = signed_in()
    picture = None
    if signed is not None and signed.stage is Stage.ENROL:
        with reading() as store:
            picture = accounts.enrolment_qr(store, signed)
    if picture is None:
        return http_error(404)  # nothing being enrolled: no code to show
    return Response(picture, mimetype="image/svg+xml")


def _check_code(template: str) -> Response | Page:
    signed = signed_in()
    form = Form(request.form)
    if signed is None or signed.stage is Stage.FULL:
        return redirect(url_for("sign_in_page"), code=303)
    with writing() as store:
        checked = accounts.second_factor(
            store,
            signed,
            form.data.get("code", ""),
            now=now(),
            address=client_address(),
            device=device_account(),
        )
    if checked.outcome is accounts.CodeCheck.ENDED:
        response = redirect(url_for("sign_in_page"), code=303)
        end_session_cookie(response)
        until = checked.until or now()
        flash(AccountWords.SIGN_IN_PAUSED.format(wait=wait_words(until, now())))
        return response
    if checked.outcome is accounts.CodeCheck.USED:
        form.errors["code"] = AccountWords.CODE_USED.value
        return _code_page(template, form, 400)
    if checked.outcome is accounts.CodeCheck.WRONG or checked.token is None:
        recovery = request.form.get("recovery") == "1"
        wrong = AccountWords.WRONG_RECOVERY_CODE if recovery else AccountWords.WRONG_CODE
        form.errors["code"] = wrong.value
        return _code_page(template, form, 400)
    if checked.codes:  # a new second factor: its recovery codes, shown this once
        response = own_account.recovery_codes_shown(list(checked.codes), replaced=False)
    else:
        response = redirect(url_for("staff_home"), code=303)
    if checked.recovery_left is not None:
        flash(AccountWords.RECOVERY_CODE_USED.format(left=checked.recovery_left))
    set_session_cookie(response, checked.token)
    set_device_cookie(response, signed.account)
    return response


def second_factor() -> Response | Page:
    return _check_code("code.html")


def enrol() -> Response | Page:
    return _check_code("enrol.html")


def consent_page() -> Page:
    return render_template(
        "consent.html", form=empty(), consent_text=CONSENT_TEXT, consent_version=CONSENT_VERSION
    )


def consent() -> Response | Page:
    account = actor()
    assert account is not None  # the guard let a patient in
    if request.form.get("consent") != CONSENT_VERSION:
        form = Form(request.form)
        form.errors["consent"] = AccountWords.CONSENT_NEEDED.value
        page = render_template(
            "consent.html", form=form, consent_text=CONSENT_TEXT, consent_version=CONSENT_VERSION
        )
        return page, 400
    with writing() as store:
        accounts.agree(store, account, CONSENT_VERSION, now())
    return redirect(url_for("today"), code=303)


def _forgotten_page(form: Form, asked: bool = False, status: int = 200) -> Page:
    settings = clinic()
    answer = None
    if asked:
        answer = MailWords.RESET_ASKED.format(hours=settings.link_hours, most=MAX_RESETS_PER_EMAIL)
    page = render_template(
        "forgotten.html",
        form=form,
        e_mail=settings.mail is not None,
        answer=answer,
        no_mail=MailWords.RESET_NO_MAIL.value,
    )
    return page, status


def forgotten() -> Page:
    return _forgotten_page(empty())


def _send_reset(app: Flask, email: str, address: str, asked_at: dt.datetime) -> None:
    """After the answer, on the outbox's thread: the account's link, e-mailed (none for an
    address no account has), the making and the sending audited."""
    with app.app_context():
        settings = clinic()
        if settings.mail is None:
            return
        with writing() as store:
            issued = accounts.reset_link(
                store, email, asked_at, settings.link_lifetime, address=address
            )
        if issued is None:
            return
        link = settings.link(issued.token)
        delivery = mail.send_link(
            settings.mail, issued.account.email, mail.Purpose.RESET, link, issued.expires_at
        )
        with writing() as store:
            mail.record_delivery(
                store, issued.account, delivery, now(), by=accounts.PUBLIC, address=address
            )


def ask_reset() -> Page:
    """One answer, whatever the address: the request is counted here (the same work for
    every address); the rest happens after the answer (``_send_reset``)."""
    if clinic().mail is None:
        return _forgotten_page(empty())
    form = Form(request.form)
    typed = form.data.get("email", "")
    address = client_address()
    asked_at = now()
    try:
        with writing() as store:
            send = accounts.ask_reset(store, typed, asked_at, address)
    except TrackerError as exc:
        form.refuse(exc, ("email",), "email")
        return _forgotten_page(form, status=status_of(exc))
    if send:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        outbox: Outbox = app.extensions["tracker.outbox"]
        outbox.submit(_send_reset, app, typed, address, asked_at)
    return _forgotten_page(empty(), asked=True)


def register(app: Flask) -> None:
    # The limits every password field says (templates/_password.html), whatever page it is on.
    app.jinja_env.globals.update(min_password=MIN_PASSWORD, max_password=MAX_PASSWORD)
    route(app, "/sign-in", "sign_in_page", sign_in_page, roles=[PUBLIC])
    route(app, "/sign-in", "sign_in", sign_in, roles=[PUBLIC], methods=["POST"])
    route(app, "/sign-out", "sign_out", sign_out, roles=[PUBLIC], methods=["POST"])
    route(app, "/forgotten", "forgotten", forgotten, roles=[PUBLIC])
    route(app, "/forgotten", "ask_reset", ask_reset, roles=[PUBLIC], methods=["POST"])
    app.extensions.setdefault("tracker.outbox", Outbox())
    route(app, "/welcome/<token>", "welcome_page", welcome_page, roles=[PUBLIC])
    route(app, "/welcome/<token>", "welcome", welcome, roles=[PUBLIC], methods=["POST"])
    # The second factor's pages check the session's stage themselves.
    route(app, "/code", "second_factor_page", second_factor_page, roles=[PUBLIC])
    route(app, "/code", "second_factor", second_factor, roles=[PUBLIC], methods=["POST"])
    route(app, "/enrol", "enrol_page", enrol_page, roles=[PUBLIC])
    route(app, "/enrol", "enrol", enrol, roles=[PUBLIC], methods=["POST"])
    route(app, "/enrol/qr.svg", "enrol_qr", enrol_qr, roles=[PUBLIC])
    route(app, "/consent", "consent_page", consent_page, roles=[Role.PATIENT])
    route(app, "/consent", "consent", consent, roles=[Role.PATIENT], methods=["POST"])
