"""A clinic's accounts: setting the clinic up, inviting, signing in and out.

Each use case works in the face's unit of work (a ``Store``'s transaction); times are
passed in (UTC, aware). A link's or session's secret is handed back once, to be shown or
set in a cookie, and only its hash is kept.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass

from tracker.domain import accounts as rules
from tracker.domain import throttle
from tracker.domain.account_words import AccountWords
from tracker.domain.accounts import (
    LINK_LIFETIME,
    MAX_RESETS_PER_ADDRESS,
    MAX_RESETS_PER_EMAIL,
    RESET_WINDOW,
    STAFF,
    AccountRecord,
    Role,
    SignedIn,
    Stage,
    check_password,
    clean_email,
    seen_every,
    session_expired,
)
from tracker.domain.audit import AuditEvent
from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.services import audit, credentials, recovery_codes
from tracker.services.credentials import Hashing
from tracker.storage.store import Store

MAX_PROFILE_NAME = 80

# Who made a link: (account id, role) as the audit log has it; the server's command line
# (an administrator at the server) is the system.
Maker = tuple[int | None, str]
SYSTEM: Maker = (None, "system")
# Someone not signed in, on the sign-in page (whoever typed the address: not the account).
PUBLIC: Maker = (None, "public")


@dataclass(frozen=True)
class Issued:
    """A one-time link's secret, for the account it sets up, shown once."""

    account: AccountRecord
    token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class Opened:
    """A session just opened: its secret (for the cookie) and how far it goes."""

    token: str
    stage: Stage
    account: AccountRecord


def record_link(
    store: Store,
    account: AccountRecord,
    now: dt.datetime,
    *,
    by: Maker = SYSTEM,
    address: str | None = None,
    refused: str | None = None,
) -> None:
    """The audit log's event for a link made (or refused, and why) for the account: who,
    for which account, when, from where; never the link itself."""
    profile_id = None if account.profile is None else store.profile_id_named(account.profile)
    what = f"link for {account.email}" + ("" if refused is None else f" refused: {refused}")
    outcome = "allowed" if refused is None else "refused"
    audit.record(store, AuditEvent.of(now, by, profile_id, what, address, outcome))


def _issue(
    store: Store,
    account: AccountRecord,
    now: dt.datetime,
    lifetime: dt.timedelta,
    *,
    by: Maker = SYSTEM,
    address: str | None = None,
    keeps_second_factor: bool = False,
) -> Issued:
    if account.disabled:
        raise TrackerError.conflict(
            AccountWords.ACCOUNT_DISABLED.format(email=account.email), field="email"
        )
    token = credentials.new_token()
    store.accounts().add_link(
        account.id,
        credentials.token_hash(token),
        now,
        lifetime,
        keeps_second_factor=keeps_second_factor,
    )
    record_link(store, account, now, by=by, address=address)
    return Issued(account, token, now + lifetime)


def _exists(email: str) -> TrackerError:
    """An account with this address is there already: the way on is a new link for it."""
    return TrackerError.conflict(
        AccountWords.ACCOUNT_EXISTS.format(email=email),
        field="email",
        hint=Hint("new-link", email=email),
    )


def _new_account(
    store: Store, email: str, role: Role, now: dt.datetime, profile_id: int | None = None
) -> AccountRecord:
    if store.accounts().by_email(email) is not None:
        raise _exists(email)
    return store.accounts().add(email, role, now, profile_id)


def init_clinic(
    store: Store, email: str, now: dt.datetime, lifetime: dt.timedelta = LINK_LIFETIME
) -> Issued:
    """The clinic's first administrator, and a link to set its password."""
    email = clean_email(email)
    existing = store.accounts().any_with_role(Role.ADMIN)
    if existing is not None:
        raise TrackerError.conflict(AccountWords.ADMIN_EXISTS.format(email=existing.email))
    return _issue(store, _new_account(store, email, Role.ADMIN, now), now, lifetime)


