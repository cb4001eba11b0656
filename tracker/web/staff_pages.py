"""Staff's account pages in the hosted app: inviting a patient from the browser, and a new
sign-in link for a patient who cannot sign in.

The link is shown once, to copy into the clinic's own message to the patient; with the
clinic's e-mail settings it is also e-mailed, and the page says whether that went (if not,
the link still works: copy it). A patient who has not set a password yet gets a new link
instead, and the old stops. A patient who has a password gets none here (whoever opened it
could take the account over). Every link made, and every one refused, is in the audit log.
"""

from __future__ import annotations

from flask import Flask, abort, render_template, request, url_for

from tracker.domain.account_words import AccountWords
from tracker.domain.accounts import AccountRecord, Role
from tracker.domain.clock import at
from tracker.domain.errors import TrackerError
from tracker.services import accounts, mail, reviews
from tracker.web.app import Page, patient_zone
from tracker.web.forms import Form, empty
from tracker.web.hints import Link, status_of
from tracker.web.hosted import actor, client_address, clinic, now, reading, route, writing

STAFF = (Role.ADMIN, Role.CLINICIAN)


def _invite(form: Form, **shown: object) -> str:
    for name in ("issued", "link", "delivery", "relink"):
        shown.setdefault(name, None)
    shown.setdefault("renewed", False)
    return render_template("invite.html", form=form, **shown)


def invite_page() -> Page:
    return _invite(empty())


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
        # A patient who set a password and cannot sign in: the way on is a new sign-in link.
        active = existing is not None and existing.has_password and not existing.disabled
        relink = _profile_of(existing) if active and existing is not None else None
        return _invite(form, relink=relink), status_of(exc)
    link = settings.link(issued.token)
    delivery = e_mailed(issued, link, by)
    return _invite(
        empty(),
        issued=issued,
        link=link,
        renewed=existing is not None,
        delivery=None if delivery is None else delivery.said(issued.account.email),
        sent=delivery is not None and delivery.sent,
    )


def _profile_of(account: AccountRecord) -> int | None:
    if account.profile is None:
        return None
    with reading() as store:
        found: int | None = reviews.profile_id_named(store, account.profile)
    return found


def relinked(account: AccountRecord, back: Link) -> Page:
    """A new sign-in link for the account, made by the staff member signed in: shown once,
    e-mailed with the clinic's settings; refused (and the refusal recorded) for a disabled
    account or one's own. ``back``: where the page leads on."""
    staff = actor()
    assert staff is not None  # the routes are for staff only
    by = (staff.id, staff.role.value)
    try:
        with writing() as store:
            issued = accounts.staff_link(
                store, account, now(), clinic().link_lifetime, by=by, address=client_address()
            )
    except TrackerError as exc:
        why = "account disabled" if account.disabled else "own account"
        with writing() as store:
            accounts.record_link(
                store, account, now(), by=by, address=client_address(), refused=why
            )
        page = render_template("new_link.html", refused=exc.message, back=back)
        return page, status_of(exc)
    link = clinic().link(issued.token)
    delivery = e_mailed(issued, link, by)
    made = AccountWords.NEW_LINK_MADE.format(
        email=account.email, expires=at(issued.expires_at, patient_zone())
    )
    second = AccountWords.NEW_LINK_SECOND_FACTOR.value if account.is_staff else None
    return render_template(
        "new_link.html",
        refused=None,
        issued=issued,
        link=link,
        made=made,
        second_factor=second,
        delivery=None if delivery is None else delivery.said(account.email),
        sent=delivery is not None and delivery.sent,
        back=back,
    )


def patient_link(patient: int) -> Page:
    """A new sign-in link for the patient with this profile id (404 for any other id)."""
    with reading() as store:
        found = reviews.patient_named(store, patient)
        account = None if found is None else accounts.patient_account(store, found[1])
    if account is None:
        abort(404)
    back = Link(url_for("clinic_status", patient=patient), f"Back to {account.email}'s record")
    return relinked(account, back)


def register(app: Flask) -> None:
    route(app, "/clinic/invite", "invite_page", invite_page, roles=STAFF)
    route(app, "/clinic/invite", "invite", invite, roles=STAFF, methods=["POST"])
    patient = "/clinic/patients/<int:patient>/link"
    route(app, patient, "clinic_new_link", patient_link, roles=STAFF, methods=["POST"])
