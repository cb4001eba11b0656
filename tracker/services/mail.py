"""E-mailing a one-time link: a short plain-text message, sent through the clinic's SMTP server.

The standard library does it all: ``email.message.EmailMessage`` writes the message (its
headers encoded, never broken open by what the settings hold), ``smtplib`` sends it over
TLS from the first byte or after STARTTLS, with the server's certificate checked against
the system's authorities (``ssl.create_default_context``), and signs in when a user is set.

A message says who sends it (the clinic's name), what the link is for and until when it
works; nothing about the person's health or record. Sending never raises: it answers
whether the message went, and if not, why in a few words; the link made stays valid (the
face shows it to copy). Neither the link nor the message is written to any log.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import enum
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from tracker.domain.accounts import AccountRecord
from tracker.domain.audit import AuditEvent
from tracker.domain.errors import TrackerError
from tracker.domain.mail_words import MailWords
from tracker.services import audit
from tracker.services.clinic_settings import MailSettings
from tracker.storage.store import Store

TIMEOUT_SECONDS = 20.0  # per network step; a staff member waits at most about this long
LOG = logging.getLogger("tracker.mail")


class Purpose(enum.Enum):
    INVITATION = "invitation"  # a patient invited: set a password, agree to the consent text
    STAFF = "staff"  # a clinician's or administrator's link: set a password, then a code app
    NEW_LINK = "new link"  # made by the clinic for an account: a new password
    STAFF_NEW_LINK = "staff new link"  # the same for staff: a new password, the code app anew
    RESET = "reset"  # asked for on the sign-in page: a new password


SUBJECTS = {
    Purpose.INVITATION: MailWords.SUBJECT_INVITATION,
    Purpose.STAFF: MailWords.SUBJECT_STAFF,
    Purpose.NEW_LINK: MailWords.SUBJECT_RESET,
    Purpose.STAFF_NEW_LINK: MailWords.SUBJECT_RESET,
    Purpose.RESET: MailWords.SUBJECT_RESET,
}
OPENINGS = {
    Purpose.INVITATION: MailWords.BODY_INVITATION,
    Purpose.STAFF: MailWords.BODY_STAFF,
    Purpose.NEW_LINK: MailWords.BODY_NEW_LINK,
    Purpose.STAFF_NEW_LINK: MailWords.BODY_STAFF_NEW_LINK,
    Purpose.RESET: MailWords.BODY_RESET,
}


@dataclass(frozen=True)
class Delivery:
    """Whether a message went to the server; ``reason``: why not, in the catalogue's words."""

    sent: bool
    reason: str | None = None

    def said(self, email_address: str) -> str:
        if self.sent:
            return MailWords.SENT.format(email=email_address)
        return MailWords.NOT_SENT.format(email=email_address, reason=self.reason)


def purpose_of(account: AccountRecord) -> Purpose:
    """What a link the clinic made is for, by the account it sets up."""
    if account.is_staff:  # one who set a password before is not "made an account" again
        return Purpose.STAFF_NEW_LINK if account.has_password else Purpose.STAFF
    return Purpose.NEW_LINK if account.has_password else Purpose.INVITATION


