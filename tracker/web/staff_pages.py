"""Staff's account pages in the hosted app: inviting a patient from the browser.

The link is shown once, to copy into the clinic's own message to the patient; with the
clinic's e-mail settings it is also e-mailed, and the page says whether that went (if not,
the link still works: copy it). A patient who has not set a password yet gets a new link
instead, and the old stops. A patient who has a password gets none here (whoever opened it
could take the account over). Every link made, and every one refused, is in the audit log.
"""

from __future__ import annotations

from flask import Flask, render_template, request

from tracker.domain.accounts import Role
from tracker.domain.errors import TrackerError
from tracker.services import accounts, mail
from tracker.web.app import Page
from tracker.web.forms import Form, empty
from tracker.web.hints import status_of
from tracker.web.hosted import actor, client_address, clinic, now, reading, route, writing

STAFF = (Role.ADMIN, Role.CLINICIAN)


def invite_page() -> Page:
    return render_template(
        "invite.html", form=empty(), issued=None, link=None, renewed=False, delivery=None
    )


def e_mailed(issued: accounts.Issued, link: str, by: accounts.Maker) -> mail.Delivery | None:
    """E-mail the link when the clinic has the settings; the send and its outcome are
    audited. The account and its link stay, whatever the send does."""
    settings = clinic().mail
    if settings is None:
        return None
    purpose = mail.purpose_of(issued.account)
    delivery = mail.send_link(settings, issued.account.email, purpose, link, issued.expires_at)
    with writing() as store:
        mail.record_delivery(
            store, issued.account, delivery, now(), by=by, address=client_address()
        )
    return delivery


def invite() -> Page:
    form = Form(request.form)
    email = form.data.get("email", "")
    settings = clinic()
    staff = actor()
    assert staff is not None  # the route is for staff only
    by = (staff.id, staff.role.value)
    existing = None
    try:
        with reading() as store:
            existing = accounts.patient_account(store, email)
        with writing() as store:
            issued = accounts.renew_invitation(
                store, email, now(), settings.link_lifetime, by=by, address=client_address()
            )
    except TrackerError as exc:
        if existing is not None:  # refused for a patient's account: recorded for them
            why = "account disabled" if existing.disabled else "account has a password"
            with writing() as store:
                accounts.record_link(
                    store, existing, now(), by=by, address=client_address(), refused=why
                )
        form.refuse(exc, ("email",), "email")
        page = render_template(
            "invite.html", form=form, issued=None, link=None, renewed=False, delivery=None
        )
        return page, status_of(exc)
    link = settings.link(issued.token)
    delivery = e_mailed(issued, link, by)
    return render_template(
        "invite.html",
        form=empty(),
        issued=issued,
        link=link,
        renewed=existing is not None,
        delivery=None if delivery is None else delivery.said(issued.account.email),
        sent=delivery is not None and delivery.sent,
    )


def register(app: Flask) -> None:
    route(app, "/clinic/invite", "invite_page", invite_page, roles=STAFF)
    route(app, "/clinic/invite", "invite", invite, roles=STAFF, methods=["POST"])
