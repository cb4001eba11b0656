"""Dates as people type them, read relative to a `today` passed in."""

from __future__ import annotations

import datetime as dt
import re

from tracker.domain.errors import TrackerError
from tracker.domain.limits import check_date

# What a command that records a day that has happened accepts, and what the others add.
ACCEPTED_PAST = "YYYY-MM-DD, today, yesterday, 'N days ago' or -N"
ACCEPTED = f"{ACCEPTED_PAST}; ahead: tomorrow, 'in N days' or +N"
_DAYS_AGO = re.compile(r"^(\d{1,6}) days? ago$|^-(\d{1,6})$")
_DAYS_AHEAD = re.compile(r"^in (\d{1,6}) days?$|^\+(\d{1,6})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Near misses worth a guess: 2026-11-5, 2026/11/05, 25/11/2026, 11/25/2026, 25.11.2026.
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def _real(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def likely_meant(text: str) -> list[tuple[dt.date, str]]:
    """The ISO dates a near-miss most likely means, with how it was read."""
    match = _YEAR_FIRST.match(text)
    if match:
        found = _real(*match.groups())
        return [(found, "")] if found else []
    match = _YEAR_LAST.match(text)
    if not match:
        return []
    first, second, year = match.groups()
    day_first = _real(year, second, first)
    month_first = _real(year, first, second)
    if day_first and month_first and day_first != month_first:
        return [(day_first, "day first"), (month_first, "month first")]
    found = day_first or month_first
    return [(found, "")] if found else []


def _not_read(text: str, cleaned: str, accepted: str) -> TrackerError:
    guesses = likely_meant(cleaned)
    if guesses:
        said = " or ".join(
            f"{date.isoformat()}{f' ({how})' if how else ''}" for date, how in guesses
        )
        return TrackerError.malformed(
            f"Cannot read the date {text!r}: did you mean {said}? Dates are written "
            "YYYY-MM-DD, with two-digit months and days."
        )
    return TrackerError.malformed(f"Cannot read the date {text!r}. Use {accepted}.")


def parse_date(text: str, today: dt.date, *, accepted: str = ACCEPTED) -> dt.date:
    """Read a date: an ISO date or one counted from `today`, within the limits.

    ``accepted`` is what the refusal lists: the forms the asking command takes.
    """
    return check_date(_parse_date(text, today, accepted), f"The date {text.strip()!r}")


def _parse_date(text: str, today: dt.date, accepted: str) -> dt.date:
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
    raise _not_read(text, cleaned, accepted)


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


def gone_by(day: int) -> str:
    """When a symptom is gone, said as a person would: "gone the same day" (day 0, the
    session's own day; never "gone by day 0"), else "gone by day 4"."""
    return "gone the same day" if day == 0 else f"gone by day {day}"


def day_span(first_day: int, last_day: int) -> str:
    """Days after the session, in words: "day 9", or "days 8-12"."""
    return f"day {first_day}" if first_day == last_day else f"days {first_day}-{last_day}"
