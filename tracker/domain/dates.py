"""Dates as people type them, read relative to a `today` passed in."""

from __future__ import annotations

import datetime as dt
import re

from tracker.domain.errors import TrackerError
from tracker.domain.limits import check_date

ACCEPTED = "YYYY-MM-DD, today, yesterday, 'N days ago' or -N (tomorrow, 'in N days' or +N ahead)"
_DAYS_AGO = re.compile(r"^(\d{1,6}) days? ago$|^-(\d{1,6})$")
_DAYS_AHEAD = re.compile(r"^in (\d{1,6}) days?$|^\+(\d{1,6})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str, today: dt.date) -> dt.date:
    """Read a date: an ISO date or one counted back from `today`, within the limits."""
    return check_date(_parse_date(text, today), f"The date {text.strip()!r}")


def _parse_date(text: str, today: dt.date) -> dt.date:
    cleaned = " ".join(text.strip().lower().split())
    if cleaned == "today":
        return today
    if cleaned == "yesterday":
        return today - dt.timedelta(days=1)
    if cleaned == "tomorrow":
        return today + dt.timedelta(days=1)
    for pattern, sign in ((_DAYS_AGO, -1), (_DAYS_AHEAD, 1)):
        match = pattern.match(cleaned)
        if match:
            days = int(match.group(1) or match.group(2))
            try:
                return today + sign * dt.timedelta(days=days)
            except OverflowError:
                raise TrackerError.malformed(f"{text!r} is too far from today.") from None
    if _ISO.match(cleaned):
        try:
            return dt.date.fromisoformat(cleaned)
        except ValueError:
            raise TrackerError.malformed(f"{text!r} is not a real calendar date.") from None
    raise TrackerError.malformed(f"Cannot read the date {text!r}. Use {ACCEPTED}.")


def relative_day(date: dt.date, today: dt.date) -> str:
    """A date said from today: "tomorrow", "in 3 days", "2 days ago"."""
    delta = (date - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"in {delta} days" if delta > 0 else f"{-delta} days ago"
