"""Secrets of sign-in: password hashes (argon2id), one-time tokens, TOTP codes.

argon2-cffi hashes passwords (argon2id, RFC 9106's parameters unless the clinic's settings
lower its memory for a small machine); pyotp computes TOTP codes (RFC 6238). A token (a
session's id, a link's secret) is 32 random bytes; only its SHA-256 is stored, so a copy
of the database lets nobody in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOTP_ISSUER = "Recovery tracker"
TOTP_STEP_SECONDS = 30
DEVICE_LIFETIME = dt.timedelta(days=180)  # a device cookie renewed at each full sign-in


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def email_hash(email: str) -> str:
    """What failed sign-ins are counted under: an address typed need not be anyone's."""
    return hashlib.sha256(("sign-in:" + email).encode("utf-8", "surrogatepass")).hexdigest()


def _device_signature(secret_key: str, body: str) -> str:
    key = secret_key.encode("utf-8", "surrogatepass")
    return hmac.new(key, f"device:{body}".encode(), hashlib.sha256).hexdigest()


def device_token(secret_key: str, account_id: int, now: dt.datetime) -> str:
    """A device cookie (OWASP's "device cookies"): this browser signed in to the account
    at that time. It opens nothing; it only keeps a browser the account has used out of the
    pauses that attempts from elsewhere cause (tracker.domain.throttle)."""
    body = f"{account_id}.{int(now.timestamp())}"
    return f"{body}.{_device_signature(secret_key, body)}"


def device_account(secret_key: str, token: str | None, now: dt.datetime) -> int | None:
    """The account a device cookie was given for, when it is ours and not too old."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 20 for p in parts[:2]):
        return None
    body = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2].encode(), _device_signature(secret_key, body).encode()):
        return None
    try:
        issued = dt.datetime.fromtimestamp(int(parts[1]), dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if not (now - DEVICE_LIFETIME <= issued <= now + dt.timedelta(minutes=5)):
        return None
    return int(parts[0])


@dataclass(frozen=True)
class Hashing:
    """Argon2id's cost: RFC 9106's second choice (64 MiB, 3 passes) by default."""

    memory_kib: int = 65536
    passes: int = 3
    lanes: int = 4

    def hasher(self) -> PasswordHasher:
        return PasswordHasher(
            time_cost=self.passes, memory_cost=self.memory_kib, parallelism=self.lanes
        )


def hash_password(hashing: Hashing, password: str) -> str:
    return hashing.hasher().hash(password)


def password_matches(hashing: Hashing, stored: str | None, password: str) -> bool:
    """Whether the password is the stored one. With nothing stored (no such account, or no
    password set yet) a hash is still checked, so that the answer takes as long."""
    hasher = hashing.hasher()
    try:
        if stored is None:
            hasher.verify(_decoy(hashing), password)
            return False
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_new_hash(hashing: Hashing, stored: str) -> bool:
    """Whether a stored hash was made with other costs than the clinic's settings now."""
    try:
        return hashing.hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True


_DECOYS: dict[Hashing, str] = {}


def _decoy(hashing: Hashing) -> str:
    if hashing not in _DECOYS:
        _DECOYS[hashing] = hashing.hasher().hash(secrets.token_urlsafe(16))
    return _DECOYS[hashing]


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads (typed, or from a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def totp_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code this is (now, or one step either side for a slow hand or
    clock), or None when it is none of them."""
    cleaned = "".join(code.split())
    if not (cleaned.isascii() and cleaned.isdigit() and len(cleaned) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), cleaned):
            return candidate
    return None


def totp_code(secret: str, now: dt.datetime) -> str:
    """The code an authenticator shows at that moment (for tests and demos)."""
    return pyotp.TOTP(secret).at(now)


# Recovery codes: 10 characters of 31 (49 bits), without 0/o, 1/l/i that read alike, shown as
# "xxxxx-xxxxx". Only a SHA-256 is kept, salted by the account: 49 random bits need no slow
# hash (the pauses stop guessing online; a copy of the database also has the TOTP secret).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10


def new_recovery_code() -> str:
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


def _recovery_clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def is_recovery_code(code: str) -> bool:
    """Whether what was typed at the code step has a recovery code's shape (not 6 digits)."""
    cleaned = _recovery_clean(code)
    return len(cleaned) == RECOVERY_LENGTH and all(c in RECOVERY_ALPHABET for c in cleaned)


def recovery_hash(account_id: int, code: str) -> str:
    basis = f"recovery:{account_id}:{_recovery_clean(code)}"
    return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()