def add_staff(
    store: Store,
    email: str,
    role: str,
    now: dt.datetime,
    lifetime: dt.timedelta = LINK_LIFETIME,
    *,
    by: Maker = SYSTEM,
    address: str | None = None,
) -> Issued:
    """A clinician or administrator, and a link to set its password."""
    email = clean_email(email)
    try:
        chosen = Role(role)
    except ValueError:
        chosen = Role.PATIENT  # refused just below, with the same words
    if chosen not in STAFF:
        raise TrackerError.malformed(AccountWords.STAFF_ROLE.format(role=role), field="role")
    account = _new_account(store, email, chosen, now)
    what = f"staff account added: {account.email} ({account.role.value})"
    audit.record(store, AuditEvent.of(now, by, None, what, address, "allowed"))
    return _issue(store, account, now, lifetime, by=by, address=address)


def profile_name_for(email: str) -> str:
    """A patient's profile is named by their address (profiles' names are at most 80
    characters: a longer address is shortened and made unique by its hash)."""
    if len(email) <= MAX_PROFILE_NAME:
        return email
    digest = hashlib.sha256(email.encode()).hexdigest()[:8]
    return f"{email[: MAX_PROFILE_NAME - 10]}…-{digest}"


def invite_patient(
    store: Store,
    email: str,
    now: dt.datetime,
    lifetime: dt.timedelta = LINK_LIFETIME,
    *,
    by: Maker = SYSTEM,
    address: str | None = None,
) -> Issued:
    """A patient's account and their own new profile, and a link to set a password."""
    email = clean_email(email)
    accounts = store.accounts()
    if accounts.by_email(email) is not None:
        raise _exists(email)
    name = profile_name_for(email)
    if accounts.profile_id(name) is not None:
        raise TrackerError.conflict(AccountWords.PROFILE_TAKEN.format(name=name), field="email")
    profile_id = accounts.add_profile_for(name)
    account = _new_account(store, email, Role.PATIENT, now, profile_id)
    return _issue(store, account, now, lifetime, by=by, address=address)


def renew_invitation(
    store: Store,
    email: str,
    now: dt.datetime,
    lifetime: dt.timedelta = LINK_LIFETIME,
    *,
    by: Maker,
    address: str | None = None,
) -> Issued:
    """A staff member's invitation from the web: a new patient's account, or a fresh link
    for a patient who has not set a password yet (their earlier link stops working). Never
    a link for an account that has a password: it would let the staff member set one and
    be the patient (the patient uses the forgotten-password way; an administrator can make
    a link on the server's command line). Refused (conflict) for a staff or disabled
    account; the refusal is the face's to record (this unit of work is not kept)."""
    account = patient_account(store, email)
    if account is None:
        return invite_patient(store, email, now, lifetime, by=by, address=address)
    if account.has_password and not account.disabled:
        raise TrackerError.conflict(
            AccountWords.ACCOUNT_ACTIVE.format(email=account.email), field="email"
        )
    return _issue(store, account, now, lifetime, by=by, address=address)


def every_account(store: Store) -> list[tuple[AccountRecord, dt.datetime | None]]:
    """The clinic's accounts, staff first, each with when it was last active."""
    return store.accounts().every_account()


def staff_accounts(store: Store) -> list[tuple[AccountRecord, dt.datetime | None]]:
    """The clinic's administrators and clinicians, each with when it was last active."""
    return [(account, seen) for account, seen in every_account(store) if account.is_staff]


def staff_account(store: Store, account_id: int) -> AccountRecord:
    """A staff account by its number; refused (not found) for a patient's, so that the
    staff page's forms never reach a patient's account."""
    account = store.accounts().by_id(account_id)
    if account is None or not account.is_staff:
        raise TrackerError.not_found(AccountWords.NO_STAFF_ACCOUNT.value, field="account")
    return account


def patient_account(store: Store, email: str) -> AccountRecord | None:
    """The patient's account at that address; None when there is none. A staff member's
    address is refused: a patient is invited with their own."""
    account = store.accounts().by_email(clean_email(email))
    if account is not None and account.role is not Role.PATIENT:
        raise TrackerError.conflict(
            AccountWords.NOT_A_PATIENT.format(email=account.email), field="email"
        )
    return account


