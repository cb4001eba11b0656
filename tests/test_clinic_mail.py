"""One-time links e-mailed through a real SMTP server in this process (aiosmtpd): the
invitation from the browser and from the command line, a staff member's link, a new link;
a server that cannot be reached or is not trusted gives the "could not send" path, with
the link still shown and still working, and the account kept.

aiosmtpd is a test dependency only: the standard library has no SMTP server since Python
3.12 (smtpd was removed), and this one speaks STARTTLS, implicit TLS and AUTH as a
clinic's server does."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest
from clinic_support import PUBLIC_URL, Clinic
from conftest import invoke
from mail_support import Mailbox, free_port

from tracker.services import audit, mail

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
ANN = "ann@example.org"
DOC = "doc@example.org"
LINK = re.compile(re.escape(PUBLIC_URL) + r"/welcome/[A-Za-z0-9_-]{43}")
EXPIRES = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def box() -> Iterator[Mailbox]:
    with Mailbox.running() as running:
        yield running


def _env(port: int, **more: str) -> dict[str, str]:
    return {
        "TRACKER_PUBLIC_URL": PUBLIC_URL,
        "TRACKER_CONFIG": "",
        "TRACKER_SMTP_HOST": "127.0.0.1",
        "TRACKER_SMTP_PORT": str(port),
        "TRACKER_SMTP_TLS": "none",
        "TRACKER_MAIL_FROM": "Riverside Clinic <tracker@clinic.example>",
        **more,
    }


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def _events(clinic: Clinic) -> list[str]:
    with clinic.database.reading() as store:
        return [f"{e.what} [{e.outcome}]" for e in audit.listed(store)]


def _links(text: str) -> list[str]:
    return LINK.findall(text)


def test_the_message_is_short_plain_and_says_who_what_and_until_when(box: Mailbox) -> None:
    settings = box.settings()
    link = f"{PUBLIC_URL}/welcome/{'x' * 43}"
    delivery = mail.send_link(settings, ANN, mail.Purpose.INVITATION, link, EXPIRES)
    assert delivery.sent and delivery.said(ANN) == f"The link was sent by e-mail to {ANN}."
    (message,) = box.wait_for(1)
    assert message["To"] == ANN and message["From"] == settings.sender
    assert message["Subject"] == "Riverside Clinic: your link to the recovery tracker"
    assert message.get_content_type() == "text/plain" and not message.is_multipart()
    body = _body(message)
    assert link in body.split() and "Riverside Clinic" in body
    assert "until 6 December 2026, 09:00 (Europe/London)" in body  # GMT in December
    assert len(body) < 800
    for health in ("symptom", "redness", "flag", "laser", "session", "day "):
        assert health not in body.lower()


def test_a_reset_message_says_to_ignore_it_if_not_asked(box: Mailbox) -> None:
    link = f"{PUBLIC_URL}/welcome/{'y' * 43}"
    assert mail.send_link(box.settings(), ANN, mail.Purpose.RESET, link, EXPIRES).sent
    body = _body(box.wait_for(1)[0])
    assert "If you did not ask, do nothing" in body and link in body


def test_the_command_line_invitation_is_e_mailed_with_the_printed_link(
    box: Mailbox, db_url: str
) -> None:
    clinic = Clinic(db_url)
    try:
        result = invoke("clinic", "invite", ANN, "--db", db_url, env=_env(box.port))
        assert result.exit_code == 0, result.output
        (printed,) = _links(result.stdout)
        assert f"The link was sent by e-mail to {ANN}." in result.stdout
        (message,) = box.wait_for(1)
        assert _links(_body(message)) == [printed]
        assert box.handler.envelopes == [("tracker@clinic.example", [ANN])]
        token = printed.rsplit("/", 1)[1]
        assert clinic.browser().accept(token).status_code == 303  # the e-mailed link works
        events = _events(clinic)
        assert f"link for {ANN} [allowed]" in events
        assert f"link e-mailed to {ANN} [allowed]" in events
        assert not any(token in event for event in events)
    finally:
        clinic.close()


def test_staff_links_and_new_links_are_e_mailed_for_what_they_are(
    box: Mailbox, db_url: str
) -> None:
    env = _env(box.port, TRACKER_CLINIC_NAME="Riverside")
    added = invoke("clinic", "user", "add", DOC, "--role", "clinician", "--db", db_url, env=env)
    assert added.exit_code == 0, added.output
    again = invoke("clinic", "link", DOC, "--db", db_url, env=env)
    assert again.exit_code == 0, again.output
    staff, renewed = box.wait_for(2)
    assert staff["Subject"] == "Riverside: your link to set your recovery tracker password"
    assert "code app" in _body(staff) and _links(_body(staff)) == _links(added.stdout)
    assert _links(_body(renewed)) == _links(again.stdout)
    # Before its password is set the account is still "made"; after, a new link is new.
    assert "has made you an account" in _body(renewed)
    clinic = Clinic(db_url)
    try:
        with clinic.database.writing() as store:
            account = store.accounts().by_email(DOC)
            assert account is not None
            store.accounts().set_password_hash(account.id, "set")
    finally:
        clinic.close()
    once_more = invoke("clinic", "link", DOC, "--db", db_url, env=env)
    (later,) = box.wait_for(3)[2:]
    assert later["Subject"] == "Riverside: a link to set a new password"
    assert "has made you a new link" in _body(later) and "code app again" in _body(later)
    assert _links(_body(later)) == _links(once_more.stdout)


def test_a_server_nobody_answers_leaves_the_link_to_copy_and_the_account_made(
    db_url: str,
) -> None:
    clinic = Clinic(db_url)
    try:
        env = _env(free_port())
        result = invoke("clinic", "invite", ANN, "--db", db_url, env=env)
        assert result.exit_code == 0, result.output
        (printed,) = _links(result.stdout)
        assert "could not be sent (the e-mail server could not be reached)" in result.stderr
        assert "copy it" in result.stderr and "Traceback" not in result.output
        assert clinic.browser().accept(printed.rsplit("/", 1)[1]).status_code == 303
        assert any(
            "not sent: the e-mail server could not be reached [refused]" in event
            for event in _events(clinic)
        )
    finally:
        clinic.close()


def _staff(clinic: Clinic) -> object:
    doc = clinic.browser()
    doc.enrol_staff(clinic.add_staff(DOC), DOC)
    doc.get("/clinic/invite")
    return doc


def test_the_browser_invitation_is_e_mailed_and_the_page_says_so(box: Mailbox, db_url: str) -> None:
    clinic = Clinic(db_url, mail=box.settings())
    try:
        doc = _staff(clinic)
        made = doc.post("/clinic/invite", {"email": ANN})  # type: ignore[attr-defined]
        page = made.get_data(as_text=True)
        assert made.status_code == 200 and f"The link was sent by e-mail to {ANN}." in page
        (shown,) = _links(page)
        (message,) = box.wait_for(1)
        assert _links(_body(message)) == [shown]
        assert clinic.browser().accept(shown.rsplit("/", 1)[1]).status_code == 303
        assert f"link e-mailed to {ANN} [allowed]" in _events(clinic)
    finally:
        clinic.close()


def test_a_failed_send_in_the_browser_says_copy_the_link_which_still_works(
    box: Mailbox, db_url: str, tmp_path: Path
) -> None:
    untrusted = box.settings("starttls")  # a plain server: no STARTTLS offered
    nobody = replace(box.settings(), port=free_port())
    clinic = Clinic(db_url, mail=untrusted)
    try:
        doc = _staff(clinic)
        made = doc.post("/clinic/invite", {"email": ANN})  # type: ignore[attr-defined]
        page = made.get_data(as_text=True)
        assert made.status_code == 200
        assert "could not be sent (the e-mail server does not offer STARTTLS)" in page
        assert "Send this link to the patient yourself" in page
        (shown,) = _links(page)
        assert box.messages == []
        assert clinic.browser().accept(shown.rsplit("/", 1)[1]).status_code == 303
    finally:
        clinic.close()
    clinic = Clinic(db_url, mail=nobody)
    try:
        doc = clinic.browser()
        doc.sign_in(DOC)
        doc.give_code(DOC, steps_later=1)
        doc.get("/clinic/invite")
        made = doc.post("/clinic/invite", {"email": "bob@example.org"})
        assert "the e-mail server could not be reached" in made.get_data(as_text=True)
        assert len(_links(made.get_data(as_text=True))) == 1
    finally:
        clinic.close()


@pytest.mark.parametrize("tls", ["starttls", "tls"])
def test_tls_to_a_trusted_server_and_never_to_an_untrusted_one(
    tls: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Mailbox.running(tmp_path, tls=tls, user="tracker", password="pw") as box:
        settings = box.settings(tls, user="tracker", password="pw")
        link = f"{PUBLIC_URL}/welcome/{'z' * 43}"
        refused = mail.send_link(settings, ANN, mail.Purpose.INVITATION, link, EXPIRES)
        assert refused.reason == "the e-mail server's TLS certificate was not trusted"
        monkeypatch.setenv("SSL_CERT_FILE", str(box.certificate))  # the clinic trusts it
        wrong = replace(settings, password="not it")
        assert mail.send_link(wrong, ANN, mail.Purpose.INVITATION, link, EXPIRES).reason == (
            "the e-mail server refused the user name or password"
        )
        assert box.messages == []
        assert mail.send_link(settings, ANN, mail.Purpose.INVITATION, link, EXPIRES).sent
        assert _links(_body(box.wait_for(1)[0])) == [link]


def test_mail_check_sends_a_test_e_mail_or_says_why_not(box: Mailbox) -> None:
    from conftest import refusal

    from tracker.domain.errors import MALFORMED, REFUSED

    sent = invoke("clinic", "mail-check", "Me@Clinic.example", env=_env(box.port))
    assert sent.exit_code == 0, sent.output
    assert f"A test e-mail went to the server 127.0.0.1:{box.port} for me@clinic.example" in (
        sent.stdout
    )
    (message,) = box.wait_for(1)
    assert message["Subject"] == "Riverside Clinic: a test e-mail from the recovery tracker"
    assert "/welcome/" not in _body(message)
    nobody = free_port()
    failed = invoke("clinic", "mail-check", "me@clinic.example", env=_env(nobody))
    assert (failed.exit_code, failed.kind) == refusal(REFUSED)  # type: ignore[attr-defined]
    assert "could not be sent through 127.0.0.1" in failed.stderr
    assert "the e-mail server could not be reached" in failed.stderr
    unset = invoke(
        "clinic",
        "mail-check",
        "me@clinic.example",
        env={"TRACKER_PUBLIC_URL": PUBLIC_URL, "TRACKER_CONFIG": ""},
    )
    assert (unset.exit_code, unset.kind) == refusal(MALFORMED)  # type: ignore[attr-defined]
    assert "No e-mail server is set" in unset.stderr
