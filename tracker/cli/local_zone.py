"""This computer's time zone, as the IANA name a calendar file needs (Europe/Paris...)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from tracker.domain.clock import zone_or_utc


def _valid(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return None
    return name


def patient_zone() -> dt.tzinfo:
    """The zone times of day are shown in on the command line: this computer's (UTC when
    it cannot tell)."""
    return zone_or_utc(local_zone_name())


def local_zone_name() -> str | None:
    """TZ if set, else what /etc/localtime points at, else /etc/timezone; None if unknown.

    A fixed UTC offset is not enough: the reminders must follow daylight saving time.
    """
    from_env = os.environ.get("TZ", "").lstrip(":")
    if from_env:
        return _valid(from_env)
    target = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in target:
        found = _valid(target.split("zoneinfo/", 1)[1])
        if found:
            return found
    try:
        return _valid(Path("/etc/timezone").read_text().strip())
    except OSError:
        return None
