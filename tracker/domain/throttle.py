"""How failed sign-ins slow the next ones down, without letting a stranger lock anyone out.

Following OWASP's authentication cheat sheet and its "device cookies" protocol, failures
are counted (in the database, so that every app process sees them all) in three scopes:

- ``PAIR``: one typed address from one network address. A stranger guessing a patient's
  password pauses only their own address for that account, never the patient elsewhere.
- ``ADDRESS``: any typed address from one network address (one address trying many accounts).
- ``ACCOUNT``: one typed address from anywhere, over a day (guesses spread over many network
  addresses). Past it, sign-in with that address pauses for browsers the account has not
  signed in from before; a browser holding the account's device cookie (given at each full
  sign-in) is still let in, limited by ``PAIR`` alone.

A paused attempt checks no password (not even the right one) and is not counted itself:
the pause ends when enough of the failures behind it are old. The scopes are keyed by the
address as typed, so an unknown address pauses exactly as a known one does: the pause says
nothing about who has an account.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass


class Scope(enum.Enum):
    PAIR = "pair"  # this typed address from this network address
    ADDRESS = "address"  # any typed address from this network address
    ACCOUNT = "account"  # this typed address from anywhere


@dataclass(frozen=True)
class Limit:
    scope: Scope
    most: int  # failures within the window: the next attempt is paused
    window: dt.timedelta


LIMITS = (
    # A patient who mistypes five times waits a quarter of an hour at most.
    Limit(Scope.PAIR, 5, dt.timedelta(minutes=15)),
    # A clinic's patients can share one network address (its Wi-Fi).
    Limit(Scope.ADDRESS, 30, dt.timedelta(minutes=15)),
    # NIST SP 800-63B (5.2.2): no more than 100 consecutive failures on one account; fewer,
    # over a day, from browsers that never signed in to it.
    Limit(Scope.ACCOUNT, 50, dt.timedelta(hours=24)),
)
LONGEST_WINDOW = max(limit.window for limit in LIMITS)


def limits_for(trusted: bool) -> tuple[Limit, ...]:
    """The limits an attempt is under: a browser holding the account's device cookie is
    under the pair's alone (an attacker elsewhere, or many, cannot pause it)."""
    return tuple(limit for limit in LIMITS if not trusted or limit.scope is Scope.PAIR)


def paused_until(reached: Mapping[Scope, dt.datetime | None], trusted: bool) -> dt.datetime | None:
    """When the pause on the next attempt ends, or None when it is not paused.
    ``reached[scope]``: the time of the limit's ``most``-th latest failure within its window
    (None: fewer failures than that); once it is older than the window, the count is below."""
    ends = [
        at + limit.window
        for limit in limits_for(trusted)
        if (at := reached.get(limit.scope)) is not None
    ]
    return max(ends, default=None)


def wait_words(until: dt.datetime, now: dt.datetime) -> str:
    """How long to wait, rounded up, in plain words: "1 minute", "14 minutes", "3 hours"."""
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    if minutes < 90:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    return f"{math.ceil(minutes / 60)} hours"
