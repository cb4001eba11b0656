"""A patient's triage line kept between requests: judged once, and for how long it holds.

The triage list (tracker.domain.triage) is judged on a date: "no data since day N", a
course outlasted, a follow-up date come all arrive with time alone. Judging every patient
on every request is what made a clinic's list slow, so a line is judged once and kept,
with the days it holds: from the day judged to the last day before the next date on which
the engine's answer can turn without a new value (``turning_dates``: a course's end, a
strong stage's last day, MISSING_AFTER_DAYS after a value, a follow-up date and the end of
its window, the end of the treatment's longest course, a session or value dated later).

Silence must be earned, so the kept days are checked, not assumed: the line is judged on
the first and on the last of them, and kept for all only when both say the same (its days
waiting then either fixed or growing by one a day, as the order within a category needs);
otherwise it is kept for the day judged alone. A write to the patient's record makes the
kept line stale whatever its days (the store counts the writes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from tracker.domain.expectations import Expectation, Override
from tracker.domain.flags import MISSING_AFTER_DAYS, Flag, evaluate, temperature_flags
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.temperature import TemperatureRecord
from tracker.domain.triage import (
    CATEGORIES,
    CONCERNING,
    FOLLOW_UP_DUE_DAYS,
    Review,
    TriageLine,
    line,
)

HORIZON_DAYS = 60  # a line is judged again at least this often, changed or not


@dataclass(frozen=True)
class PatientFacts:
    """What triage reads of one patient to judge their line on any date from the day it
    was read: every session (oldest first, as the store orders them), the values of the
    sessions that may still be open from that day on, each session's last day logged,
    the temperatures, the profile's skin and overrides, and the latest review."""

    profile: str
    profile_id: int
    skin: ProfileRecord
    overrides: tuple[Override, ...]
    sessions: tuple[SessionRecord, ...]
    values: Mapping[int, Sequence[ValueRecord]]  # by session number; open ones only
    logged: Mapping[int, dt.date]  # by session number: the date of its latest value
    temperatures: tuple[tuple[int, tuple[TemperatureRecord, ...]], ...]  # session number
    review: Review | None = None


@dataclass(frozen=True)
class KeptLine:
    """A triage line as kept: its place in the list, what the list shows of it, and the
    days it holds (``until`` included)."""

    profile_id: int
    category: str
    reviewed: bool
    words: str
    waiting: int  # on ``since`` (the day judged)
    growing: bool  # its days waiting grow by one a day (else fixed)
    since: dt.date
    until: dt.date
    session: SessionRecord | None
    last_logged: dt.date | None
    review_action: str | None
    review_at: dt.datetime | None

    @property
    def group(self) -> int:
        """0: a concern not reviewed; 1: every concern reviewed; 2: nothing to look at."""
        if self.category not in CONCERNING:
            return 2
        return 1 if self.reviewed else 0

    @property
    def rank(self) -> int:
        return CATEGORIES.index(self.category)

    def waiting_on(self, as_of: dt.date) -> int:
        return self.waiting + ((as_of - self.since).days if self.growing else 0)

    def holds_on(self, as_of: dt.date) -> bool:
        return self.since <= as_of <= self.until

    @property
    def new_since_review(self) -> bool:
        """A review, and a concern it does not cover ("new since")."""
        return self.review_action is not None and not self.reviewed and self.group != 2

    def sort_key(self, as_of: dt.date, profile: str) -> tuple[int, int, int, str]:
        """The order of ``TriageLine.sort_key`` on a day it holds."""
        return self.group, self.rank, -self.waiting_on(as_of), profile


def line_on(
    facts: PatientFacts,
    for_pair: Callable[[str, str], Expectation],
    course_days: Callable[[str], int],
    as_of: dt.date,
) -> TriageLine:
    """The patient's triage line on a date (from the day the facts were read on), as the
    clinic's whole list judges it (tracker.services.triage.clinic_lines)."""
    latest, last_logged = _latest_on(facts, as_of)
    return line(
        (facts.profile, facts.profile_id),
        latest,
        _flags_on(facts, for_pair, as_of),
        last_logged,
        0 if latest is None else course_days(latest.kind),
        as_of,
        facts.review,
    )


