"""The flag engine: which symptoms are not fading as expected, or need the clinic now.

Pure functions over plain records, judged on an ``as_of`` date passed in: entries
dated after it are not seen. Days count from the session day (day 0).

A flag is one episode: the days its condition held. It is ``active`` while the condition
still holds on the symptom's latest value as of the as-of date, and ``resolved`` (with the
date of the value that ended it) once it no longer does. Judging on a later date never
removes an episode about earlier days; it can only extend or resolve the last one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.domain.catalog import SYMPTOMS_BY_KEY, agreement, kind_words, symptom_name
from tracker.domain.courses import PersonalCourse, personal_courses_of_each
from tracker.domain.dates import day_span
from tracker.domain.expectations import Expectation
from tracker.domain.hints import Hint
from tracker.domain.records import EntryRecord, SessionRecord
from tracker.domain.severity import SEVERE_FROM

LEVELS = ("info", "warning", "urgent")
WORSENING_FROM_DAY = 3
WORSENING_WINDOW = 5  # days looked back for the low a rise is measured from
WORSENING_RISE = 2  # a clinically meaningful change on the 0-10 scale
MISSING_AFTER_DAYS = 2
SLOWER_BY_DAYS = 2
EARLY_PIGMENT_UNTIL = 10  # onset windows ending by then are expected darkening, not a change
DISCLAIMER = (
    "This is information, not a diagnosis: if you are worried, contact your clinic or skin "
    "specialist."
)
CONTACT_NOW = "Contact your skin specialist or clinic now."
IF_UNREACHABLE = (
    "If you cannot reach them, call your local urgent medical advice line (111 in England) or "
    "go to an urgent-care service today."
)
EMERGENCY = (
    "Call your emergency number (999, 112 or 911) now if your lips, tongue or eyes swell, or "
    "you have trouble breathing or swallowing, or feel faint."
)
RED_FLAG_REASONS = {
    "blistering": "Blisters after a treatment need to be seen quickly.",
    "pus": "Pus or a bad smell can be a sign of infection and needs to be seen quickly.",
    "fever": "A fever after a treatment can be a sign of infection and needs to be seen quickly.",
    "cold-sores": (
        "Cold sores after a treatment can spread over the treated skin; antiviral treatment "
        "works best when started early."
    ),
    "hives": "Hives can be an allergic reaction, to the treatment or to a cream used after it.",
}


@dataclass(frozen=True)
class Flag:
    session_id: int
    symptom: str
    rule: str  # persisting, worsening, severe, red-flag, pigment, missing, slower-than-usual
    level: str
    first_day: int
    last_day: int
    first_date: dt.date
    last_date: dt.date
    message: str
    advice: str
    resolved_date: dt.date | None = None
    hint: Hint | None = None  # the next step each face says its own way ("log redness at 0")

    @property
    def active(self) -> bool:
        return self.resolved_date is None

    @property
    def state(self) -> str:
        return "active" if self.active else "resolved"

    @property
    def days(self) -> str:
        """The days it covers, in words: "day 9" or "days 8-12"."""
        return day_span(self.first_day, self.last_day)

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)

    @property
    def key(self) -> tuple[int, str, str, int]:
        """What makes an episode the same one on another as-of date."""
        return self.session_id, self.symptom, self.rule, self.first_day

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "symptom": self.symptom,
            "kind": self.rule,
            "level": self.level,
            "state": self.state,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "first_date": self.first_date.isoformat(),
            "last_date": self.last_date.isoformat(),
            "resolved_date": self.resolved_date.isoformat() if self.resolved_date else None,
            "message": self.message,
            "advice": self.advice,
            "hint": self.hint.to_json() if self.hint else None,
        }


def level_at_least(flags: Iterable[Flag], level: str) -> bool:
    """Whether an active flag at or above the level exists."""
    threshold = LEVELS.index(level)
    return any(flag.active and flag.rank >= threshold for flag in flags)


def active_only(flags: Iterable[Flag]) -> list[Flag]:
    return [flag for flag in flags if flag.active]


def sort_key(flag: Flag) -> tuple[bool, int, int]:
    """Active before resolved, urgent first, then the longest-lasting."""
    return (not flag.active, -flag.rank, -(flag.last_day - flag.first_day))


def sort_flags(flags: Iterable[Flag]) -> list[Flag]:
    return sorted(flags, key=lambda f: (*sort_key(f), f.session_id, f.symptom, f.first_day))


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


def urgent_advice(symptom: str) -> str:
    """Contact now, why, and where to go when the clinic cannot be reached."""
    reason = RED_FLAG_REASONS.get(symptom, "")
    parts = [CONTACT_NOW, reason, IF_UNREACHABLE]
    if symptom == "hives":
        parts.append(EMERGENCY)
    return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class _Context:
    session: SessionRecord
    symptom: str
    series: Sequence[EntryRecord]
    expected: Expectation
    as_of: dt.date

    @property
    def as_of_day(self) -> int:
        return self.session.day_of(self.as_of)

    def date_of(self, day: int) -> dt.date:
        return self.session.date + dt.timedelta(days=day)

    def flag(
        self,
        rule: str,
        level: str,
        days: tuple[int, int],
        message: str,
        advice: str,
        resolved: dt.date | None = None,
        hint: Hint | None = None,
    ) -> Flag:
        return Flag(
            self.session.id,
            self.symptom,
            rule,
            level,
            days[0],
            days[1],
            self.date_of(days[0]),
            self.date_of(days[1]),
            message,
            advice,
            resolved,
            hint,
        )


def _runs(
    series: Sequence[EntryRecord], holds: Callable[[EntryRecord], bool]
) -> list[tuple[list[EntryRecord], EntryRecord | None]]:
    """Consecutive entries on which a condition holds, each with the entry that ended it."""
    found: list[tuple[list[EntryRecord], EntryRecord | None]] = []
    current: list[EntryRecord] = []
    for entry in series:
        if holds(entry):
            current.append(entry)
        elif current:
            found.append((current, entry))
            current = []
    if current:
        found.append((current, None))
    return found


def _span(run: Sequence[EntryRecord]) -> tuple[int, int]:
    return run[0].day, run[-1].day


def _severe(c: _Context) -> list[Flag]:
    name, expected, agree = symptom_name(c.symptom), c.expected, agreement(c.symptom)
    flags = []
    for run, after in _runs(c.series, lambda e: e.severity >= SEVERE_FROM):
        worst = max(run, key=lambda e: e.severity)
        last = run[-1]
        expected_strong = all(expected.severe_expected_on(e.day) for e in run)
        resolved = after.date if after else None
        if expected_strong:
            assert expected.severe_until is not None
            until = expected.severe_until.last_day
            level = "warning"
            message = (
                f"{name} {last.severity}/10 on day {last.day} is strong, as expected after "
                f"{kind_words(c.session.kind)} up to day {until} "
                f"(expected gone by day {expected.max_days})."
            )
            advice = (
                f"Contact your clinic if it is not easing by day {until}, and now if it spreads, "
                f"feels hot or comes with a fever. {care_advice(c.symptom)}"
            )
        else:
            level = "urgent"
            message = f"{name} {agree.is_} severe: {last.severity}/10 on day {last.day}."
            advice = urgent_advice(c.symptom)
        if after is not None:
            message = (
                f"{name} {agree.was} severe on {day_span(*_span(run))}, {worst.severity}/10; "
                f"down to {after.severity}/10 by day {after.day}."
            )
        flags.append(c.flag("severe", level, _span(run), message, advice, resolved))
    return flags


def _by_group(c: _Context) -> list[Flag]:
    known = SYMPTOMS_BY_KEY.get(c.symptom)
    if known is None or known.group not in ("red-flag", "pigment"):
        return []
    name = symptom_name(c.symptom)
    flags = []
    for run, after in _runs(c.series, lambda e: e.severity > 0):
        first, last = run[0], run[-1]
        worst = max(run, key=lambda e: e.severity)
        now = f"{last.severity}/10 on day {last.day}"
        if known.group == "red-flag":
            rule, level = "red-flag", "urgent"
            message = f"{name} logged on day {first.day} ({first.severity}/10)" + (
                f", {now}." if last is not first else "."
            )
            advice = urgent_advice(c.symptom) + " Once it is gone, log it as 0."
        else:
            rule = "pigment"
            early = [
                w
                for w in c.expected.onsets
                if w.last_day <= EARLY_PIGMENT_UNTIL and all(w.holds(e.day) for e in run)
            ]
            if early:
                level = "info"
                message = (
                    f"{name} logged from day {first.day}: some darkening in {early[0].days} is "
                    "an expected part of healing after "
                    f"{kind_words(c.session.kind)}, and usually flakes or fades."
                )
                advice = (
                    f"Protect the area from the sun. If it is still there after day "
                    f"{early[0].last_day}, raise it at your follow-up."
                )
            else:
                level = "warning"
                message = f"{name} logged from day {first.day} ({now})."
                advice = (
                    "Pigment changes are not urgent but should be checked: raise it at your "
                    "follow-up, and protect the area from the sun."
                )
        if after is not None:
            message = (
                f"{name} logged on {day_span(*_span(run))}, up to {worst.severity}/10; logged "
                f"{after.severity}/10 on day {after.day}."
            )
        resolved = after.date if after else None
        hint = Hint.log(c.symptom, 0) if rule == "red-flag" and after is None else None
        flags.append(c.flag(rule, level, _span(run), message, advice, resolved, hint))
    return flags


def _persisting(c: _Context) -> list[Flag]:
    """Runs of the symptom still there after its course, logged or carried since before."""
    expected, name, agree = c.expected, symptom_name(c.symptom), agreement(c.symptom)
    end = expected.max_days
    if c.as_of_day <= end:
        return []
    typical = (
        f"usually gone by day {expected.typical_days}, "
        if expected.typical_days is not None
        else ""
    )
    course = f"{typical}expected gone by day {end} after {kind_words(c.session.kind)}"
    if expected.basis == "default":
        # No source gives a figure for this pair: the day is the tracker's, and says so.
        course = (
            f"no figure for it after {kind_words(c.session.kind)}: the tracker's general {end} days"
        )
    advice = (
        f"Mention it to your clinic, or at your follow-up. {care_advice(c.symptom)} If it "
        "is spreading, getting worse or feels warm, contact your clinic now."
    )
    before = [e for e in c.series if e.day <= end]
    carried = before[-1] if before and before[-1].severity > 0 else None
    flags: list[Flag] = []
    run: list[EntryRecord] = []
    start = end + 1 if carried is not None else None  # first day of the current run
    for entry in (e for e in c.series if e.day > end):
        if entry.severity > 0:
            if start is None:
                start = entry.day
            run.append(entry)
            continue
        if start is None:
            continue
        if run:
            worst = max(run, key=lambda e: e.severity)
            message = (
                f"{name} lasted past {agree.its} expected course ({course}): up to "
                f"{worst.severity}/10 on {day_span(start, run[-1].day)}; logged 0 on day "
                f"{entry.day}."
            )
            last_day = entry.day - 1  # it was there, as far as we know, until then
        elif entry.day > start:
            assert carried is not None
            message = (
                f"{name} {agree.was} {carried.severity}/10 on day {carried.day} and {agree.was} "
                "not logged "
                f"again until day {entry.day} (0/10); it was expected gone by day {end}."
            )
            last_day = entry.day - 1
        else:  # logged 0 on the first day after the course: it never outlasted it
            start = None
            continue
        flags.append(
            c.flag("persisting", "warning", (start, last_day), message, advice, entry.date)
        )
        start, run = None, []
    if start is not None:
        last = run[-1] if run else carried
        assert last is not None
        gap = (c.as_of - last.date).days
        if run:
            message = (
                f"{name} {agree.was} still {last.severity}/10 on day {last.day}, past {agree.its} "
                "expected "
                f"course ({course})."
            )
            if gap >= MISSING_AFTER_DAYS:
                message += " It has not been logged since; if it is gone, log it as 0."
        else:
            message = (
                f"{name} {agree.was} {last.severity}/10 on day {last.day} and {agree.has} not been "
                "logged "
                f"since; it was expected gone by day {end}. If it is gone, log it as 0."
            )
        hint = Hint.log(c.symptom, 0) if not run or gap >= MISSING_AFTER_DAYS else None
        flags.append(
            c.flag("persisting", "warning", (start, c.as_of_day), message, advice, hint=hint)
        )
    return flags


def _worsening(c: _Context) -> list[Flag]:
    name, series = symptom_name(c.symptom), c.series
    advice = (
        "A symptom that comes back stronger can be a sign of infection. Contact your clinic "
        "soon, and now if there is pus, fever, spreading redness or growing pain. "
        + IF_UNREACHABLE.replace("them", "your clinic")
    )
    flags: list[Flag] = []
    low: int | None = None  # the low the current episode rose from
    run: list[EntryRecord] = []
    since = ""

    def close(after: EntryRecord | None) -> None:
        first, last = run[0], run[-1]
        message = (
            f"{name} rose to {first.severity}/10 on day {first.day}, up from {low}/10 {since}: "
            "a rebound instead of fading."
        )
        if after is not None:
            message = (
                f"{name} rose to {first.severity}/10 on day {first.day}, up from {low}/10; "
                f"back to {after.severity}/10 by day {after.day}."
            )
        elif last is not first:
            message += f" Still {last.severity}/10 on day {last.day}."
        resolved = after.date if after else None
        flags.append(c.flag("worsening", "warning", _span(run), message, advice, resolved))

    for index, entry in enumerate(series):
        if run:
            assert low is not None
            if entry.severity >= low + WORSENING_RISE:
                run.append(entry)
                continue
            close(entry)
            run, low = [], None
        if entry.day < WORSENING_FROM_DAY or c.expected.onset_at(entry.day) is not None:
            continue
        if index == 0 or entry.severity <= series[index - 1].severity:
            continue  # an episode starts on the day of a rise, not on a plateau after one
        window = []
        back = index - 1  # the series is in date order: look back only as far as needed
        while back >= 0 and series[back].day >= entry.day - WORSENING_WINDOW:
            window.append(series[back].severity)
            back -= 1
        if window:
            base, where = min(window), "in the days before"
        else:  # nothing in the window: the value before the gap (index 0 never gets here)
            base, where = series[index - 1].severity, f"on day {series[index - 1].day}"
        if entry.severity - base >= WORSENING_RISE:
            low, since, run = base, where, [entry]
    if run:
        close(None)
    return flags


def _missing(c: _Context) -> list[Flag]:
    last = c.series[-1]
    gap = (c.as_of - last.date).days
    if last.severity == 0 or gap < MISSING_AFTER_DAYS or c.as_of_day > c.expected.max_days:
        return []
    agree = agreement(c.symptom)
    message = (
        f"{symptom_name(c.symptom)} {agree.was} {last.severity}/10 on day {last.day} and "
        f"{agree.has} not been "
        f"logged for {gap} days."
    )
    advice = "Log it again, even as 0 once it is gone."
    hint = Hint.log(c.symptom)
    return [c.flag("missing", "info", (last.day + 1, c.as_of_day), message, advice, hint=hint)]


def _slower(c: _Context, personal: PersonalCourse | None) -> list[Flag]:
    """Outlasting the patient's own slowest recovery, while still inside the published course."""
    if personal is None or not personal.gone_by:
        return []
    last = c.series[-1]
    slowest = personal.slowest[1]
    day = c.as_of_day
    if last.severity == 0 or day > c.expected.max_days or day < slowest + SLOWER_BY_DAYS:
        return []
    message = (
        f"{symptom_name(c.symptom)}: {personal.describe()}; now day {day} at {last.severity}/10 "
        f"(logged on day {last.day}). Still inside its expected course (gone by day "
        f"{c.expected.max_days})."
    )
    advice = (
        "Slower than your own earlier recoveries is not a warning sign on its own; mention it "
        "at your follow-up."
    )
    return [c.flag("slower-than-usual", "info", (slowest + SLOWER_BY_DAYS, day), message, advice)]


