"""The flag engine: which symptoms are not fading as expected, or need the clinic now.

Pure functions over plain records, judged on an ``as_of`` date passed in: entries
dated after it are not seen. Days count from the session day (day 0).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.domain.catalog import SYMPTOMS_BY_KEY
from tracker.domain.expectations import Expectation
from tracker.domain.records import EntryRecord, SessionRecord
from tracker.domain.severity import SEVERE_FROM

LEVELS = ("info", "warning", "urgent")
WORSENING_FROM_DAY = 3
WORSENING_WINDOW = 3
WORSENING_RISE = 2  # a clinically meaningful change on the 0-10 scale
MISSING_AFTER_DAYS = 2
DISCLAIMER = (
    "This is information, not a diagnosis: if you are worried, contact your clinic or skin "
    "specialist."
)
CONTACT_NOW = "Contact your skin specialist or clinic now."


@dataclass(frozen=True)
class Flag:
    session_id: int
    symptom: str
    kind: str
    level: str
    first_day: int
    last_day: int
    first_date: dt.date
    last_date: dt.date
    message: str
    advice: str

    @property
    def days(self) -> str:
        """The days it covers, in words: "day 9" or "days 8-12"."""
        if self.first_day == self.last_day:
            return f"day {self.first_day}"
        return f"days {self.first_day}-{self.last_day}"

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "symptom": self.symptom,
            "kind": self.kind,
            "level": self.level,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "first_date": self.first_date.isoformat(),
            "last_date": self.last_date.isoformat(),
            "message": self.message,
            "advice": self.advice,
        }


def level_at_least(flags: Iterable[Flag], level: str) -> bool:
    threshold = LEVELS.index(level)
    return any(flag.rank >= threshold for flag in flags)


def care_advice(symptom: str) -> str:
    """Self-care that general aftercare advice gives for a symptom."""
    if symptom in ("swelling", "itching"):
        return (
            "An ice pack wrapped in a cloth, applied gently for a few minutes, can ease "
            f"{symptom}; use any cream your doctor suggested."
        )
    if symptom in ("rash", "redness", "dryness", "peeling", "crusting"):
        return (
            "A gentle moisturiser or petroleum jelly can soothe the skin; do not pick or scrub, "
            "and use any cream your doctor suggested."
        )
    return "Follow the aftercare your clinic gave you and use any cream your doctor suggested."


def _name(symptom: str) -> str:
    known = SYMPTOMS_BY_KEY.get(symptom)
    return known.name if known else symptom


def _span(days: Sequence[EntryRecord]) -> tuple[int, int, dt.date, dt.date]:
    return days[0].day, days[-1].day, days[0].date, days[-1].date


def _flag(
    session: SessionRecord,
    symptom: str,
    kind: str,
    level: str,
    hits: Sequence[EntryRecord],
    message: str,
    advice: str,
) -> Flag:
    first_day, last_day, first_date, last_date = _span(hits)
    return Flag(
        session.id,
        symptom,
        kind,
        level,
        first_day,
        last_day,
        first_date,
        last_date,
        message,
        advice,
    )


def _persisting(
    session: SessionRecord, symptom: str, series: Sequence[EntryRecord], expected: Expectation
) -> Flag | None:
    hits = [e for e in series if e.severity >= 1 and e.day > expected.max_days]
    if not hits:
        return None
    last = hits[-1]
    typical = (
        f"usually gone by day {expected.typical_days}, "
        if expected.typical_days is not None
        else ""
    )
    message = (
        f"{_name(symptom)} was still {last.severity}/10 on day {last.day}, past its expected "
        f"course ({typical}expected gone by day {expected.max_days} after {session.kind})."
    )
    advice = (
        f"Mention it to your clinic, or at your follow-up. {care_advice(symptom)} If it is "
        "spreading, getting worse or feels warm, contact your clinic now."
    )
    return _flag(session, symptom, "persisting", "warning", hits, message, advice)


def _worsening(session: SessionRecord, symptom: str, series: Sequence[EntryRecord]) -> Flag | None:
    hits: list[EntryRecord] = []
    lows: list[int] = []
    for index, entry in enumerate(series):
        if entry.day < WORSENING_FROM_DAY:
            continue
        window = []
        back = index - 1  # the series is in date order: look back only as far as needed
        while back >= 0 and series[back].day >= entry.day - WORSENING_WINDOW:
            window.append(series[back].severity)
            back -= 1
        if window and entry.severity - min(window) >= WORSENING_RISE:
            hits.append(entry)
            lows.append(min(window))
    if not hits:
        return None
    first = hits[0]
    message = (
        f"{_name(symptom)} rose to {first.severity}/10 on day {first.day}, up from {lows[0]}/10 "
        f"in the days before: a rebound instead of fading."
    )
    advice = (
        "A symptom that comes back stronger can be a sign of infection. Contact your clinic "
        "soon, and now if there is pus, fever, spreading redness or growing pain."
    )
    return _flag(session, symptom, "worsening", "warning", hits, message, advice)


def _severe(session: SessionRecord, symptom: str, series: Sequence[EntryRecord]) -> Flag | None:
    hits = [e for e in series if e.severity >= SEVERE_FROM]
    if not hits:
        return None
    worst = max(hits, key=lambda e: e.severity)
    message = f"{_name(symptom)} was severe: {worst.severity}/10 on day {worst.day}."
    return _flag(session, symptom, "severe", "urgent", hits, message, CONTACT_NOW)


def _by_group(session: SessionRecord, symptom: str, series: Sequence[EntryRecord]) -> Flag | None:
    known = SYMPTOMS_BY_KEY.get(symptom)
    if known is None or known.group not in ("red-flag", "pigment"):
        return None
    hits = [e for e in series if e.severity > 0]
    if not hits:
        return None
    first = hits[0]
    if known.group == "red-flag":
        message = f"{known.name} logged on day {first.day} ({first.severity}/10)."
        advice = (
            f"{CONTACT_NOW} Blisters, pus, fever or cold sores after a treatment need to be "
            "seen quickly."
        )
        return _flag(session, symptom, "red-flag", "urgent", hits, message, advice)
    message = f"{known.name} logged from day {first.day}."
    advice = (
        "Pigment changes are not urgent but should be checked: raise it at your follow-up, and "
        "protect the area from the sun."
    )
    return _flag(session, symptom, "pigment", "warning", hits, message, advice)


def _missing(
    session: SessionRecord,
    symptom: str,
    series: Sequence[EntryRecord],
    expected: Expectation,
    as_of: dt.date,
) -> Flag | None:
    last = series[-1]
    gap = (as_of - last.date).days
    as_of_day = session.day_of(as_of)
    if last.severity == 0 or gap < MISSING_AFTER_DAYS or as_of_day > expected.max_days:
        return None
    first_date = last.date + dt.timedelta(days=1)
    message = (
        f"{_name(symptom)} was {last.severity}/10 on day {last.day} and has not been logged "
        f"for {gap} days."
    )
    advice = f"Log it again, even as 0 once it is gone: tracker log {symptom}=N"
    return Flag(
        session.id,
        symptom,
        "missing",
        "info",
        last.day + 1,
        as_of_day,
        first_date,
        as_of,
        message,
        advice,
    )


def evaluate(
    session: SessionRecord,
    entries: Iterable[EntryRecord],
    expectation: Callable[[str, str], Expectation],
    as_of: dt.date,
) -> list[Flag]:
    """Every flag for one session as of a date, most urgent first."""
    by_symptom: dict[str, list[EntryRecord]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.date):
        if entry.session_id == session.id and session.date <= entry.date <= as_of:
            by_symptom[entry.symptom].append(entry)
    flags: list[Flag] = []
    for symptom, series in by_symptom.items():
        expected = expectation(session.kind, symptom)
        for found in (
            _severe(session, symptom, series),
            _by_group(session, symptom, series),
            _persisting(session, symptom, series, expected),
            _worsening(session, symptom, series),
            _missing(session, symptom, series, expected, as_of),
        ):
            if found is not None:
                flags.append(found)
    return sort_flags(flags)


def sort_flags(flags: Iterable[Flag]) -> list[Flag]:
    """Urgent first, then the longest-lasting, then by symptom."""
    return sorted(
        flags, key=lambda f: (-f.rank, -(f.last_day - f.first_day), f.session_id, f.symptom)
    )