def _flags_on(
    facts: PatientFacts, for_pair: Callable[[str, str], Expectation], as_of: dt.date
) -> list[Flag]:
    """The active flags on a date, in the whole list's order: each open session's (oldest
    first), then the temperatures' (sessions in the store's order)."""
    flags: list[Flag] = []
    for session in facts.sessions:
        values = facts.values.get(session.id)
        if values is not None and session.date <= as_of:
            flags.extend(f for f in evaluate(session, values, for_pair, as_of) if f.active)
    numbered = {s.id: s for s in facts.sessions}
    for number, readings in facts.temperatures:
        seen = [r for r in readings if r.date <= as_of]
        if seen and seen[-1].fever:
            found = temperature_flags(numbered[number], seen, as_of)
            flags.extend(f for f in found if f.active)
    return flags


def _latest_on(facts: PatientFacts, as_of: dt.date) -> tuple[SessionRecord | None, dt.date | None]:
    """The latest session on or before a date, and the last day logged for it by then."""
    latest = None
    for session in facts.sessions:
        if session.date <= as_of:
            latest = session
    if latest is None:
        return None, None
    values = facts.values.get(latest.id)
    if values is None:
        return latest, facts.logged.get(latest.id)
    return latest, max((v.date for v in values if v.date <= as_of), default=None)


def _course_days(expected: Expectation) -> set[int]:
    """The days after a session on which a symptom's rules look at the date judged on."""
    figures = {
        expected.max_days,
        expected.typical_days,
        expected.ease_by,
        expected.latest_strong,
        expected.onset_ends,
    }
    return {day + step for day in figures if day is not None for step in (0, 1)}


def turning_dates(
    facts: PatientFacts,
    for_pair: Callable[[str, str], Expectation],
    course_days: Callable[[str], int],
    after: dt.date,
) -> list[dt.date]:
    """The dates after ``after`` on which the patient's line may turn with no new value:
    generous (a date too many costs one more judging; one too few would keep a wrong line,
    and the tests compare the kept list with the whole engine's on random dates)."""
    missing = dt.timedelta(days=MISSING_AFTER_DAYS)
    found: set[dt.date] = set()
    for session in facts.sessions:
        found.update(
            (
                session.date,
                session.date + missing,
                session.date + dt.timedelta(days=course_days(session.kind) + 1),
            )
        )
        if session.follow_up is not None:
            end = session.follow_up + dt.timedelta(days=FOLLOW_UP_DUE_DAYS + 1)
            found.update((session.follow_up, end))
        last = facts.logged.get(session.id)
        if last is not None:
            found.update((last, last + missing))
        values = facts.values.get(session.id, ())
        for symptom in {v.symptom for v in values}:
            days = _course_days(for_pair(session.kind, symptom))
            found.update(session.date + dt.timedelta(days=day) for day in days)
        for value in values:
            found.update((value.date, value.date + missing))
    for _, readings in facts.temperatures:
        for reading in readings:
            found.update((reading.date, reading.date + missing))
    return sorted(day for day in found if day > after)


def _shown(judged: TriageLine) -> tuple[object, ...]:
    session = judged.session
    return (
        judged.category,
        judged.reviewed,
        judged.words,
        None if session is None else (session.id, session.kind, session.date),
        judged.last_logged,
        None if judged.review is None else judged.review.id,
    )


def kept_line(
    facts: PatientFacts,
    for_pair: Callable[[str, str], Expectation],
    course_days: Callable[[str], int],
    as_of: dt.date,
) -> tuple[TriageLine, KeptLine]:
    """The line judged on ``as_of``, and as kept: for the days up to the next turning date
    when it is judged the same on the last of them, else for ``as_of`` alone."""
    first = line_on(facts, for_pair, course_days, as_of)
    turns = turning_dates(facts, for_pair, course_days, as_of)
    until = as_of + dt.timedelta(days=HORIZON_DAYS)
    if turns:
        until = min(until, turns[0] - dt.timedelta(days=1))
    growing = False
    if until > as_of:
        last = line_on(facts, for_pair, course_days, until)
        grew = last.waiting - first.waiting
        if _shown(last) != _shown(first) or grew not in (0, (until - as_of).days):
            until = as_of  # not the same line all along: kept for the day judged only
        else:
            growing = grew > 0
    review = first.review
    kept = KeptLine(
        facts.profile_id,
        first.category,
        first.reviewed,
        first.words,
        first.waiting,
        growing,
        as_of,
        until,
        first.session,
        first.last_logged,
        None if review is None else review.action,
        None if review is None else review.at,
    )
    return first, kept