def new_link(
    store: Store, email: str, now: dt.datetime, lifetime: dt.timedelta = LINK_LIFETIME
) -> Issued:
    """A new one-time link for an existing account (a forgotten password), made by an
    administrator at the server; any earlier link of the account stops working. Refused
    for a disabled account (the link would not work)."""
    email = clean_email(email)
    account = store.accounts().by_email(email)
    if account is None:
        raise TrackerError.not_found(AccountWords.NO_ACCOUNT.format(email=email), field="email")
    return _issue(store, account, now, lifetime)


def staff_link(
    store: Store,
    account: AccountRecord,
    now: dt.datetime,
    lifetime: dt.timedelta = LINK_LIFETIME,
    *,
    by: Maker,
    address: str | None = None,
) -> Issued:
    """A new one-time link made by staff in the browser for an account that exists, as the
    server's command line makes one (a patient who forgot the password where no e-mail can
    be sent; a staff member who lost the phone): any earlier link stops, the password works
    until the link is opened, and a staff member sets up the second factor anew with it.
    Who may make it for whom is the face's (a clinician: patients; an administrator: staff
    too). Refused for a disabled account and for one's own (one changes one's own password
    while signed in); the refusal is the face's to record (this unit of work is not kept)."""
    if by[0] == account.id:
        raise TrackerError.conflict(AccountWords.OWN_LINK.value, field="account")
    return _issue(store, account, now, lifetime, by=by, address=address)


def ask_reset(store: Store, email: str, now: dt.datetime, address: str) -> bool:
    """A new password asked for on the sign-in page: the request is counted (commit it), and
    True when a link may be sent (under the limits per address typed and per network
    address). The same work whether or not an account has that address: none is looked up
    here, so that neither the answer nor its time tells. Refused only for text that is not
    an e-mail address at all."""
    typed = clean_email(email)
    key = credentials.email_hash(typed)
    accounts = store.accounts()
    per_email, per_address = accounts.resets_since(key, address, now - RESET_WINDOW)
    accounts.add_reset_request(key, address, now)
    return per_email < MAX_RESETS_PER_EMAIL and per_address < MAX_RESETS_PER_ADDRESS


def reset_link(
    store: Store,
    email: str,
    now: dt.datetime,
    lifetime: dt.timedelta = LINK_LIFETIME,
    *,
    address: str | None = None,
) -> Issued | None:
    """The link a request on the sign-in page sends (after the page has answered): for an
    enabled account at that address, a new link (its earlier one stops) that sets a new
    password and keeps a staff member's second factor; None when there is no such account.
    Audited as made by someone not signed in, from that network address; a disabled
    account's refusal too."""
    account = store.accounts().by_email(clean_email(email))
    if account is None:
        return None
    if account.disabled:
        record_link(store, account, now, by=PUBLIC, address=address, refused="account disabled")
        return None
    return _issue(
        store, account, now, lifetime, by=PUBLIC, address=address, keeps_second_factor=True
    )


def enable(
    store: Store,
    email: str,
    now: dt.datetime | None = None,
    *,
    by: Maker = SYSTEM,
    address: str | None = None,
) -> AccountRecord:
    """A disabled account signs in again (its password as it was; its old sessions and links
    stay ended: a patient who never set a password needs a new link). Audited when ``now``
    is given."""
    email = clean_email(email)
    accounts = store.accounts()
    account = accounts.by_email(email)
    if account is None:
        raise TrackerError.not_found(AccountWords.NO_ACCOUNT.format(email=email), field="email")
    accounts.enable(account.id)
    if now is not None:
        _record_state(store, account, "enabled", now, by, address)
    return account


def record_state_refused(
    store: Store,
    account_id: int,
    state: str,
    now: dt.datetime,
    *,
    by: Maker,
    address: str | None = None,
) -> None:
    """The audit log's event for a refused disable or enable (the last active
    administrator), in a unit of work of its own (the refused one is not kept)."""
    account = store.accounts().by_id(account_id)
    if account is not None:
        _record_state(store, account, f"{state} refused", now, by, address, "refused")


