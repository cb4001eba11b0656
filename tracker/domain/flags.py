"""The flag engine: which symptoms are not fading as expected, or need the clinic now.

Pure functions over plain records, judged on an ``as_of`` date passed in: entries
dated after it are not seen. Days count from the session day (day 0).

A flag is one episode: the days its condition held. It is ``active`` while the condition
still holds on the symptom's latest value as of the as-of date, and ``resolved`` (with the
date of the value that ended it) once it no longer does. Judging on a later date never
removes an episode about earlier days; it can only extend or resolve the last one.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from tracker.domain.catalog import SYMPTOMS_BY_KEY
from tracker.domain.courses import PersonalCourse, personal_courses_of_each
from tracker.domain.dates import day_span
from tracker.domain.expectations import Expectation
from tracker.domain.flag_words import (
    CONTACT_NOW,
    DISCLAIMER,
    EMERGENCY,
    IF_UNREACHABLE,
    RED_FLAG_REASONS,
    Said,
    care_advice,
    course_words,
    follow_up_passed,
    fragment,
    say,
    span,
    urgent_advice,
)
from tracker.domain.hints import Hint
from tracker.domain.records import SessionRecord, ValueRecord
from tracker.domain.severity import SEVERE_FROM
from tracker.domain.temperature import FEVER_WORDS, MEASURE, TemperatureRecord

__all__ = [  # the words' constants, kept importable from here where the faces found them
    "CONTACT_NOW",
    "DISCLAIMER",
    "EMERGENCY",
    "IF_UNREACHABLE",
    "RED_FLAG_REASONS",
    "care_advice",
    "urgent_advice",
]

LEVELS = ("info", "warning", "urgent")
# A first value above 0 after the days a symptom usually starts (its last onset day, or this
# day for a symptom that is there from the start) is a late onset; moderate or more: a warning.
LATE_ONSET_FROM_DAY = 3
MODERATE_FROM = 4
WORSENING_FROM_DAY = 3
WORSENING_WINDOW = 5  # days looked back for the low a rise is measured from
WORSENING_RISE = 2  # a clinically meaningful change on the 0-10 scale
MISSING_AFTER_DAYS = 2
SLOWER_BY_DAYS = 2
EARLY_PIGMENT_UNTIL = 10  # onset windows ending by then are expected darkening, not a change


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
    reasons: tuple[str, ...] = ()  # the symptom's other active flags, as lines under this one
    also: tuple[str, ...] = ()  # their rules
    silent_since: int | None = None  # an aged alarm: the day of the last value heard
    # The facts: (day, value) pairs it is about; a temperature's value is its words ("38.4 °C")
    values: tuple[tuple[int, int | str], ...] = ()
    said: Said | None = None  # which sentence, and the figures it names (flag_words)

    @property
    def no_data_words(self) -> str | None:
        """ "no data since day 4" for an alarm that has aged; None for one still heard of."""
        return None if self.silent_since is None else f"no data since day {self.silent_since}"

    def facts(self) -> dict[str, Any]:
        """What was found, before any wording: the rule, the symptom, the days, the values."""
        return {
            "rule": self.rule,
            "symptom": self.symptom,
            "days": [self.first_day, self.last_day],
            "values": [list(pair) for pair in self.values],
            "also": list(self.also),
            "silent_since": self.silent_since,
            # Which sentence, and the figures it names: a face may say it its own way.
            "said": self.said.to_json() if self.said else None,
        }

    @property
    def active(self) -> bool:
        return self.resolved_date is None

    @property
    def state(self) -> str:
        return "active" if self.active else "resolved"

    @property
    def days(self) -> str:
        """The days it covers, in words: "day 9" or "days 8-12"; an open flag still heard
        of only up to the last value it is about (judged on day 5 with day 4's value the
        latest: "day 4", never "days 4-5": nothing was given for day 5). An aged alarm keeps
        its days to the day judged: its words say "no data since day N" beside them."""
        last = self.last_day
        if self.active and self.values and self.silent_since is None:
            heard = max(day for day, _ in self.values)
            last = max(self.first_day, min(last, heard))
        return day_span(self.first_day, last)

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
            "reasons": list(self.reasons),
            "also": list(self.also),
            "silent_since": self.silent_since,
            "facts": self.facts(),
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


@dataclass(frozen=True)
class _Context:
    session: SessionRecord
    symptom: str
    series: Sequence[ValueRecord]
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
        said: Said,
        resolved: dt.date | None = None,
        hint: Hint | None = None,
    ) -> Flag:
        """A flag of facts: its words are the wording step's (``worded``)."""
        return Flag(
            self.session.id,
            self.symptom,
            rule,
            level,
            days[0],
            days[1],
            self.date_of(days[0]),
            self.date_of(days[1]),
            "",
            "",
            resolved,
            hint,
            values=self.values_for(days),
            said=said,
        )

    @cached_property
    def days(self) -> list[int]:
        """The series' days, in order (the series is sorted by date): for bisecting."""
        return [e.day for e in self.series]

    def worded(self, flag: Flag) -> Flag:
        """The wording step: the flag's message and advice, from its facts."""
        assert flag.said is not None
        message, advice = say(flag.said, self.symptom, self.session.kind, self.as_of_day)
        return replace(flag, message=message, advice=advice)

    def values_for(self, days: tuple[int, int]) -> tuple[tuple[int, int], ...]:
        """The facts a flag is about: the (day, value) pairs logged in its days, or the last
        one before them when it is about a value carried since (not logged again). Found by
        bisection: a long series has thousands of flags, each about a few days."""
        first = bisect.bisect_left(self.days, days[0])
        last = bisect.bisect_right(self.days, days[1])
        if first < last:
            return tuple((e.day, e.severity) for e in self.series[first:last])
        return ((self.series[first - 1].day, self.series[first - 1].severity),) if first else ()


