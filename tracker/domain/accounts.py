"""A clinic's accounts: who may sign in, as what, and the rules of signing in.

Pure rules (times are passed in, UTC): the roles, the limits on failed sign-ins, when a
session has gone idle, what a password must be, the consent text a patient agrees to.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from tracker.domain.account_words import AccountWords
from tracker.domain.errors import TrackerError


class Role(enum.StrEnum):
    ADMIN = "admin"
    CLINICIAN = "clinician"
    PATIENT = "patient"


STAFF = frozenset({Role.ADMIN, Role.CLINICIAN})  # each gives a second factor at sign-in

MAX_EMAIL = 254  # RFC 5321's limit on an address's length
MIN_PASSWORD = 12  # NIST SP 800-63B: at least 8; a phone's password manager fills any length
MAX_PASSWORD = 256  # hashing a megabyte of "password" is work no sign-in needs
# Failed sign-ins: their limits are tracker.domain.throttle's.
LINK_LIFETIME = dt.timedelta(hours=72)
# "Forgotten your password?": links sent to one address, and requests from one network
# address, within the window (a clinic's patients can share its Wi-Fi's address).
RESET_WINDOW = dt.timedelta(hours=1)
MAX_RESETS_PER_EMAIL = 3
MAX_RESETS_PER_ADDRESS = 20
LONGEST_SESSION = dt.timedelta(hours=12)  # signed in this long: sign in again, however active
SEEN_EVERY = dt.timedelta(seconds=60)  # a session's "last seen" is written at most this often
MIN_IDLE_MINUTES = 5  # a shorter idle time would end sessions while a form is being filled in


def seen_every(idle: dt.timedelta) -> dt.timedelta:
    """How often a session's "last seen" is written: at most once a minute, and at least ten
    times within the idle time, so a session ends at most a tenth of it early (idle 5
    minutes: written every 30 s; a use is never forgotten for longer than that)."""
    return min(SEEN_EVERY, idle / 10)


# The text a patient agrees to before anything is recorded; a new text gets a new version,
# and each agreement is kept with the version agreed to and its time.
CONSENT_VERSION = "2026-12-03"
CONSENT_TEXT = (
    "Your clinic hosts this tracker for its patients. What you enter here (how strong each "
    "symptom is, notes, care, photos) is health data about you. It is kept in the clinic's "
    "database so that you and the clinic's staff can follow your recovery; the clinic's "
    "clinicians can read it, and each view is recorded. It is information for you and your "
    "clinic, never a diagnosis: if something worries you, call the clinic. You can ask the "
    "clinic for a copy of your record or to delete it at any time."
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class AccountRecord:
    id: int
    email: str
    role: Role
    profile: str | None  # a patient's own profile (its name); None for staff
    has_password: bool
    has_second_factor: bool  # a confirmed TOTP secret
    consent_version: str | None  # the latest consent text agreed to
    disabled: bool = False
    profile_id: int | None = None  # the row id of ``profile``, where known

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    def needs_consent(self) -> bool:
        return self.role is Role.PATIENT and self.consent_version != CONSENT_VERSION


class Stage(enum.StrEnum):
    """How far a browser's session has come: a password alone lets a staff member only give
    the code (or enrol the second factor); ``FULL`` opens the pages of its role."""

    CODE = "code"
    ENROL = "enrol"
    FULL = "full"


@dataclass(frozen=True)
class SignedIn:
    """A browser's session, as its cookie found it."""

    session_id: int
    account: AccountRecord
    stage: Stage
    created_at: dt.datetime
    last_seen_at: dt.datetime


def clean_email(value: str) -> str:
    """An address as accounts keep it: trimmed, lower case; refused when it is not one."""
    email = value.strip().lower()
    if len(email) > MAX_EMAIL or not email.isprintable() or not _EMAIL.match(email):
        raise TrackerError.malformed(AccountWords.BAD_EMAIL.value, field="email")
    return email


def check_password(password: str) -> str:
    """A new password: long enough, and not absurdly long. Checked against no list online."""
    if len(password) < MIN_PASSWORD:
        raise TrackerError.malformed(
            AccountWords.SHORT_PASSWORD.format(least=MIN_PASSWORD), field="password"
        )
    if len(password) > MAX_PASSWORD:
        raise TrackerError.malformed(
            AccountWords.LONG_PASSWORD.format(most=MAX_PASSWORD), field="password"
        )
    return password


def session_expired(signed: SignedIn, now: dt.datetime, idle: dt.timedelta) -> bool:
    """Idle too long, or signed in too long ago."""
    return now - signed.last_seen_at > idle or now - signed.created_at > LONGEST_SESSION


def active_admin(account: AccountRecord) -> bool:
    """An administrator who can sign in: enabled, with a password set."""
    return account.role is Role.ADMIN and not account.disabled and account.has_password
