"""The hosted clinic's flow gaps a fresh-eyes pass found (issue 26): the treatment day
among the days not logged, a wrong method told as a forged form, a forgotten password
without e-mail sent in a circle, the clinic's own name and urgent contact on its pages.
On real SQLite and PostgreSQL (TRACKER_TEST_DATABASE_URL), with Flask's test client."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from clinic_support import PUBLIC_URL, Clinic, ClinicBrowser
from flask import Flask
from mail_support import Mailbox
from web_support import BASE, Browser
from werkzeug.test import TestResponse

from tracker.cli.clinic_commands import DEFAULT_PORT as CLI_DEFAULT_PORT
from tracker.cli.clinic_commands import _serve_way_on
from tracker.domain.errors import TrackerError
from tracker.domain.flag_words import IF_UNREACHABLE, urgent_advice, with_urgent_contact
from tracker.services import accounts, audit
from tracker.services.clinic_settings import read_settings
from tracker.web import clinic_server
from tracker.web.clinic_server import clinic_settings, served_elsewhere

ANN = "ann@example.org"
DOC = "doc@example.org"
BOSS = "boss@example.org"


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


def _visible(response: object) -> str:
    """The page's words, tags out, whitespace folded."""
    text = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _patient(clinic: Clinic, email: str = ANN) -> ClinicBrowser:
    browser = clinic.browser()
    assert browser.accept(clinic.invite(email)).status_code == 303
    return browser


def _staff(clinic: Clinic, email: str = DOC, role: str = "clinician") -> ClinicBrowser:
    browser = clinic.browser()
    browser.enrol_staff(clinic.add_staff(email, role), email)
    assert browser.get("/clinic").status_code == 200
    return browser


def _profile_id(clinic: Clinic, email: str = ANN) -> int:
    with clinic.database.reading() as store:
        return {e: pid for pid, e in store.patient_emails().items()}[email]


# -- the treatment day is not a day missed ------------------------------------------------


def test_the_treatment_day_is_not_listed_among_the_days_not_logged(clinic: Clinic) -> None:
    # The clinic's today is 2026-11-24; the session was on the 19th (day 0). Ann logs days
    # 1, 2, 4 and 5 (today), as she was asked: "every day after each session".
    ann = _patient(clinic)
    ann.get("/sessions")
    assert ann.post("/sessions", {"date": "2026-11-19", "kind": "ipl"}).status_code == 303
    for date in ("2026-11-20", "2026-11-21", "2026-11-23", "2026-11-24"):
        ann.get(f"/?date={date}")
        sent = ann.post("/checkin", {"date": date, "value-redness": "3"})
        assert sent.status_code == 303, _visible(sent)
    doc = _staff(clinic)
    for page in (ann.get("/status"), doc.get(f"/clinic/patients/{_profile_id(clinic)}/")):
        said = _visible(page)
        assert "Days not logged yet: 2026-11-22." in said, said
        assert "2026-11-19" not in said.split("Days not logged yet")[1]
        assert "Check in for today" not in said


# -- a wrong method is told as such, and a refused form is not "a private page" -----------

WRONG_METHODS = ("PUT", "DELETE", "PATCH")


def _method_refusals(app: Flask, send: Callable[[str, str], TestResponse]) -> int:
    """Every rule of the app with each method it does not take, sent with no CSRF token
    (a form's check must not answer first): the tracker's 405 page. How many were tried."""
    taken: dict[str, set[str]] = {}  # a path's methods, over every rule at that path
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            path = re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", rule.rule)
            taken.setdefault(path, set()).update(rule.methods or ())
    tried = 0
    for path, methods in taken.items():
        for method in sorted({*WRONG_METHODS, "POST"} - methods):
            answer = send(method, path)
            said = _visible(answer)
            assert answer.status_code == 405, (method, path, said)
            assert "Not possible" in said and f"({method})" in said, (method, path, said)
            assert "did not come from" not in said and "private" not in said, (method, path)
            tried += 1
    return tried


def test_a_wrong_method_gets_the_405_page_not_the_forged_form_page(clinic: Clinic) -> None:
    ann = _patient(clinic)
    for method in WRONG_METHODS:
        answer = ann.client.open(PUBLIC_URL + "/checkin", method=method, data={"x": "1"})
        assert answer.status_code == 405, method
        assert "This address is not used that way" in _visible(answer)
    tried = _method_refusals(
        ann.app, lambda method, path: ann.client.open(PUBLIC_URL + path, method=method)
    )
    signed_out = clinic.browser()
    tried += _method_refusals(
        signed_out.app,
        lambda method, path: signed_out.client.open(PUBLIC_URL + path, method=method),
    )
    assert tried > 100  # the premise: many rules, each with methods it does not take