def expiry_words(moment: dt.datetime, zone: str) -> str:
    """When a link stops working, in the clinic's time: "6 December 2026, 09:00 (UTC)"."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local.day} {local:%B %Y, %H:%M} ({zone})"


def _headed(mail: MailSettings, to: str, subject: str) -> EmailMessage:
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = mail.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(usegmt=True)
    domain = email.utils.parseaddr(mail.sender)[1].rpartition("@")[2]
    message["Message-ID"] = email.utils.make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office answers back, please
    return message


def link_message(
    mail: MailSettings, to: str, purpose: Purpose, link: str, expires_at: dt.datetime
) -> EmailMessage:
    clinic = mail.clinic_name
    message = _headed(mail, to, SUBJECTS[purpose].format(clinic=clinic))
    parts = [
        OPENINGS[purpose].format(clinic=clinic),
        link,
        MailWords.BODY_LINK_TERMS.format(expires=expiry_words(expires_at, mail.time_zone)),
    ]
    if purpose is Purpose.RESET:
        parts.append(MailWords.BODY_RESET_IGNORE.value)
    parts.append("-- \n" + MailWords.BODY_SIGNATURE.format(clinic=clinic))
    message.set_content("\n\n".join(parts) + "\n")
    return message


def test_message(mail: MailSettings, to: str) -> EmailMessage:
    """A message that shows the settings work: who sends it, and nothing else."""
    message = _headed(mail, to, MailWords.SUBJECT_TEST.format(clinic=mail.clinic_name))
    message.set_content(MailWords.BODY_TEST.format(clinic=mail.clinic_name) + "\n")
    return message


def check(mail: MailSettings, to: str) -> str:
    """Send a test message; the words to say when it went. Refused (in words) when not."""
    server = f"{mail.host}:{mail.port}"
    delivery = send(mail, test_message(mail, to))
    if not delivery.sent:
        raise TrackerError(
            MailWords.TEST_NOT_SENT.format(email=to, server=server, reason=delivery.reason)
        )
    return MailWords.TEST_SENT.format(email=to, server=server)


class _Unable(smtplib.SMTPException):
    """The server lacks what the settings need (STARTTLS, AUTH): said in these words."""

    def __init__(self, words: MailWords) -> None:
        super().__init__(words.value)
        self.words = words


def _why(exc: Exception) -> MailWords:
    """The few words a face says for a failed send (the order matters: most of these are
    OSErrors too)."""
    if isinstance(exc, _Unable):
        return exc.words
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailWords.NOT_SENT_REASON_LOGIN
    if isinstance(exc, ssl.SSLError):
        return MailWords.NOT_SENT_REASON_TLS
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return MailWords.NOT_SENT_REASON_CONNECT
    if isinstance(exc, smtplib.SMTPException):
        return MailWords.NOT_SENT_REASON_REFUSED
    return MailWords.NOT_SENT_REASON_CONNECT


def _client(mail: MailSettings, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if mail.tls == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            mail.host, mail.port, timeout=timeout, context=context
        )
    else:
        client = smtplib.SMTP(mail.host, mail.port, timeout=timeout)
    try:
        client.ehlo()
        if mail.tls == "starttls":
            if not client.has_extn("starttls"):
                raise _Unable(MailWords.NOT_SENT_REASON_NO_STARTTLS)
            client.starttls(context=context)
            client.ehlo()
        if mail.user is not None and mail.password is not None:
            if not client.has_extn("auth"):
                raise _Unable(MailWords.NOT_SENT_REASON_NO_AUTH)
            client.login(mail.user, mail.password)
    except BaseException:
        client.close()
        raise
    return client


def send(mail: MailSettings, message: EmailMessage, timeout: float = TIMEOUT_SECONDS) -> Delivery:
    """Hand the message to the clinic's SMTP server; never raises for the network's sake."""
    try:
        client = _client(mail, timeout)
        try:
            client.send_message(message)
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
    except (smtplib.SMTPException, OSError) as exc:
        reason = _why(exc)
        LOG.warning(
            "e-mail to %s via %s:%s not sent: %s (%s)",
            message["To"],
            mail.host,
            mail.port,
            reason.value,
            type(exc).__name__,
        )
        return Delivery(False, reason.value)
    return Delivery(True)


def send_link(
    mail: MailSettings,
    to: str,
    purpose: Purpose,
    link: str,
    expires_at: dt.datetime,
    timeout: float = TIMEOUT_SECONDS,
) -> Delivery:
    return send(mail, link_message(mail, to, purpose, link, expires_at), timeout)


def record_delivery(
    store: Store,
    account: AccountRecord,
    delivery: Delivery,
    now: dt.datetime,
    *,
    by: tuple[int | None, str],
    address: str | None = None,
) -> None:
    """The audit log's event for a link e-mailed (or not, and why); never the link."""
    profile_id = None if account.profile is None else store.profile_id_named(account.profile)
    if delivery.sent:
        what, outcome = f"link e-mailed to {account.email}", "allowed"
    else:
        what, outcome = f"link e-mail to {account.email} not sent: {delivery.reason}", "refused"
    audit.record(store, AuditEvent.of(now, by, profile_id, what, address, outcome))
