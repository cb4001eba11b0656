"""The catalogue's words about a clinic's e-mail: its settings, the e-mails the tracker sends
(a one-time link, nothing about anyone's health), and what a face says once it has tried
to send one. Face-neutral: no command, option or page is named."""

from __future__ import annotations

import enum
from typing import Any


class MailWords(enum.Enum):
    # Settings, checked when the clinic's tracker starts (and by each command that makes a link).
    NO_HOST = (
        "The e-mail settings name no server: give smtp_host (or TRACKER_SMTP_HOST) too, or "
        "leave out every smtp_ and mail_ setting to send no e-mail."
    )
    BAD_HOST = "smtp_host (or TRACKER_SMTP_HOST) is a server's name or address, not {value!r}."
    BAD_TLS = (
        "smtp_tls (or TRACKER_SMTP_TLS) is starttls (the default), tls (implicit TLS, "
        "usually port 465) or none, not {value!r}."
    )
    PLAIN_NOT_LOOPBACK = (
        "smtp_tls = none sends e-mail and the server's password unencrypted, so it is allowed "
        "only for a server on this computer (127.0.0.1 or localhost), not {host!r}: use "
        "starttls or tls."
    )
    USER_WITHOUT_PASSWORD = (
        "smtp_user (or TRACKER_SMTP_USER) needs a password: smtp_password, or "
        "smtp_password_file naming a file that holds it."
    )
    PASSWORD_WITHOUT_USER = (
        "An SMTP password is given but no smtp_user (or TRACKER_SMTP_USER) to sign in with."
    )
    TWO_PASSWORDS = "Give the SMTP password one way: smtp_password or smtp_password_file, not both."
    PASSWORD_FILE_UNREADABLE = "Cannot read the SMTP password file {path}: {reason}."
    PASSWORD_FILE_EMPTY = "The SMTP password file {path} is empty."
    NO_SENDER = (
        "Give the address the e-mails come from: mail_from (or TRACKER_MAIL_FROM), for "
        "example tracker@clinic.example."
    )
    BAD_SENDER = (
        "mail_from (or TRACKER_MAIL_FROM) is one e-mail address, optionally with a name "
        '("Clinic <tracker@clinic.example>"), not {value!r}.'
    )
    BAD_NAME = (
        "clinic_name (or TRACKER_CLINIC_NAME) is the clinic's name on one line, at most "
        "{most} characters."
    )

    # The e-mails. Plain text, short: who sends it, what the link is for, until when it
    # works; never anything about the person's health or record.
    SUBJECT_INVITATION = "{clinic}: your link to the recovery tracker"
    SUBJECT_STAFF = "{clinic}: your link to set your recovery tracker password"
    SUBJECT_RESET = "{clinic}: a link to set a new password"
    BODY_INVITATION = (
        "{clinic} invites you to its recovery tracker, where you can note how your skin "
        "recovers after a treatment.\n\nOpen this link to set your password:"
    )
    BODY_STAFF = (
        "{clinic} has made you an account on its recovery tracker.\n\n"
        "Open this link to set your password; you then set up a code app for signing in:"
    )
    BODY_RESET = (
        "Someone asked for a new password for your account on the recovery tracker of "
        "{clinic}. If it was you, open this link to set a new one:"
    )
    BODY_NEW_LINK = (
        "{clinic} has made you a new link for its recovery tracker. Open it to set a new password:"
    )
    BODY_STAFF_NEW_LINK = (
        "{clinic} has made you a new link for its recovery tracker. Open it to set a new "
        "password; you then set up your code app again (its old codes and your recovery "
        "codes stop working):"
    )
    BODY_LINK_TERMS = (
        "The link works once, until {expires}. Keep it to yourself: whoever opens it sets "
        "the password. A newer link replaces it."
    )
    BODY_RESET_IGNORE = (
        "If you did not ask, do nothing: your password stays as it is, and the link stops "
        "working when it expires."
    )
    BODY_SIGNATURE = "{clinic}\nThis e-mail was sent by the tracker; replies may not be read."

    # A test e-mail, to check the settings by sending one.
    SUBJECT_TEST = "{clinic}: a test e-mail from the recovery tracker"
    BODY_TEST = (
        "This e-mail shows that the recovery tracker of {clinic} can send e-mail with its "
        "settings. There is nothing else in it."
    )
    NO_SETTINGS = (
        "No e-mail server is set: give smtp_host and mail_from (or TRACKER_SMTP_HOST and "
        "TRACKER_MAIL_FROM) first."
    )
    TEST_SENT = (
        "A test e-mail went to the server {server} for {email}; if it does not arrive, look "
        "in the spam folder and the server's log."
    )
    TEST_NOT_SENT = "The test e-mail to {email} could not be sent through {server}: {reason}."

    # What a face says after trying to send.
    SENT = "The link was sent by e-mail to {email}."
    NOT_SENT = (
        "The e-mail to {email} could not be sent ({reason}). The link still works: copy it "
        "and send it yourself."
    )
    NOT_SENT_REASON_CONNECT = "the e-mail server could not be reached"
    NOT_SENT_REASON_REFUSED = "the e-mail server refused it"
    NOT_SENT_REASON_TLS = "the e-mail server's TLS certificate was not trusted"
    NOT_SENT_REASON_LOGIN = "the e-mail server refused the user name or password"
    NOT_SENT_REASON_NO_STARTTLS = "the e-mail server does not offer STARTTLS"
    NOT_SENT_REASON_NO_AUTH = "the e-mail server does not offer to sign in (AUTH)"

    # "Forgotten your password?": one answer, whether or not there is an account.
    RESET_ASKED = (
        "If an account exists for that address, we have sent a link to it to set a new "
        "password. "
        "The link works once, for {hours} hours. No e-mail within a few minutes? Look in the "
        "spam folder; at most {most} links are sent to one address in an hour. Or ask the "
        "clinic for a new link."
    )
    RESET_NO_MAIL = (
        "Ask your clinic for a new link to set a password: the clinic makes it and gives it "
        "to you alone (this clinic's tracker sends no e-mail). The link works once, for a "
        "few days; your earlier link stops working."
    )

    def format(self, **values: Any) -> str:
        text: str = self.value
        return text.format(**values)

    def __str__(self) -> str:
        return str(self.value)