def test_a_wrong_method_on_the_private_page_gets_the_405_page(db_url: str) -> None:
    browser = Browser(db_url, dt.date(2026, 11, 24))
    try:
        browser.sign_in()
        tried = _method_refusals(
            browser.app, lambda method, path: browser.client.open(BASE + path, method=method)
        )
        assert tried > 50
        # Without the key the page stays private, whatever the method.
        stranger = Browser(db_url, dt.date(2026, 11, 24))
        refused = stranger.client.open(BASE + "/checkin", method="PUT")
        assert refused.status_code == 403 and "This page is private" in _visible(refused)
        stranger.close()
    finally:
        browser.close()


@pytest.mark.parametrize("path", ["/sign-in", "/forgotten"])
def test_a_refused_public_form_is_not_called_a_private_page(clinic: Clinic, path: str) -> None:
    browser = clinic.browser()
    browser.get(path)
    answer = browser.client.post(PUBLIC_URL + path, data={"email": ANN, "password": "x" * 12})
    said = _visible(answer)
    assert answer.status_code == 403
    assert "This form was not accepted" in said and "nothing was changed" in said
    assert "private" not in said


# -- a new sign-in link from the browser (no way round in a circle) -----------------------

LINK = re.compile(re.escape(PUBLIC_URL) + r"/welcome/([A-Za-z0-9_-]{43})")
NEW_PASSWORD = "a new password, long enough"


def _events(clinic: Clinic) -> list[str]:
    with clinic.database.reading() as store:
        return [f"{e.actor_role}: {e.what} [{e.outcome}]" for e in audit.listed(store)]


def test_without_e_mail_a_clinician_gives_a_patient_who_forgot_a_new_sign_in_link(
    clinic: Clinic,
) -> None:
    ann = _patient(clinic)
    doc = _staff(clinic)
    patient = _profile_id(clinic)
    # The invite page no longer sends the receptionist to "Forgotten your password?" (which
    # sends the patient back to the clinic when no e-mail is sent): it offers the new link.
    doc.get("/clinic/invite")
    again = doc.post("/clinic/invite", {"email": ANN})
    said = _visible(again)
    assert again.status_code == 409
    assert "make them a new sign-in link" in said and "Forgotten" not in said
    refusal = again.get_data(as_text=True)
    assert f'action="/clinic/patients/{patient}/link" id="relink"' in refusal
    assert 'form="relink"' in refusal  # the button beside the refusal's words
    assert "Forgotten" not in _visible(doc.get("/clinic/invite"))
    record = _visible(doc.get(f"/clinic/patients/{patient}/"))
    assert "New sign-in link" in record and "this tracker sends no e-mail" in record
    forgotten = _visible(clinic.browser().get("/forgotten"))
    assert "Ask your clinic for a new link" in forgotten

    made = doc.post(f"/clinic/patients/{patient}/link")
    page = made.get_data(as_text=True)
    assert made.status_code == 200, _visible(made)
    (token,) = LINK.findall(page)
    said = _visible(made)
    assert f"A new sign-in link for {ANN}." in said
    assert "Give this link to them yourself" in said and "authenticator" not in said
    assert f"Back to {ANN}'s record" in said
    # Her password works until the link is opened; then only the new one does.
    assert clinic.browser().sign_in(ANN).status_code == 303
    phone = clinic.browser()
    assert phone.accept(token, NEW_PASSWORD).status_code == 303
    assert phone.get("/status").status_code == 200
    assert ann.get("/status").status_code == 303  # her other sessions ended
    assert clinic.browser().sign_in(ANN).status_code == 401
    assert clinic.browser().sign_in(ANN, NEW_PASSWORD).status_code == 303
    assert phone.get(f"/welcome/{token}").status_code == 404  # used once
    assert f"clinician: link for {ANN} [allowed]" in _events(clinic)


def test_a_new_link_is_refused_for_a_disabled_patient_and_to_patients(clinic: Clinic) -> None:
    ann = _patient(clinic)
    bob = _patient(clinic, "bob@example.org")
    doc = _staff(clinic)
    patient = _profile_id(clinic)
    ann.get("/")
    assert ann.post(f"/clinic/patients/{patient}/link").status_code == 403
    bob.get("/")
    assert bob.post(f"/clinic/patients/{patient}/link").status_code == 403
    assert doc.post("/clinic/patients/999999/link").status_code == 404
    with clinic.database.writing() as store:
        accounts.disable(store, ANN, clinic.clock())
    refused = doc.post(f"/clinic/patients/{patient}/link")
    assert refused.status_code == 409
    assert "is disabled" in _visible(refused) and not LINK.findall(refused.get_data(as_text=True))
    assert f"clinician: link for {ANN} refused: account disabled [refused]" in _events(clinic)