def _runs(
    series: Sequence[ValueRecord], holds: Callable[[ValueRecord], bool]
) -> list[tuple[list[ValueRecord], ValueRecord | None]]:
    """Consecutive entries on which a condition holds, each with the entry that ended it."""
    found: list[tuple[list[ValueRecord], ValueRecord | None]] = []
    current: list[ValueRecord] = []
    for entry in series:
        if holds(entry):
            current.append(entry)
        elif current:
            found.append((current, entry))
            current = []
    if current:
        found.append((current, None))
    return found


def _span(run: Sequence[ValueRecord]) -> tuple[int, int]:
    return run[0].day, run[-1].day


def _runs_by(
    series: Sequence[ValueRecord], key: Callable[[int], tuple[str, str] | None]
) -> list[tuple[tuple[str, str], list[ValueRecord], ValueRecord | None]]:
    """Consecutive entries with the same (rule, level), each with the entry that ended it;
    key(index) is None where no rule holds."""
    found: list[tuple[tuple[str, str], list[ValueRecord], ValueRecord | None]] = []
    current: list[ValueRecord] = []
    held: tuple[str, str] | None = None
    for index, entry in enumerate(series):
        now = key(index)
        if current and now != held:
            assert held is not None
            found.append((held, current, entry))
            current = []
        if now is not None:
            current.append(entry)
        held = now
    if current and held is not None:
        found.append((held, current, None))
    return found


def _strong_key(c: _Context, index: int) -> tuple[str, str] | None:
    """A severe value against the envelope: expected in the strong stage, no alarm while it
    eases after it, a warning while it does not, urgent after the latest day (or outside
    any strong stage: far above the course)."""
    entry, expected = c.series[index], c.expected
    if entry.severity < SEVERE_FROM:
        return None
    if expected.ease_by is not None and entry.day <= expected.ease_by:
        return ("expected-strong", "info")
    latest = expected.latest_strong
    if latest is not None and entry.day <= latest:
        peak = max((e.severity for e in c.series[:index]), default=0)
        return None if entry.severity < peak else ("not-easing", "warning")
    return ("severe", "urgent")