def _record_state(
    store: Store,
    account: AccountRecord,
    state: str,
    now: dt.datetime,
    by: Maker,
    address: str | None,
    outcome: str = "allowed",
) -> None:
    profile_id = None if account.profile is None else store.profile_id_named(account.profile)
    what = f"account {state}: {account.email}"
    audit.record(store, AuditEvent.of(now, by, profile_id, what, address, outcome))


def link_holder(store: Store, token: str, now: dt.datetime) -> AccountRecord:
    """The account a usable link sets up; refused for a used, replaced or expired one."""
    accounts = store.accounts()
    account_id = accounts.link_account(credentials.token_hash(token), now)
    account = None if account_id is None else accounts.by_id(account_id)
    if account is None or account.disabled:
        raise TrackerError.not_found(AccountWords.LINK_UNUSABLE.value, field="link")
    return account


def _open_session(
    store: Store, account: AccountRecord, stage: Stage, now: dt.datetime, address: str
) -> Opened:
    token = credentials.new_token()
    store.accounts().add_session(account.id, credentials.token_hash(token), stage, now, address)
    return Opened(token, stage, account)


def _staff_stage(account: AccountRecord) -> Stage:
    if not account.is_staff:
        return Stage.FULL
    return Stage.CODE if account.has_second_factor else Stage.ENROL


def accept_link(
    store: Store,
    hashing: Hashing,
    token: str,
    *,
    password: str,
    repeated: str,
    agreed: str | None,
    now: dt.datetime,
    address: str,
) -> Opened:
    """Set the password a link was for (a patient who has not agreed to the current consent
    text agrees to it), spend the link, end the account's other sessions, and sign this
    browser in. ``agreed``: the version of the consent text the patient ticked (None: not
    ticked); only the current text's is taken, and recorded with its version."""
    account = link_holder(store, token, now)
    check_password(password)
    if password != repeated:
        raise TrackerError.malformed(AccountWords.PASSWORDS_DIFFER.value, field="repeated")
    if account.needs_consent() and agreed != rules.CONSENT_VERSION:
        raise TrackerError(AccountWords.CONSENT_NEEDED.value, field="consent")
    accounts = store.accounts()
    hashed = credentials.token_hash(token)
    keeps_second_factor = accounts.link_keeps_second_factor(hashed)
    if accounts.spend_link(hashed, now) is None:
        raise TrackerError.not_found(AccountWords.LINK_UNUSABLE.value, field="link")
    accounts.set_password_hash(account.id, credentials.hash_password(hashing, password))
    accounts.revoke_sessions_of(account.id, now)
    if account.is_staff and not keeps_second_factor:
        # A new link from the clinic is how a staff member who lost their phone gets back in:
        # the link is the credential, as at the first invitation, and the second factor is
        # enrolled anew. A link asked for on the sign-in page (whoever reads the mailbox)
        # sets the password alone: the second factor is still asked for.
        accounts.set_totp_secret(account.id, None)
        accounts.replace_recovery_codes(account.id, [], now)  # new ones come with it
    if account.needs_consent() and agreed is not None:
        accounts.add_consent(account.id, agreed, now)
    fresh = accounts.by_id(account.id)
    assert fresh is not None
    return _open_session(store, fresh, _staff_stage(fresh), now, address)


@dataclass(frozen=True)
class Paused:
    """Too many failed sign-ins lately (tracker.domain.throttle): no password was checked,
    not even a right one, until then."""

    until: dt.datetime


def paused_until(
    store: Store, email: str, address: str, now: dt.datetime, *, trusted: bool
) -> dt.datetime | None:
    """When sign-in with this typed address from this network address may go on (None: it
    may now). ``trusted``: the browser holds the account's device cookie."""
    key = credentials.email_hash(email.strip().lower())
    accounts = store.accounts()
    reached = {
        limit.scope: accounts.nth_latest_failure(
            limit.scope, key, address, limit.most, now - limit.window
        )
        for limit in throttle.limits_for(trusted)
    }
    return throttle.paused_until(reached, trusted)


