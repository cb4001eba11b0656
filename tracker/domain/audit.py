"""The audit log of a hosted clinic: every view and every change of a patient's record.

Each event says who (the user's id and role), whose record (the patient's profile), what
(the route or action), when (UTC), from where (the remote address as the trusted proxy
reports it) and how it ended (allowed or refused). Events are only ever added: the
storage refuses to update or delete one (a trigger on the table, on SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

OUTCOMES = ("allowed", "refused")
# "public": someone not signed in (a new password asked for on the sign-in page).
ROLES = ("admin", "clinician", "patient", "system", "public")
MAX_WHAT_CHARS = 200  # a route with its query can be long; the log keeps its start
MAX_ADDRESS_CHARS = 64  # an IPv6 address with a zone fits


def escaped(text: str) -> str:
    """The text with each character that is not printable (a NUL, which PostgreSQL's text
    cannot hold; a newline; a lone surrogate) written as a URL writes it: %XX for each of
    its UTF-8 bytes ("/\x00" -> "/%00"). Printable text, the usual case, is kept as it is."""
    if text.isprintable():
        return text
    return "".join(
        ch
        if ch.isprintable()
        else "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
        for ch in text
    )


@dataclass(frozen=True)
class AuditEvent:
    at: dt.datetime  # UTC, without a zone
    actor_id: int | None  # the user; None for the system (a command on the server)
    actor_role: str
    profile_id: int | None  # the patient whose record; None when no patient was named
    what: str  # "GET /clinic/patients/3/status", "review seen"
    address: str | None
    outcome: str
    id: int = 0  # given by the storage
    actor: str | None = None  # the actor's e-mail, when listed
    patient: str | None = None  # the patient's e-mail or profile name, when listed

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome {self.outcome!r}")
        if self.actor_role not in ROLES:
            raise ValueError(f"role {self.actor_role!r}")

    @classmethod
    def of(
        cls,
        at: dt.datetime,
        actor: tuple[int | None, str],
        profile_id: int | None,
        what: str,
        address: str | None,
        outcome: str,
    ) -> AuditEvent:
        """An event as a face records it: the time in UTC without a zone, the route and
        the address with their control characters escaped and cut to what the log holds
        (never refused: the log must not lose one)."""
        if at.tzinfo is not None:
            at = at.astimezone(dt.UTC).replace(tzinfo=None)
        return cls(
            at,
            actor[0],
            actor[1],
            profile_id,
            escaped(what)[:MAX_WHAT_CHARS],
            None if address is None else escaped(address)[:MAX_ADDRESS_CHARS],
            outcome,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat() + "Z",
            "actor_id": self.actor_id,
            "actor": self.actor,
            "actor_role": self.actor_role,
            "profile_id": self.profile_id,
            "patient": self.patient,
            "what": self.what,
            "address": self.address,
            "outcome": self.outcome,
        }