def test_with_e_mail_the_new_link_is_sent_and_the_pages_offer_both_ways(
    db_url: str, tmp_path: Path
) -> None:
    with Mailbox.running() as box:
        clinic = Clinic(db_url, mail=box.settings())
        try:
            _patient(clinic)
            doc = _staff(clinic)
            patient = _profile_id(clinic)
            assert "Forgotten your password?" in _visible(doc.get("/clinic/invite"))
            record = _visible(doc.get(f"/clinic/patients/{patient}/"))
            assert "it is e-mailed to them and shown to you" in record
            made = doc.post(f"/clinic/patients/{patient}/link")
            said = _visible(made)
            assert f"The link was sent by e-mail to {ANN}." in said
            (token,) = LINK.findall(made.get_data(as_text=True))
            (message,) = [m for m in box.wait_for(1) if m["To"] == ANN]
            assert token in str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
        finally:
            clinic.close()


def test_an_administrator_gives_staff_a_new_sign_in_link_never_to_themselves(
    clinic: Clinic,
) -> None:
    boss = _staff(clinic, BOSS, "admin")
    doc = _staff(clinic)
    with clinic.database.reading() as store:
        ids = {a.email: a.id for a, _ in accounts.staff_accounts(store)}
    page = boss.get("/clinic/staff").get_data(as_text=True)
    assert f'action="/clinic/staff/{ids[DOC]}/link"' in page
    assert f'action="/clinic/staff/{ids[BOSS]}/link"' not in page  # not for oneself
    assert "tracker clinic link" not in page
    own = boss.post(f"/clinic/staff/{ids[BOSS]}/link")
    assert own.status_code == 409 and "This is your own account" in _visible(own)
    assert doc.post(f"/clinic/staff/{ids[BOSS]}/link").status_code == 403  # admins only
    made = boss.post(f"/clinic/staff/{ids[DOC]}/link")
    said = _visible(made)
    assert made.status_code == 200, said
    assert "sets up their authenticator app anew" in said
    (token,) = LINK.findall(made.get_data(as_text=True))
    # Doc lost the phone: the link sets a new password and the second factor anew.
    phone = clinic.browser()
    assert phone.accept(token, NEW_PASSWORD, agree=False).status_code == 303
    assert phone.get("/clinic").headers["Location"].endswith("/enrol")
    assert doc.get("/clinic").status_code == 303  # the old session ended
    assert f"admin: link for {DOC} [allowed]" in _events(clinic)
    assert f"admin: link for {BOSS} refused: own account [refused]" in _events(clinic)
    # A patient's account is not reached through the staff page.
    _patient(clinic)
    with clinic.database.reading() as store:
        ann = store.accounts().by_email(ANN)
    assert ann is not None
    assert boss.post(f"/clinic/staff/{ann.id}/link").status_code == 404


# -- the clinic's name and its own urgent contact -----------------------------------------

ON_CALL = "If you cannot reach us, call the Riverside on-call nurse on 0161 496 0000, day or night."


def _urgent_patient(clinic: Clinic) -> ClinicBrowser:
    ann = _patient(clinic)
    ann.get("/sessions")
    assert (
        ann.post("/sessions", {"date": "2026-11-21", "kind": "co2-fractional"}).status_code == 303
    )
    ann.get("/")
    sent = ann.post("/checkin", {"date": "2026-11-24", "value-pus": "6", "value-blistering": "5"})
    assert sent.status_code == 303, _visible(sent)
    return ann


def test_the_clinics_urgent_contact_stands_in_the_red_box_in_place_of_111(db_url: str) -> None:
    clinic = Clinic(db_url, urgent_contact=ON_CALL, clinic_name="Riverside Skin Clinic")
    try:
        ann = _urgent_patient(clinic)
        doc = _staff(clinic)
        for page in (ann.get("/status"), doc.get(f"/clinic/patients/{_profile_id(clinic)}/")):
            said = _visible(page)
            assert "Contact your skin specialist or clinic now." in said, said
            assert ON_CALL in said and "111" not in said, said
            assert "hosted by Riverside Skin Clinic." in said
        said = _visible(clinic.browser().get("/sign-in"))
        assert "The recovery tracker of Riverside Skin Clinic." in said
    finally:
        clinic.close()
    # Without it, the sourced wording stays as it is (and the pages say "your clinic").
    plain = Clinic(db_url)
    try:
        said = _visible(plain.browser().get("/sign-in"))
        assert "hosted by your clinic." in said and "The recovery tracker of" not in said
        ann = plain.browser()
        assert ann.sign_in(ANN).status_code == 303
        said = _visible(ann.get("/status"))
        assert IF_UNREACHABLE in said and ON_CALL not in said
    finally:
        plain.close()


