"""An administrator's page for the clinic's staff accounts: the list, adding a clinician
or an administrator (the one-time link shown once to copy, and e-mailed with the clinic's
e-mail settings, as `tracker clinic user add` does), disabling and enabling (as `tracker
clinic user disable/enable` do; never the last active administrator), a new sign-in link (as
`tracker clinic link` makes one). Administrators only;
each change is in the audit log, and so is each refusal."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request, url_for
from werkzeug.wrappers import Response

from tracker.domain.account_words import AccountWords
from tracker.domain.accounts import Role
from tracker.domain.errors import TrackerError
from tracker.services import accounts
from tracker.web.app import Page
from tracker.web.forms import Form, empty
from tracker.web.hints import Link, status_of
from tracker.web.hosted import actor, client_address, clinic, now, reading, route, writing
from tracker.web.staff_pages import e_mailed, relinked

ADMINS = (Role.ADMIN,)


def _page(form: Form, status: int = 200, **shown: Any) -> Response:
    me = actor()
    assert me is not None  # the route is for administrators only
    with reading() as store:
        staff = accounts.staff_accounts(store)
    for name in ("issued", "link", "delivery", "sent", "done"):
        shown.setdefault(name, None)
    page = render_template("staff_accounts.html", form=form, staff=staff, me=me.id, **shown)
    return Response(page, status=status, mimetype="text/html")


def _by() -> accounts.Maker:
    me = actor()
    assert me is not None
    return (me.id, me.role.value)


def staff_page() -> Response:
    return _page(empty())


def staff_add() -> Response:
    form = Form(request.form)
    settings = clinic()
    try:
        with writing() as store:
            issued = accounts.add_staff(
                store,
                form.data.get("email", ""),
                form.data.get("role", ""),
                now(),
                settings.link_lifetime,
                by=_by(),
                address=client_address(),
            )
    except TrackerError as exc:
        form.refuse(exc, ("email", "role"), "email")
        return _page(form, status_of(exc))
    link = settings.link(issued.token)
    delivery = e_mailed(issued, link, _by())
    return _page(
        empty(),
        issued=issued,
        link=link,
        delivery=None if delivery is None else delivery.said(issued.account.email),
        sent=delivery is not None and delivery.sent,
    )


def _set_state(account_id: int, enabled: bool) -> Response:
    form = empty()
    try:
        with writing() as store:
            account = accounts.staff_account(store, account_id)
            if enabled:
                accounts.enable(store, account.email, now(), by=_by(), address=client_address())
            else:
                accounts.disable(store, account.email, now(), by=_by(), address=client_address())
    except TrackerError as exc:
        if exc.field == "email":  # the last active administrator: the refusal is recorded
            with writing() as store:
                accounts.record_state_refused(
                    store, account_id, "disable", now(), by=_by(), address=client_address()
                )
        form.errors["account"] = exc.message
        return _page(form, status_of(exc))
    said = AccountWords.STAFF_ENABLED if enabled else AccountWords.STAFF_DISABLED
    return _page(form, done=said.format(email=account.email))


def staff_disable(account_id: int) -> Response:
    return _set_state(account_id, enabled=False)


def staff_enable(account_id: int) -> Response:
    return _set_state(account_id, enabled=True)


def staff_link(account_id: int) -> Page | Response:
    """A new sign-in link for a staff member (a forgotten password, a lost phone), as
    `tracker clinic link` makes one: not for one's own account, nor a patient's (404)."""
    try:
        with reading() as store:
            account = accounts.staff_account(store, account_id)
    except TrackerError as exc:
        form = empty()
        form.errors["account"] = exc.message
        return _page(form, status_of(exc))
    return relinked(account, Link(url_for("staff_accounts"), "Back to the staff accounts"))


def register(app: Flask) -> None:
    from tracker.web import staff_nav

    staff_nav.add_link(app, "staff_accounts", "Staff accounts", roles=ADMINS)
    route(app, "/clinic/staff", "staff_accounts", staff_page, roles=ADMINS)
    route(app, "/clinic/staff", "staff_add", staff_add, roles=ADMINS, methods=["POST"])
    base = "/clinic/staff/<int:account_id>"
    route(app, f"{base}/disable", "staff_disable", staff_disable, roles=ADMINS, methods=["POST"])
    route(app, f"{base}/enable", "staff_enable", staff_enable, roles=ADMINS, methods=["POST"])
    route(app, f"{base}/link", "staff_new_link", staff_link, roles=ADMINS, methods=["POST"])