def _strong_said(c: _Context, rule: str, run: list[ValueRecord], after: ValueRecord | None) -> Said:
    """The facts of a strong value against its envelope, open or ended."""
    expected, last = c.expected, run[-1]
    advice = {"expected-strong": "expected-strong", "not-easing": "not-easing"}.get(rule, "severe")
    case = advice
    if rule == "severe":
        case = "still-severe" if expected.latest_strong is not None else "severe"
    figures: dict[str, object] = {
        "now": fragment("now", value=last.severity, day=last.day),
        "latest": expected.latest_strong,
        "ease_by": expected.ease_by,
    }
    if rule == "expected-strong":
        assert expected.ease_by is not None
        figures["ease_next"] = expected.ease_by + 1
    if after is not None:
        worst = max(run, key=lambda e: e.severity)
        case = "strong-ended"
        figures.update(
            strength="strong" if rule == "expected-strong" else "severe",
            span=span(*_span(run)),
            worst=worst.severity,
            eased=fragment("eased" if after.severity < SEVERE_FROM else "then"),
            after=after.severity,
            after_day=after.day,
        )
    return Said.of(case, advice, **figures)


def _severe(c: _Context) -> list[Flag]:
    flags = []
    for (rule, level), run, after in _runs_by(c.series, lambda i: _strong_key(c, i)):
        said = _strong_said(c, rule, run, after)
        resolved = after.date if after else None
        flags.append(c.flag(rule, level, _span(run), said, resolved))
    return flags


def _above(c: _Context) -> list[Flag]:
    """Moderate values above the envelope: only a course with no figure keeps values mild."""
    expected = c.expected

    def key(index: int) -> tuple[str, str] | None:
        entry = c.series[index]
        above = expected.ceiling(entry.day) < entry.severity < SEVERE_FROM
        return ("above-course", "warning") if above and entry.day <= expected.max_days else None

    flags = []
    for _, run, after in _runs_by(c.series, key):
        last = run[-1]
        said = Said.of(
            "above-course", value=last.severity, day=last.day, ceiling=expected.ceiling(last.day)
        )
        if after is not None:
            said = Said.of(
                "above-course-ended",
                "above-course",
                span=span(*_span(run)),
                after=after.severity,
                after_day=after.day,
            )
        flags.append(c.flag("above-course", "warning", _span(run), said, after and after.date))
    return flags


def _late_onset(c: _Context) -> list[Flag]:
    """A first value above 0 after the days it usually starts, with no 0 logged before."""
    first = c.series[0]
    # The first days, its rise and its strong stage: a first value then is not late.
    starts_by = max(LATE_ONSET_FROM_DAY, c.expected.onset_ends or 0, c.expected.ease_by or 0)
    if first.severity == 0 or first.day <= starts_by:
        return []
    run = []
    after = None
    for entry in c.series:
        if entry.severity == 0:
            after = entry
            break
        run.append(entry)
    worst = max(e.severity for e in run)
    level = "warning" if worst >= MODERATE_FROM else "info"
    said = Said.of(
        "late-onset",
        "late-onset" if level == "warning" else "late-onset-mild",
        day=first.day,
        value=first.severity,
        starts_by=starts_by,
    )
    return [c.flag("late-onset", level, _span(run), said, after.date if after else None)]


def _by_group(c: _Context) -> list[Flag]:
    known = SYMPTOMS_BY_KEY.get(c.symptom)
    if known is None or known.group not in ("red-flag", "pigment"):
        return []
    flags = []
    for run, after in _runs(c.series, lambda e: e.severity > 0):
        first, last = run[0], run[-1]
        worst = max(run, key=lambda e: e.severity)
        now = fragment("now", value=last.severity, day=last.day)
        if known.group == "red-flag":
            rule, level = "red-flag", "urgent"
            still = fragment("still-red-flag", now=now) if last is not first else ""
            said = Said.of("red-flag", first_day=first.day, first_value=first.severity, still=still)
        else:
            rule = "pigment"
            early = [
                w
                for w in c.expected.onsets
                if w.last_day <= EARLY_PIGMENT_UNTIL and all(w.holds(e.day) for e in run)
            ]
            if early:
                level = "info"
                said = Said.of(
                    "early-darkening",
                    first_day=first.day,
                    window=early[0].days,
                    window_last=early[0].last_day,
                )
            else:
                level = "warning"
                said = _pigment_said(c, first.day, now)
        if after is not None:
            said = Said.of(
                "group-ended",
                said.advice,
                **dict(said.figures),
                span=span(*_span(run)),
                worst=worst.severity,
                after=after.severity,
                after_day=after.day,
            )
        resolved = after.date if after else None
        hint = Hint.log(c.symptom, 0) if rule == "red-flag" and after is None else None
        flags.append(c.flag(rule, level, _span(run), said, resolved, hint))
    return flags