def sign_in(
    store: Store,
    hashing: Hashing,
    email: str,
    password: str,
    *,
    now: dt.datetime,
    address: str,
    device: int | None = None,
) -> Opened | Paused | None:
    """A session for the right address and password; ``Paused`` after too many failures
    lately (tracker.domain.throttle: keyed by the address typed, so an unknown address is
    paused just as a known one); None for anything else, recorded as a failure (commit it):
    an unknown address, a wrong password, a disabled account. Every unpaused case checks one
    password hash, so that none answers faster than another. ``device``: the account whose
    device cookie the browser holds (it signed in to it before), if any."""
    accounts = store.accounts()
    typed = email.strip().lower()
    # What no account's address can be (a NUL, which PostgreSQL cannot even compare, or a
    # control character) is not looked up: it is an unknown address.
    possible = len(typed) <= rules.MAX_EMAIL and typed.isprintable()
    account = accounts.by_email(typed) if possible else None
    trusted = account is not None and device == account.id
    until = paused_until(store, typed, address, now, trusted=trusted)
    if until is not None:
        return Paused(until)
    stored = None if account is None else accounts.password_hash(account.id)
    matches = credentials.password_matches(hashing, stored, password)
    if account is None or account.disabled or not matches:
        accounts.add_failure(credentials.email_hash(typed), address, now)
        return None
    if stored is not None and credentials.needs_new_hash(hashing, stored):
        # The clinic changed the hashing's cost: the password, known now, is hashed anew.
        accounts.set_password_hash(account.id, credentials.hash_password(hashing, password))
    return _open_session(store, account, _staff_stage(account), now, address)


@dataclass(frozen=True)
class Found:
    """The session a cookie named, and whether its "last seen" should be written now."""

    signed: SignedIn | None
    expired: bool = False
    stale: bool = False


def session_for(store: Store, token: str, now: dt.datetime, idle: dt.timedelta) -> Found:
    """The live session of a cookie's token: none when unknown or signed out; ``expired``
    when idle too long or too old (end it); ``stale`` when "last seen" is due a write."""
    signed = store.accounts().signed_in(credentials.token_hash(token))
    if signed is None or signed.account.disabled:
        return Found(None)
    if session_expired(signed, now, idle):
        return Found(signed, expired=True)
    return Found(signed, stale=now - signed.last_seen_at >= seen_every(idle))


def touch(store: Store, signed: SignedIn, now: dt.datetime) -> None:
    store.accounts().touch_session(signed.session_id, now)


def sign_out(store: Store, signed: SignedIn, now: dt.datetime) -> None:
    store.accounts().revoke_session(signed.session_id, now)


@dataclass(frozen=True)
class Enrolment:
    """What an authenticator app needs: the secret (typed) or its otpauth:// address."""

    secret: str
    uri: str


def enrolment(store: Store, signed: SignedIn) -> Enrolment:
    """The TOTP secret a staff member is enrolling (made at the first ask, kept until
    confirmed by a code)."""
    accounts = store.accounts()
    secret, _ = accounts.totp(signed.account.id)
    if secret is None or signed.account.has_second_factor:
        secret = credentials.new_totp_secret()
        accounts.set_totp_secret(signed.account.id, secret)
    return Enrolment(secret, credentials.totp_uri(secret, signed.account.email))


class CodeCheck(enum.Enum):
    OPENED = "opened"  # the right code: the session opens fully, under a new secret
    WRONG = "wrong"  # counted as a failed sign-in
    USED = "used"  # a right code whose time step was used already: counted, as a wrong one
    ENDED = "ended"  # too many failures lately: the session ends (sign in again later)


@dataclass(frozen=True)
class Checked:
    outcome: CodeCheck
    token: str | None = None  # the session's new secret, when it opened
    until: dt.datetime | None = None  # when it ended: when sign-in may go on
    codes: tuple[str, ...] = ()  # recovery codes made at an enrolment, to show once
    recovery_left: int | None = None  # a recovery code was used: how many are left


