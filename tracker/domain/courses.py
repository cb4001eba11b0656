"""The patient's own courses: how a symptom went after earlier sessions, and where it is heading."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tracker.domain.records import SessionRecord, ValueRecord

FORECAST_POINTS = 3  # values from the peak on, at the least, before a trend is drawn
# How far ahead a pace is carried: 1.5 times the days it was measured over, and a week in
# any case (a judgement, not a sourced figure). 10 days of falling values say something of
# the next 15; 90 days say little of day 360.
FORECAST_REACH = 1.5
FORECAST_WEEK = 7


@dataclass(frozen=True)
class PersonalCourse:
    """How a symptom went after the patient's earlier sessions of the same kind: its slowest
    recovery, all that is said or judged of them (the earlier sessions' other gone days are
    not carried: a page about a session after 200 others reads one row per symptom)."""

    symptom: str
    # (session id, the day it was logged 0) of the slowest earlier recovery; of equally slow
    # ones, the latest session's
    slowest: tuple[int, int]

    def describe(self) -> str:
        session_id, day = self.slowest
        return f"last time gone by day {day} (session {session_id})"


def gone_day(series: Sequence[ValueRecord]) -> int | None:
    """The first day logged as 0 after the last value above 0; None while it is still there."""
    last_positive = None
    for index, entry in enumerate(series):
        if entry.severity > 0:
            last_positive = index
    if last_positive is None or last_positive == len(series) - 1:
        return None
    return series[last_positive + 1].day


def personal_courses(
    session: SessionRecord,
    earlier: Iterable[tuple[SessionRecord, Sequence[ValueRecord]]],
) -> dict[str, PersonalCourse]:
    """For each symptom, the day it was gone after each earlier session of the same kind."""
    found: dict[str, tuple[int, int]] = {}
    for record, entries in earlier:
        if record.kind != session.kind or (record.date, record.id) >= (session.date, session.id):
            continue
        for symptom, day in gone_days(record, entries).items():
            found[symptom] = slower(found.get(symptom), (record.id, day))
    return {symptom: PersonalCourse(symptom, slowest) for symptom, slowest in found.items()}


def slower(kept: tuple[int, int] | None, other: tuple[int, int]) -> tuple[int, int]:
    """The slower of two recoveries (session id, day gone); of equally slow, the later
    session's."""
    if kept is None:
        return other
    return max(kept, other, key=lambda item: (item[1], item[0]))


def gone_days(record: SessionRecord, entries: Iterable[ValueRecord]) -> dict[str, int]:
    """For one session, the day each symptom it logged was gone (those that were)."""
    by_symptom: dict[str, list[ValueRecord]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.date):
        if entry.session_id == record.id:
            by_symptom[entry.symptom].append(entry)
    found: dict[str, int] = {}
    for symptom, series in by_symptom.items():
        day = gone_day(series)
        if day is not None:
            found[symptom] = day
    return found


def personal_courses_of_each(
    history: Sequence[tuple[SessionRecord, Sequence[ValueRecord]]],
) -> dict[int, dict[str, PersonalCourse]]:
    """personal_courses() of every session of one person at once.

    Each session's gone days are found once and carried forward to the later sessions of
    its kind: linear in the person's history, where calling personal_courses() for each
    session reads the whole history again each time (200 sessions: seconds).
    """
    return courses_from_gone_days(
        [record for record, _ in history],
        {record.id: gone_days(record, entries) for record, entries in history},
    )


def courses_from_gone_days(
    sessions: Sequence[SessionRecord],
    gone: Mapping[int, Mapping[str, int]],
    wanted: Iterable[int] | None = None,
) -> dict[int, dict[str, PersonalCourse]]:
    """personal_courses() of every session (of those ``wanted``), from each session's gone
    days found beforehand (by gone_days(), or by a query that gives the same), without
    their values. Naming the few wanted keeps it linear in a long history."""
    running: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    courses: dict[int, dict[str, PersonalCourse]] = {}
    asked = None if wanted is None else set(wanted)
    for record in sorted(sessions, key=lambda r: (r.date, r.id)):
        earlier = running[record.kind]
        if asked is None or record.id in asked:
            courses[record.id] = {
                symptom: PersonalCourse(symptom, slowest) for symptom, slowest in earlier.items()
            }
        for symptom, day in gone.get(record.id, {}).items():
            earlier[symptom] = slower(earlier.get(symptom), (record.id, day))
    return courses


@dataclass(frozen=True)
class Forecast:
    from_day: int
    from_value: int
    gone_day: int

    def describe(self) -> str:
        return f"at this pace, gone around day {self.gone_day}"


def forecast(series: Sequence[ValueRecord]) -> Forecast | None:
    """Where a falling series reaches 0 at its pace since the peak; None unless it is falling.

    The pace is the least-squares slope of the values from the (latest) peak on; a rising
    or flat series, one rising again at its last value, fewer than FORECAST_POINTS values
    since the peak, or an end further ahead than FORECAST_REACH times the days since the
    peak (and than a week), gets no forecast.
    """
    if not series or series[-1].severity == 0:
        return None
    top = max(e.severity for e in series)
    peak = max(i for i, e in enumerate(series) if e.severity == top)
    points = series[peak:]  # every value after the latest peak is below it
    if len(points) < FORECAST_POINTS:
        return None
    if points[-1].severity > points[-2].severity:
        return None  # rising again: no pace to go by
    xs = [e.day for e in points]
    ys = [e.severity for e in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    if slope >= 0:
        return None
    last = points[-1]
    gone = math.ceil(last.day + last.severity / -slope)
    if gone - last.day > max(FORECAST_REACH * (last.day - points[0].day), FORECAST_WEEK):
        # Past that reach a straight line is a guess: an unknown end is said as unknown.
        return None
    return Forecast(last.day, last.severity, gone)
