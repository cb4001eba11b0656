"""The limits of what the tracker accepts, in one place (README "Limits" lists them).

Each keeps a hostile or mistyped input from reaching code that would fail on it with a
traceback (an id SQLite cannot hold, a date matplotlib cannot draw, a number Python
refuses to convert) and is far beyond any real use.
"""

from __future__ import annotations

import datetime as dt

# Record ids are 64-bit integers in SQLite and PostgreSQL alike.
MAX_ID = 2**63 - 1
# Dates anywhere (sessions, logs, follow-ups, imports): a treatment record needs no more.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)
# An expected course (protocol settings, imported overrides): up to ten years.
MAX_COURSE_DAYS = 3650
# Free text (notes, area, clinic): 64 Mi characters, stored and exported whole.
MAX_TEXT_CHARS = 64 * 1024 * 1024
# How much of a note the PDF report shows; the rest is in the export.
REPORT_TEXT_CHARS = 2000


def check_date(date: dt.date, what: str = "A date") -> dt.date:
    from tracker.domain.errors import TrackerError

    if not EARLIEST_DATE <= date <= LATEST_DATE:
        raise TrackerError.malformed(
            f"{what} must be between {EARLIEST_DATE} and {LATEST_DATE}, not {date}."
        )
    return date


def parse_id(text: str, what: str = "session") -> int:
    """A record's number as typed in an address or a form: ASCII digits, 1 to MAX_ID.

    "²", "-1", "1e3" and a number of 5,000 digits are refused in words, before any
    conversion or query could fail on them.
    """
    from tracker.domain.errors import TrackerError
    from tracker.domain.text import clipped

    cleaned = text.strip()
    field = what.replace(" ", "_")
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise TrackerError.malformed(
            f"A {what} is given by its number, not {clipped(cleaned)!r}.", field=field
        )
    number = int(cleaned) if len(cleaned) <= len(str(MAX_ID)) else MAX_ID + 1
    if not 1 <= number <= MAX_ID:
        shown = clipped(cleaned.lstrip("0") or "0")
        raise TrackerError.not_found(f"There is no {what} {shown}.", field=field)
    return number