def test_the_private_page_keeps_the_sourced_urgent_wording(db_url: str) -> None:
    assert with_urgent_contact(urgent_advice("pus"), None) == urgent_advice("pus")
    changed = with_urgent_contact(urgent_advice("pus"), ON_CALL)
    assert changed.endswith(ON_CALL) and "111" not in changed


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ({}, None),
        ({"TRACKER_CLINIC_NAME": "  Riverside  "}, "Riverside"),
        (
            {
                "TRACKER_SMTP_HOST": "127.0.0.1",
                "TRACKER_SMTP_TLS": "none",
                "TRACKER_MAIL_FROM": "Hillside Clinic <t@hillside.example>",
            },
            "Hillside Clinic",
        ),
    ],
)
def test_clinic_name_is_a_clinic_setting_and_the_pages_name(
    given: dict[str, str], shown: str | None
) -> None:
    base = {"TRACKER_SECRET_KEY": "k" * 40, "TRACKER_PUBLIC_URL": "https://t.example"}
    assert read_settings({**base, **given}).shown_name == shown


@pytest.mark.parametrize("bad", ["x" * 301, "call us\non 0161", "tab\there"])
def test_an_urgent_contact_on_more_than_one_line_or_too_long_is_refused(bad: str) -> None:
    base = {"TRACKER_SECRET_KEY": "k" * 40, "TRACKER_PUBLIC_URL": "https://t.example"}
    with pytest.raises(TrackerError, match="urgent_contact"):
        read_settings({**base, "TRACKER_URGENT_CONTACT": bad})
    assert (
        read_settings({**base, "TRACKER_URGENT_CONTACT": f" {ON_CALL} "}).urgent_contact == ON_CALL
    )


# -- a public address that is not where the server listens --------------------------------


def _env(db_url: str, **more: str) -> dict[str, str]:
    return {"TRACKER_DB": db_url, "TRACKER_SECRET_KEY": "k" * 40, **more}


@pytest.mark.parametrize(
    ("public", "proxies", "given", "port", "elsewhere"),
    [
        (None, None, None, 8766, False),  # no address set: this server's own
        (None, None, 9001, 9001, False),
        ("http://127.0.0.1:8767", None, None, 8767, False),  # the address's port is served
        ("http://localhost:8767", None, None, 8767, False),
        ("http://127.0.0.1:8767", None, 8766, 8766, True),  # fresh eyes 2: links lead nowhere
        ("http://127.0.0.1", None, None, 80, False),
        ("https://tracker.clinic.example", None, None, 8766, True),  # a proxy, not declared
        ("https://tracker.clinic.example", "1", None, 8766, False),  # declared
        ("http://127.0.0.1:8767", "1", 8766, 8766, False),
        ("http://[::1]:8766", None, None, 8766, True),  # IPv6: nothing listens there
    ],
)
def test_the_public_address_is_served_or_the_start_warns(
    db_url: str,
    public: str | None,
    proxies: str | None,
    given: int | None,
    port: int,
    elsewhere: bool,
) -> None:
    more = {"TRACKER_PUBLIC_URL": public} if public else {}
    if proxies:
        more["TRACKER_TRUSTED_PROXIES"] = proxies
    settings, served = clinic_settings(_env(db_url, **more), None, "127.0.0.1", given)
    assert served == port
    assert served_elsewhere(settings, "127.0.0.1", served) is elsewhere
    assert clinic_server.DEFAULT_PORT == CLI_DEFAULT_PORT


def test_the_start_line_warns_in_plain_words_when_links_would_lead_elsewhere(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server itself is not started: only what is said once it listens.
    monkeypatch.setattr(clinic_server, "_waitress", lambda _app, _host, _port, ready: ready())
    said: list[str] = []
    env = _env(db_url, TRACKER_PUBLIC_URL="http://127.0.0.1:8767")
    clinic_server.serve_clinic(
        env, None, host="127.0.0.1", port=8766, workers=1, say=said.append, way_on=_serve_way_on
    )
    text = " ".join(said)
    assert "The clinic's tracker is at http://127.0.0.1:8767" in text
    assert "Warning: the clinic's public address http://127.0.0.1:8767 is not where this " in text
    assert "The one-time links shown and e-mailed lead to http://127.0.0.1:8767, not here" in text
    assert "tracker clinic serve --port 8767" in text and "TRACKER_TRUSTED_PROXIES=1" in text
    said.clear()
    clinic_server.serve_clinic(env, None, host="127.0.0.1", port=None, workers=1, say=said.append)
    assert "plain HTTP on 127.0.0.1:8767" in " ".join(said)
    assert not [line for line in said if "Warning" in line]
