"""A staff member's TOTP recovery codes: one-time codes in place of the authenticator's.

A set of ten is made when the second factor is enrolled and shown once; only each code's
hash is kept. Each works once, at the code step of a sign-in, in place of the 6-digit code
(a wrong one counts as a failed sign-in, under the same pauses). A new set (made on the
account's page, with the current password) voids the old. A new link, which enrols the
second factor anew, voids them too.
"""

from __future__ import annotations

import datetime as dt

from tracker.domain.accounts import AccountRecord
from tracker.domain.audit import AuditEvent
from tracker.services import audit, credentials
from tracker.storage.store import Store

SET_SIZE = 10


def make_set(
    store: Store, account: AccountRecord, now: dt.datetime, *, address: str | None
) -> list[str]:
    """A new set of codes for the account (the old ones stop working), to show once."""
    codes = [credentials.new_recovery_code() for _ in range(SET_SIZE)]
    hashes = [credentials.recovery_hash(account.id, code) for code in codes]
    store.accounts().replace_recovery_codes(account.id, hashes, now)
    what = f"recovery codes made ({SET_SIZE}); any earlier ones void"
    by = (account.id, account.role.value)
    audit.record(store, AuditEvent.of(now, by, None, what, address, "allowed"))
    return codes


def use(
    store: Store, account: AccountRecord, code: str, now: dt.datetime, *, address: str | None
) -> int | None:
    """Spend the code: how many are left after it, or None when it is not one of the
    account's unused codes (one UPDATE decides: two browsers cannot both use it)."""
    rows = store.accounts()
    if not rows.use_recovery_code(account.id, credentials.recovery_hash(account.id, code), now):
        return None
    left = rows.recovery_codes_left(account.id)
    by = (account.id, account.role.value)
    what = f"recovery code used ({left} left)"
    audit.record(store, AuditEvent.of(now, by, None, what, address, "allowed"))
    return left


def left(store: Store, account: AccountRecord) -> int:
    return store.accounts().recovery_codes_left(account.id)
