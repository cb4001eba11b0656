"""A clinic's accounts in SQL: accounts, one-time links, sessions, failed sign-ins, consents.

Reached through ``Store.accounts()``, inside the request's or command's own transaction.
Times are naive UTC, as every other time column. Secrets arrive hashed: no token, link or
password is ever handed to this module in clear.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from tracker.domain.accounts import AccountRecord, Role, SignedIn, Stage
from tracker.domain.throttle import LONGEST_WINDOW, Scope
from tracker.storage.models import (
    Account,
    AccountLink,
    Consent,
    LoginFailure,
    LoginSession,
    Profile,
    RecoveryCode,
    ResetRequest,
)

KEEP_FAILURES = LONGEST_WINDOW + dt.timedelta(days=1)  # longer than any window counting them


def _naive(moment: dt.datetime) -> dt.datetime:
    """UTC without its zone, as the columns keep it."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC)


class AccountStore:
    """The accounts' reads and writes within one transaction (any profile's store has one)."""

    def __init__(self, tx: Session) -> None:
        self._tx = tx

    # Accounts ----------------------------------------------------------------------------

    def _record(self, row: Account, profile: str | None, consent: str | None) -> AccountRecord:
        return AccountRecord(
            id=row.id,
            email=row.email,
            role=Role(row.role),
            profile=profile,
            has_password=row.password_hash is not None,
            has_second_factor=row.totp_confirmed_at is not None,
            consent_version=consent,
            disabled=row.disabled_at is not None,
            profile_id=row.profile_id,
        )

    def _accounts(self, *also: Any) -> Select[Any]:
        """Accounts with their profile's name and latest consent, in one statement (every
        request reads its account: one query, not three)."""
        consent = (
            select(Consent.version)
            .where(Consent.account_id == Account.id)
            .order_by(Consent.agreed_at.desc(), Consent.id.desc())
            .limit(1)
            .correlate(Account)
            .scalar_subquery()
        )
        return select(Account, Profile.name, consent, *also).outerjoin(
            Profile, Profile.id == Account.profile_id
        )

    def _one(self, query: Select[Any]) -> AccountRecord | None:
        found = self._tx.execute(query).first()
        return None if found is None else self._record(found[0], found[1], found[2])

    def by_email(self, email: str) -> AccountRecord | None:
        return self._one(self._accounts().where(Account.email == email))

    def by_id(self, account_id: int) -> AccountRecord | None:
        return self._one(self._accounts().where(Account.id == account_id))

    def every_account(self) -> list[tuple[AccountRecord, dt.datetime | None]]:
        """Every account (staff first, then by address) with its latest activity."""
        latest = (
            select(LoginSession.account_id, func.max(LoginSession.last_seen_at).label("seen"))
            .group_by(LoginSession.account_id)
            .subquery()
        )
        query = (
            self._accounts(latest.c.seen)
            .outerjoin(latest, latest.c.account_id == Account.id)
            .order_by(Account.role != "admin", Account.role != "clinician", Account.email)
        )
        return [
            (self._record(row, profile, consent), None if seen is None else _aware(seen))
            for row, profile, consent, seen in self._tx.execute(query)
        ]

    def any_with_role(self, role: Role) -> AccountRecord | None:
        return self._one(self._accounts().where(Account.role == role.value).limit(1))

    def add(
        self, email: str, role: Role, now: dt.datetime, profile_id: int | None = None
    ) -> AccountRecord:
        row = Account(email=email, role=role.value, profile_id=profile_id, created_at=_naive(now))
        self._tx.add(row)
        self._tx.flush()
        found = self.by_id(row.id)
        assert found is not None
        return found

    def password_hash(self, account_id: int) -> str | None:
        row = self._tx.get(Account, account_id)
        return None if row is None else row.password_hash

    def set_password_hash(self, account_id: int, hashed: str) -> None:
        self._tx.execute(
            update(Account).where(Account.id == account_id).values(password_hash=hashed)
        )

    def totp(self, account_id: int) -> tuple[str | None, int | None]:
        """The account's TOTP secret (confirmed or not) and the last time step used."""
        row = self._tx.get(Account, account_id)
        return (None, None) if row is None else (row.totp_secret, row.totp_last_step)

    def set_totp_secret(self, account_id: int, secret: str | None) -> None:
        """A new secret to enrol (None: none; the next sign-in enrols one)."""
        self._tx.execute(
            update(Account)
            .where(Account.id == account_id)
            .values(totp_secret=secret, totp_confirmed_at=None, totp_last_step=None)
        )

    def use_totp_step(self, account_id: int, step: int, now: dt.datetime) -> bool:
        """Record a code's time step as used; False when it (or a later one) was used
        already: a code works once, even with two processes racing (one UPDATE decides)."""
        result = self._tx.execute(
            update(Account)
            .where(Account.id == account_id)
            .where((Account.totp_last_step.is_(None)) | (Account.totp_last_step < step))
            .values(
                totp_last_step=step,
                totp_confirmed_at=func.coalesce(Account.totp_confirmed_at, _naive(now)),
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def disable(self, account_id: int, now: dt.datetime) -> None:
        """No more sign-ins: the account is marked, its sessions end, its links are spent."""
        moment = _naive(now)
        self._tx.execute(
            update(Account)
            .where(Account.id == account_id, Account.disabled_at.is_(None))
            .values(disabled_at=moment)
        )
        self.revoke_sessions_of(account_id, now)
        self._tx.execute(
            update(AccountLink)
            .where(AccountLink.account_id == account_id, AccountLink.used_at.is_(None))
            .values(used_at=moment)
        )

    def active_admins_locked(self) -> list[int]:
        """The administrators who can sign in (enabled, a password set), their rows locked
        until the transaction ends (PostgreSQL), so that two administrators disabling each
        other at once cannot leave none: the second sees the first's change."""
        query = (
            select(Account.id)
            .where(
                Account.role == Role.ADMIN.value,
                Account.disabled_at.is_(None),
                Account.password_hash.is_not(None),
            )
            .order_by(Account.id)
            .with_for_update()
        )
        return list(self._tx.scalars(query))

    def enable(self, account_id: int) -> None:
        """Signs in again (its password as it was; its old sessions and links stay ended)."""
        self._tx.execute(update(Account).where(Account.id == account_id).values(disabled_at=None))

    # One-time links ----------------------------------------------------------------------

    def add_link(
        self,
        account_id: int,
        token_hash: str,
        now: dt.datetime,
        lifetime: dt.timedelta,
        *,
        keeps_second_factor: bool = False,
    ) -> None:
        """A new link for the account; any earlier one still unused is replaced (spent)."""
        self._tx.execute(
            update(AccountLink)
            .where(AccountLink.account_id == account_id, AccountLink.used_at.is_(None))
            .values(used_at=_naive(now))
        )
        self._tx.add(
            AccountLink(
                account_id=account_id,
                token_hash=token_hash,
                created_at=_naive(now),
                expires_at=_naive(now + lifetime),
                keeps_second_factor=keeps_second_factor,
            )
        )
        self._tx.flush()

    def link_keeps_second_factor(self, token_hash: str) -> bool:
        """Whether the link was asked for on the sign-in page (a new password, and nothing
        more) rather than made by the clinic."""
        query = select(AccountLink.keeps_second_factor).where(AccountLink.token_hash == token_hash)
        return bool(self._tx.scalars(query).first())

    def link_account(self, token_hash: str, now: dt.datetime) -> int | None:
        """The account of a link that is unused and unexpired."""
        query = select(AccountLink.account_id).where(
            AccountLink.token_hash == token_hash,
            AccountLink.used_at.is_(None),
            AccountLink.expires_at > _naive(now),
        )
        return self._tx.scalars(query).first()

    def spend_link(self, token_hash: str, now: dt.datetime) -> int | None:
        """Mark the link used; its account, or None when it was not usable (one UPDATE
        decides, so two tabs sending the same link cannot both use it)."""
        account_id = self.link_account(token_hash, now)
        if account_id is None:
            return None
        result = self._tx.execute(
            update(AccountLink)
            .where(AccountLink.token_hash == token_hash, AccountLink.used_at.is_(None))
            .values(used_at=_naive(now))
        )
        return account_id if result.rowcount else None  # type: ignore[attr-defined]

    # Sessions ----------------------------------------------------------------------------

    def add_session(
        self, account_id: int, token_hash: str, stage: Stage, now: dt.datetime, address: str
    ) -> None:
        self._tx.add(
            LoginSession(
                token_hash=token_hash,
                account_id=account_id,
                stage=stage.value,
                address=address[:64],
                created_at=_naive(now),
                last_seen_at=_naive(now),
            )
        )
        self._tx.flush()

    def signed_in(self, token_hash: str) -> SignedIn | None:
        """The session a cookie names, when it was not signed out (expiry is the caller's)."""
        query = (
            self._accounts(LoginSession)
            .join(LoginSession, LoginSession.account_id == Account.id)
            .where(LoginSession.token_hash == token_hash, LoginSession.revoked_at.is_(None))
        )
        found = self._tx.execute(query).first()
        if found is None:
            return None
        account = self._record(found[0], found[1], found[2])
        row: LoginSession = found[3]
        return SignedIn(
            session_id=row.id,
            account=account,
            stage=Stage(row.stage),
            created_at=_aware(row.created_at),
            last_seen_at=_aware(row.last_seen_at),
        )

    def touch_session(self, session_id: int, now: dt.datetime) -> None:
        self._tx.execute(
            update(LoginSession)
            .where(LoginSession.id == session_id)
            .values(last_seen_at=_naive(now))
        )

    def set_stage(
        self, session_id: int, stage: Stage, now: dt.datetime, token_hash: str | None = None
    ) -> None:
        """Move the session on; with a new token hash, the browser's old secret stops
        working (a session opened fully gets a new one)."""
        values: dict[str, object] = {"stage": stage.value, "last_seen_at": _naive(now)}
        if token_hash is not None:
            values["token_hash"] = token_hash
        self._tx.execute(update(LoginSession).where(LoginSession.id == session_id).values(values))

    def revoke_session(self, session_id: int, now: dt.datetime) -> None:
        self._tx.execute(
            update(LoginSession)
            .where(LoginSession.id == session_id, LoginSession.revoked_at.is_(None))
            .values(revoked_at=_naive(now))
        )

    def revoke_sessions_of(
        self, account_id: int, now: dt.datetime, keep: int | None = None
    ) -> None:
        """Every session of the account ends (a new password, a disabled account), but the
        one kept (the browser that changed the password)."""
        query = update(LoginSession).where(
            LoginSession.account_id == account_id, LoginSession.revoked_at.is_(None)
        )
        if keep is not None:
            query = query.where(LoginSession.id != keep)
        self._tx.execute(query.values(revoked_at=_naive(now)))

    # Failed sign-ins ---------------------------------------------------------------------

    def add_failure(self, email_hash: str, address: str, now: dt.datetime) -> None:
        """Record a failure; those older than a day, which no limit counts, go."""
        self._tx.execute(
            delete(LoginFailure).where(LoginFailure.failed_at < _naive(now - KEEP_FAILURES))
        )
        self._tx.add(
            LoginFailure(email_hash=email_hash, address=address[:64], failed_at=_naive(now))
        )
        self._tx.flush()

    def nth_latest_failure(
        self, scope: Scope, email_hash: str, address: str, n: int, since: dt.datetime
    ) -> dt.datetime | None:
        """The time of the n-th latest failure since then in the scope (this typed address
        from this network address, any typed address from it, or this typed address from
        anywhere); None when there were fewer."""
        query = select(LoginFailure.failed_at).where(LoginFailure.failed_at > _naive(since))
        if scope is not Scope.ADDRESS:
            query = query.where(LoginFailure.email_hash == email_hash)
        if scope is not Scope.ACCOUNT:
            query = query.where(LoginFailure.address == address[:64])
        query = query.order_by(LoginFailure.failed_at.desc()).offset(n - 1).limit(1)
        found = self._tx.scalars(query).first()
        return None if found is None else _aware(found)

    # Requests for a new password ----------------------------------------------------------

    def add_reset_request(self, email_hash: str, address: str, now: dt.datetime) -> None:
        """Record a request; those older than a day, which no limit counts, go."""
        self._tx.execute(
            delete(ResetRequest).where(ResetRequest.asked_at < _naive(now - KEEP_FAILURES))
        )
        self._tx.add(
            ResetRequest(email_hash=email_hash, address=address[:64], asked_at=_naive(now))
        )
        self._tx.flush()

    def resets_since(self, email_hash: str, address: str, since: dt.datetime) -> tuple[int, int]:
        """Requests since then: for this typed address, and from this network address."""
        moment = _naive(since)
        per_email = select(func.count()).where(
            ResetRequest.email_hash == email_hash, ResetRequest.asked_at > moment
        )
        per_address = select(func.count()).where(
            ResetRequest.address == address[:64], ResetRequest.asked_at > moment
        )
        return (
            int(self._tx.scalar(per_email.select_from(ResetRequest)) or 0),
            int(self._tx.scalar(per_address.select_from(ResetRequest)) or 0),
        )

    # Recovery codes ----------------------------------------------------------------------

    def replace_recovery_codes(
        self, account_id: int, code_hashes: list[str], now: dt.datetime
    ) -> None:
        """The account's recovery codes are these (none: no codes); every earlier one goes."""
        self._tx.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account_id))
        for code_hash in code_hashes:
            self._tx.add(
                RecoveryCode(account_id=account_id, code_hash=code_hash, created_at=_naive(now))
            )
        self._tx.flush()

    def use_recovery_code(self, account_id: int, code_hash: str, now: dt.datetime) -> bool:
        """Spend an unused code of the account; False when it is none (one UPDATE decides,
        so two browsers sending the same code cannot both use it)."""
        result = self._tx.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.account_id == account_id,
                RecoveryCode.code_hash == code_hash,
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=_naive(now))
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def recovery_codes_left(self, account_id: int) -> int:
        query = select(func.count()).where(
            RecoveryCode.account_id == account_id, RecoveryCode.used_at.is_(None)
        )
        return int(self._tx.scalar(query.select_from(RecoveryCode)) or 0)

    # Consents ----------------------------------------------------------------------------

    def add_consent(self, account_id: int, version: str, now: dt.datetime) -> None:
        self._tx.add(Consent(account_id=account_id, version=version, agreed_at=_naive(now)))
        self._tx.flush()

    def consents(self, account_id: int) -> list[tuple[str, dt.datetime]]:
        query = (
            select(Consent.version, Consent.agreed_at)
            .where(Consent.account_id == account_id)
            .order_by(Consent.agreed_at, Consent.id)
        )
        return [(version, _aware(at)) for version, at in self._tx.execute(query)]

    # Profiles for patients ---------------------------------------------------------------

    def add_profile_for(self, name: str) -> int:
        row = Profile(name=name)
        self._tx.add(row)
        self._tx.flush()
        return row.id

    def profile_id(self, name: str) -> int | None:
        return self._tx.scalars(select(Profile.id).where(Profile.name == name)).first()

    def profile_taken(self, profile_id: int) -> bool:
        query = select(Account.id).where(Account.profile_id == profile_id)
        return self._tx.scalars(query).first() is not None