def _pigment_said(c: _Context, first_day: int, now: str) -> Said:
    """Raised at the follow-up; once the follow-up has passed, with the clinic instead."""
    follow_up = c.session.follow_up
    if follow_up_passed(follow_up, c.as_of):
        return Said.of(
            "pigment", "pigment-after-follow-up", first_day=first_day, now=now, follow_up=follow_up
        )
    return Said.of("pigment", first_day=first_day, now=now)


def _course_words(c: _Context) -> str:
    """The course a persisting symptom outlasted, in words (or that there is no figure)."""
    e = c.expected
    return course_words(c.session.kind, e.typical_days, e.max_days, e.no_figure)


def _persisting_ended(
    c: _Context,
    start: int,
    run: list[ValueRecord],
    carried: ValueRecord | None,
    gone: ValueRecord,
) -> Said | None:
    """The facts of a run past the course that a 0 ended; None when the 0 came on the first
    day after the course (it never outlasted it)."""
    if run:
        worst = max(run, key=lambda e: e.severity)
        return Said.of(
            "persisting-ended",
            "persisting",
            course=_course_words(c),
            worst=worst.severity,
            span=span(start, run[-1].day),
            after_day=gone.day,
        )
    if gone.day > start:
        assert carried is not None
        return Said.of(
            "persisting-unlogged-ended",
            "persisting",
            value=carried.severity,
            day=carried.day,
            after_day=gone.day,
            max_days=c.expected.max_days,
        )
    return None


def _persisting_open(
    c: _Context, start: int, run: list[ValueRecord], carried: ValueRecord | None
) -> Flag:
    """A run past the course still there as of the as-of date, logged or carried since."""
    last = run[-1] if run else carried
    assert last is not None
    gap = (c.as_of - last.date).days
    if run:
        since = fragment("not-logged-since") if gap >= MISSING_AFTER_DAYS else ""
        said = Said.of(
            "persisting",
            value=last.severity,
            day=last.day,
            course=_course_words(c),
            since=since,
        )
    else:
        said = Said.of(
            "persisting-unlogged",
            "persisting",
            value=last.severity,
            day=last.day,
            max_days=c.expected.max_days,
        )
    hint = Hint.log(c.symptom, 0) if not run or gap >= MISSING_AFTER_DAYS else None
    return c.flag("persisting", "warning", (start, c.as_of_day), said, hint=hint)


def _persisting(c: _Context) -> list[Flag]:
    """Runs of the symptom still there after its course, logged or carried since before."""
    end = c.expected.max_days
    if c.as_of_day <= end:
        return []
    before = [e for e in c.series if e.day <= end]
    carried = before[-1] if before and before[-1].severity > 0 else None
    flags: list[Flag] = []
    run: list[ValueRecord] = []
    start = end + 1 if carried is not None else None  # first day of the current run
    for entry in (e for e in c.series if e.day > end):
        if entry.severity > 0:
            start = entry.day if start is None else start
            run.append(entry)
            continue
        if start is None:
            continue
        said = _persisting_ended(c, start, run, carried, entry)
        if said is not None:  # it was there, as far as we know, until the day before
            span_ = (start, entry.day - 1)
            flags.append(c.flag("persisting", "warning", span_, said, entry.date))
        start, run = None, []
    if start is not None:
        flags.append(_persisting_open(c, start, run, carried))
    return flags


def _worsening(c: _Context) -> list[Flag]:
    series = c.series
    flags: list[Flag] = []
    low: int | None = None  # the low the current episode rose from
    run: list[ValueRecord] = []
    since = ""

    def close(after: ValueRecord | None) -> None:
        first, last = run[0], run[-1]
        if after is not None:
            said = Said.of(
                "worsening-ended",
                "worsening",
                value=first.severity,
                day=first.day,
                low=low,
                after=after.severity,
                after_day=after.day,
            )
        else:
            still = ""
            if last is not first:
                still = fragment("still-worsening", value=last.severity, day=last.day)
            said = Said.of(
                "worsening", value=first.severity, day=first.day, low=low, since=since, still=still
            )
        resolved = after.date if after else None
        flags.append(c.flag("worsening", "warning", _span(run), said, resolved))

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
    said = Said.of("missing", value=last.severity, day=last.day, gap=gap)
    hint = Hint.log(c.symptom)
    return [c.flag("missing", "info", (last.day + 1, c.as_of_day), said, hint=hint)]