def evaluate_sessions(
    sessions: Sequence[SessionRecord],
    entries: Mapping[int, Sequence[EntryRecord]],
    expectation: Callable[[str, str], Expectation],
    as_of: dt.date,
) -> dict[int, list[Flag]]:
    """Flags of each of one person's sessions, each judged with the person's earlier ones."""
    history = [
        (record, [e for e in entries.get(record.id, ()) if e.date <= as_of]) for record in sessions
    ]
    courses = personal_courses_of_each(history)
    return {
        record.id: evaluate(
            record,
            entries.get(record.id, ()),
            expectation,
            as_of,
            courses[record.id],
        )
        for record in sessions
    }


def can_be_urgent(symptom: str, severity: int) -> bool:
    """Only a severe value, or any value of a red-flag symptom, can make a flag urgent."""
    known = SYMPTOMS_BY_KEY.get(symptom)
    return severity >= SEVERE_FROM or (
        severity > 0 and known is not None and known.group == "red-flag"
    )


def evaluate(
    session: SessionRecord,
    entries: Iterable[EntryRecord],
    expectation: Callable[[str, str], Expectation],
    as_of: dt.date,
    personal: Mapping[str, PersonalCourse] | None = None,
) -> list[Flag]:
    """Every flag for one session as of a date, active and resolved, most urgent first."""
    by_symptom: dict[str, list[EntryRecord]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.date):
        if entry.session_id == session.id and session.date <= entry.date <= as_of:
            by_symptom[entry.symptom].append(entry)
    flags: list[Flag] = []
    for symptom, series in by_symptom.items():
        c = _Context(session, symptom, series, expectation(session.kind, symptom), as_of)
        if not c.expected.has_course:
            flags.extend(_by_group(c))
            continue
        flags.extend(_severe(c))
        flags.extend(_persisting(c))
        flags.extend(_worsening(c))
        flags.extend(_missing(c))
        flags.extend(_slower(c, (personal or {}).get(symptom)))
    return sort_flags(flags)