def enrolment_qr(store: Store, signed: SignedIn) -> bytes | None:
    """The otpauth:// address of the secret being enrolled, as a QR code (SVG); None when
    there is none pending."""
    from tracker.drawing.qr import qr_svg

    secret, _ = store.accounts().totp(signed.account.id)
    if secret is None or signed.account.has_second_factor:
        return None
    return qr_svg(credentials.totp_uri(secret, signed.account.email), "Authenticator code")


def second_factor(
    store: Store,
    signed: SignedIn,
    code: str,
    *,
    now: dt.datetime,
    address: str,
    device: int | None = None,
) -> Checked:
    """Check the code: the account's current one, used for the first time, opens the
    session fully (and confirms an enrolment). A wrong code counts as a failed sign-in, so
    that six digits cannot be tried one by one: past the limits (tracker.domain.throttle,
    as for passwords), the session ends."""
    accounts = store.accounts()
    email = signed.account.email
    trusted = device == signed.account.id
    until = paused_until(store, email, address, now, trusted=trusted)
    if until is not None:
        accounts.revoke_session(signed.session_id, now)
        return Checked(CodeCheck.ENDED, until=until)
    if signed.stage is Stage.CODE and credentials.is_recovery_code(code):
        left = recovery_codes.use(store, signed.account, code, now, address=address)
        if left is None:
            accounts.add_failure(credentials.email_hash(email), address, now)
            return Checked(CodeCheck.WRONG)
        return Checked(CodeCheck.OPENED, _open_fully(store, signed, now), recovery_left=left)
    secret, _ = accounts.totp(signed.account.id)
    step = None if secret is None else credentials.totp_step(secret, code, now)
    if step is None or not accounts.use_totp_step(signed.account.id, step, now):
        # A replay counts as a failure too: whoever watched a code typed gets no free tries.
        accounts.add_failure(credentials.email_hash(email), address, now)
        return Checked(CodeCheck.WRONG if step is None else CodeCheck.USED)
    codes: list[str] = []
    if signed.stage is Stage.ENROL:  # the second factor is new: so are the recovery codes
        codes = recovery_codes.make_set(store, signed.account, now, address=address)
    return Checked(CodeCheck.OPENED, _open_fully(store, signed, now), codes=tuple(codes))


def _open_fully(store: Store, signed: SignedIn, now: dt.datetime) -> str:
    """The session opens fully, under a new secret: one seen before the second factor (by
    whoever watched the password typed) does not become a full session."""
    token = credentials.new_token()
    store.accounts().set_stage(signed.session_id, Stage.FULL, now, credentials.token_hash(token))
    return token


def disable(
    store: Store,
    email: str,
    now: dt.datetime,
    *,
    by: Maker = SYSTEM,
    address: str | None = None,
) -> AccountRecord:
    """The account signs in no more: its sessions end, its links stop working. Its records
    (a patient's profile) stay as they are. Refused for the clinic's last active
    administrator (nobody could then manage the staff from the web). Audited."""
    email = clean_email(email)
    accounts = store.accounts()
    account = accounts.by_email(email)
    if account is None:
        raise TrackerError.not_found(AccountWords.NO_ACCOUNT.format(email=email), field="email")
    if rules.active_admin(account) and accounts.active_admins_locked() == [account.id]:
        raise TrackerError.conflict(
            AccountWords.LAST_ADMIN.format(email=account.email), field="email"
        )
    accounts.disable(account.id, now)
    _record_state(store, account, "disabled", now, by, address)
    return account


def agree(store: Store, account: AccountRecord, version: str, now: dt.datetime) -> None:
    """The patient agrees to the consent text of that version (the one shown them)."""
    store.accounts().add_consent(account.id, version, now)


def consents(store: Store, account: AccountRecord) -> list[tuple[str, dt.datetime]]:
    return store.accounts().consents(account.id)