def _slower(c: _Context, personal: PersonalCourse | None) -> list[Flag]:
    """Outlasting the patient's own slowest recovery, while still inside the published course."""
    if personal is None:
        return []
    last = c.series[-1]
    slowest = personal.slowest[1]
    day = c.as_of_day
    if last.severity == 0 or day > c.expected.max_days or day < slowest + SLOWER_BY_DAYS:
        return []
    said = Said.of(
        "slower-than-usual",
        personal=personal.describe(),
        value=last.severity,
        day=last.day,
        max_days=c.expected.max_days,
    )
    return [c.flag("slower-than-usual", "info", (slowest + SLOWER_BY_DAYS, day), said)]


def evaluate_sessions(
    sessions: Sequence[SessionRecord],
    entries: Mapping[int, Sequence[ValueRecord]],
    expectation: Callable[[str, str], Expectation],
    as_of: dt.date,
    temperatures: Mapping[int, Sequence[TemperatureRecord]] | None = None,
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
            temperatures=(temperatures or {}).get(record.id, ()),
        )
        for record in sessions
    }


def evaluate(
    session: SessionRecord,
    entries: Iterable[ValueRecord],
    expectation: Callable[[str, str], Expectation],
    as_of: dt.date,
    personal: Mapping[str, PersonalCourse] | None = None,
    *,
    temperatures: Iterable[TemperatureRecord] = (),
) -> list[Flag]:
    """Every flag for one session as of a date, active and resolved, most urgent first: one
    active flag per symptom, its other reasons under it, aged when not heard of since. A
    temperature of 38 °C (100.4 °F) or more is a flag of its own (``temperature_flags``)."""
    return _evaluate(session, entries, expectation, as_of, personal, temperatures, merged=True)


def episodes(
    session: SessionRecord,
    entries: Iterable[ValueRecord],
    expectation: Callable[[str, str], Expectation],
    as_of: dt.date,
    personal: Mapping[str, PersonalCourse] | None = None,
    *,
    temperatures: Iterable[TemperatureRecord] = (),
) -> list[Flag]:
    """Each rule's own episodes, before they are put under one flag per symptom and aged."""
    return _evaluate(session, entries, expectation, as_of, personal, temperatures, merged=False)


def _evaluate(
    session: SessionRecord,
    entries: Iterable[ValueRecord],
    expectation: Callable[[str, str], Expectation],
    as_of: dt.date,
    personal: Mapping[str, PersonalCourse] | None,
    temperatures: Iterable[TemperatureRecord],
    *,
    merged: bool,
) -> list[Flag]:
    by_symptom: dict[str, list[ValueRecord]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.date):
        if entry.session_id == session.id and session.date <= entry.date <= as_of:
            by_symptom[entry.symptom].append(entry)
    flags: list[Flag] = []
    for symptom, series in by_symptom.items():
        c = _Context(session, symptom, series, expectation(session.kind, symptom), as_of)
        # Detection finds the facts; the wording step then says them.
        found = [c.worded(flag) for flag in _judged(c, (personal or {}).get(symptom))]
        flags.extend(_one_per_symptom(c, found) if merged else found)
    flags.extend(temperature_flags(session, temperatures, as_of, aged=merged))
    return sort_flags(flags)


def _judged(c: _Context, personal: PersonalCourse | None) -> list[Flag]:
    """Every episode of one symptom, each rule on its own."""
    if not c.expected.has_course:
        return _by_group(c)
    return [
        *_severe(c),
        *_above(c),
        *_late_onset(c),
        *_persisting(c),
        *_worsening(c),
        *_missing(c),
        *_slower(c, personal),
    ]


def _one_per_symptom(c: _Context, flags: list[Flag]) -> list[Flag]:
    """One active flag for the symptom, at its highest level, the other reasons as lines
    under it; the resolved episodes stay as they were (the history)."""
    active = sort_flags(f for f in flags if f.active)
    resolved = [f for f in flags if not f.active]
    if not active:
        return resolved
    if len(active) > 1:  # "not logged for 2 days" adds nothing to a flag of its own
        active = [f for f in active if f.rule != "missing"]
    top = active[0]
    others = active[1:]
    top = replace(top, reasons=tuple(f.message for f in others), also=tuple(f.rule for f in others))
    return [_aged(c, top), *resolved]


