"""A signed-in user changes their own password.

The current password is asked for (a browser left signed in is not enough to take the
account over), and a wrong one counts as a failed sign-in (tracker.domain.throttle), so the
page cannot be used to guess it. A change ends every other session of the account and
gives this browser's session a new secret; it is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.domain.account_words import AccountWords
from tracker.domain.accounts import SignedIn, check_password
from tracker.domain.audit import AuditEvent
from tracker.domain.errors import TrackerError
from tracker.services import accounts, audit, credentials
from tracker.services.credentials import Hashing
from tracker.storage.store import Store


@dataclass(frozen=True)
class Change:
    """How a change went: ``token`` (the session's new secret) when it was made; ``until``
    when tries are paused (nothing checked); neither when the current password was wrong
    (counted: commit it)."""

    token: str | None = None
    until: dt.datetime | None = None


def _record(
    store: Store, signed: SignedIn, now: dt.datetime, address: str, what: str, outcome: str
) -> None:
    account = signed.account
    profile_id = None if account.profile is None else store.profile_id_named(account.profile)
    event = AuditEvent.of(now, (account.id, account.role.value), profile_id, what, address, outcome)
    audit.record(store, event)


@dataclass(frozen=True)
class Verified:
    """Whether the current password was right; ``until``: tries are paused (unchecked)."""

    ok: bool
    until: dt.datetime | None = None


def verify_current(
    store: Store,
    hashing: Hashing,
    signed: SignedIn,
    current: str,
    *,
    now: dt.datetime,
    address: str,
    device: int | None,
    action: str,
) -> Verified:
    """The signed-in account's password, asked again before ``action`` (a password change,
    new recovery codes): a wrong one counts as a failed sign-in (commit it) and is audited;
    past the limits nothing is checked."""
    account = signed.account
    until = accounts.paused_until(store, account.email, address, now, trusted=device == account.id)
    if until is not None:
        return Verified(False, until)
    rows = store.accounts()
    if not credentials.password_matches(hashing, rows.password_hash(account.id), current):
        rows.add_failure(credentials.email_hash(account.email), address, now)
        _record(store, signed, now, address, f"{action} refused: wrong current password", "refused")
        return Verified(False)
    return Verified(True)


def change(
    store: Store,
    hashing: Hashing,
    signed: SignedIn,
    *,
    current: str,
    new: str,
    repeated: str,
    now: dt.datetime,
    address: str,
    device: int | None = None,
) -> Change:
    """Set a new password for the signed-in account. A new password that is too short, too
    long or typed differently twice is refused (TrackerError) before anything is checked."""
    check_password(new)
    if new != repeated:
        raise TrackerError.malformed(AccountWords.PASSWORDS_DIFFER.value, field="repeated")
    verified = verify_current(
        store,
        hashing,
        signed,
        current,
        now=now,
        address=address,
        device=device,
        action="password change",
    )
    if not verified.ok:
        return Change(until=verified.until)
    rows = store.accounts()
    rows.set_password_hash(signed.account.id, credentials.hash_password(hashing, new))
    rows.revoke_sessions_of(signed.account.id, now, keep=signed.session_id)
    token = credentials.new_token()
    rows.set_stage(signed.session_id, signed.stage, now, credentials.token_hash(token))
    _record(store, signed, now, address, "password changed", "allowed")
    return Change(token=token)
