"""Times of day as the patient reads them: in their own time zone, named as people say it.

Moments are stored in UTC without a zone (SQLite keeps none). Wherever a time of day is
shown (a change to a value, an undo, a photo, the report), it is turned into the zone the
face knows the patient is in: the command line's is the computer's, the local web page's
the zone the server was started in. Machine-readable output (JSON) keeps UTC with its "Z".
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# Names of UTC itself: said "UTC", never "Etc/UTC", to a person.
_UTC_NAMES = frozenset(
    {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"}
)


def zone_or_utc(name: str | None) -> dt.tzinfo:
    """The zone of that IANA name; UTC when the name is unknown or missing."""
    if name:
        try:
            return ZoneInfo(name)
        except (ValueError, OSError, KeyError):
            pass
    return dt.UTC


def zone_words(tz: dt.tzinfo) -> str:
    """A zone as a person reads it: "UTC", or the place ("Europe/Paris" -> "Europe/Paris
    time", "America/New_York" -> "America/New York time")."""
    key = getattr(tz, "key", None)
    if key is None or key in _UTC_NAMES or tz is dt.UTC:
        return "UTC"
    return f"{key.replace('_', ' ')} time"


def local(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A stored moment (UTC, without a zone) in the patient's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz)


def local_date(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return local(moment, tz).date()


def at(moment: dt.datetime, tz: dt.tzinfo, *, seconds: bool = False) -> str:
    """ "2026-12-03 09:59 CET": the date and time of day in the patient's zone, with the
    zone's short name ("UTC+03" where it has no letters of its own); ``seconds``: to the
    second ("2026-12-03 09:59:07 CET", for a log)."""
    shown = local(moment, tz)
    pattern = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{shown.strftime(pattern)} {_short_name(shown)}"


def _short_name(moment: dt.datetime) -> str:
    name = moment.tzname() or ""
    if name.isalpha():
        return name  # CET, CEST, EST, UTC
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}" + (f":{rest:02d}" if rest else "")
