"""Staff's account pages in the hosted app: inviting a patient from the browser.

The link is shown once, to copy into the clinic's own message to the patient (the tracker
sends no e-mail); a patient who has an account gets a new link instead, and the old stops.
"""

from __future__ import annotations

from flask import Flask, render_template, request

from tracker.domain.accounts import Role
from tracker.domain.errors import TrackerError
from tracker.services import accounts
from tracker.web.app import Page
from tracker.web.forms import Form, empty
from tracker.web.hints import status_of
from tracker.web.hosted import clinic, now, reading, route, writing

STAFF = (Role.ADMIN, Role.CLINICIAN)


def invite_page() -> Page:
    return render_template("invite.html", form=empty(), issued=None, link=None, renewed=False)


def invite() -> Page:
    form = Form(request.form)
    email = form.data.get("email", "")
    settings = clinic()
    try:
        with reading() as store:
            existing = accounts.patient_account(store, email)
        with writing() as store:
            if existing is None:
                issued = accounts.invite_patient(store, email, now(), settings.link_lifetime)
            else:
                issued = accounts.new_link(store, email, now(), settings.link_lifetime)
    except TrackerError as exc:
        form.refuse(exc, ("email",), "email")
        page = render_template("invite.html", form=form, issued=None, link=None, renewed=False)
        return page, status_of(exc)
    return render_template(
        "invite.html",
        form=empty(),
        issued=issued,
        link=settings.link(issued.token),
        renewed=existing is not None,
    )


def register(app: Flask) -> None:
    route(app, "/clinic/invite", "invite_page", invite_page, roles=STAFF)
    route(app, "/clinic/invite", "invite", invite, roles=STAFF, methods=["POST"])