def _aged(c: _Context, flag: Flag) -> Flag:
    """An alarm with no value logged since, for MISSING_AFTER_DAYS: the question is now
    whether the patient is still like that, or was seen. A warning still: never silence.

    An expected strong value not heard of past the day it should have eased ages too. A red
    flag (blisters, pus, fever, cold sores, hives) stays urgent: only its words change."""
    last = c.series[-1]
    gap = (c.as_of - last.date).days
    latest = c.expected.latest_strong if c.expected.has_course else None
    overdue = flag.rule == "expected-strong" and latest is not None and c.as_of_day > latest
    if flag.rule == "pigment" or (flag.level == "info" and not overdue):
        return flag  # raised at the follow-up, whether heard of since or not
    if last.severity == 0 or gap < MISSING_AFTER_DAYS:
        return flag
    said = Said.of(
        "aged",
        "aged-urgent" if flag.level == "urgent" else "aged",
        day=last.day,
        value=last.severity,
        before=flag.advice,
    )
    aged = replace(
        flag,
        level="urgent" if flag.rule == "red-flag" else "warning",
        reasons=(flag.message, *flag.reasons),
        hint=flag.hint or Hint.log(c.symptom),
        silent_since=last.day,
        said=said,
    )
    return c.worded(aged)


def temperature_flags(
    session: SessionRecord,
    readings: Iterable[TemperatureRecord],
    as_of: dt.date,
    *,
    aged: bool = True,
) -> list[Flag]:
    """A temperature of 38 °C (100.4 °F) or more after the treatment: urgent, with the
    infection advice, until a reading below it ends the alarm. Each run of high readings is
    one episode; readings of one day are judged in the order they were logged."""
    seen = [r for r in readings if r.session_id == session.id and session.date <= r.date <= as_of]
    flags: list[Flag] = []
    run: list[TemperatureRecord] = []

    def close(after: TemperatureRecord | None) -> None:
        first, last = run[0], run[-1]
        highest = max(run, key=lambda r: r.typed.celsius)
        if after is None:
            up_to = ""
            if last is not highest:
                up_to = fragment("highest", reading=highest.words(), day=highest.day)
            said = Said.of(
                "high-temperature",
                reading=last.words(),
                day=last.day,
                fever=FEVER_WORDS,
                highest=up_to,
            )
        else:
            said = Said.of(
                "high-temperature-ended",
                "high-temperature",
                fever=FEVER_WORDS,
                span=span(first.day, last.day),
                highest=highest.words(),
                after=after.words(),
                after_day=after.day,
            )
        message, advice = say(said, MEASURE, session.kind, session.day_of(as_of))
        flag = Flag(
            session.id,
            MEASURE,
            "high-temperature",
            "urgent",
            first.day,
            last.day,
            first.date,
            last.date,
            message,
            advice,
            after.date if after else None,
            Hint.log(MEASURE) if after is None else None,
            values=tuple((r.day, r.typed.words()) for r in run),
            said=said,
        )
        if after is None and aged:
            flag = _aged_temperature(flag, last, session, as_of)
        flags.append(flag)

    for reading in seen:
        if reading.fever:
            run.append(reading)
        elif run:
            close(reading)
            run = []
    if run:
        close(None)
    return flags


def _aged_temperature(
    flag: Flag, last: TemperatureRecord, session: SessionRecord, as_of: dt.date
) -> Flag:
    """A high temperature not measured again for MISSING_AFTER_DAYS: still urgent (a red
    flag), its words now asking whether it is still there."""
    if (as_of - last.date).days < MISSING_AFTER_DAYS:
        return flag
    said = Said.of("high-temperature-aged", day=last.day, reading=last.words(), before=flag.advice)
    message, advice = say(said, MEASURE, session.kind, session.day_of(as_of))
    return replace(
        flag,
        message=message,
        advice=advice,
        reasons=(flag.message,),
        silent_since=last.day,
        said=said,
    )
