"""A one-screen summary of the current session, built from plain records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from tracker.domain.courses import Forecast, PersonalCourse, forecast
from tracker.domain.expectations import Expectation
from tracker.domain.flags import MISSING_AFTER_DAYS, Flag, active_only, evaluate
from tracker.domain.records import EntryRecord, SessionRecord


@dataclass(frozen=True)
class SymptomStatus:
    latest: EntryRecord
    expected: Expectation
    as_of_day: int
    flagged: bool = False  # an active warning or urgent flag is about it
    personal: PersonalCourse | None = None
    forecast: Forecast | None = None

    @property
    def past_course(self) -> bool:
        """Still there (as last logged) after its expected course, logged since or not."""
        return (
            self.expected.has_course
            and self.latest.severity > 0
            and self.as_of_day > self.expected.max_days
        )

    @property
    def unlogged_for(self) -> int:
        return self.as_of_day - self.latest.day

    @property
    def verdict(self) -> str:
        if self.latest.severity == 0:
            return "gone"
        if self.expected.group == "red-flag":
            return "a warning sign: contact your clinic now"
        if self.expected.group == "pigment":
            return "raise it at your follow-up"
        if self.past_course:
            if self.unlogged_for >= MISSING_AFTER_DAYS:
                return "past its expected course, and not logged since"
            return "past its expected course"
        if self.flagged:
            return "inside its expected time, but flagged (see below)"
        if self.unlogged_for >= MISSING_AFTER_DAYS:
            return "not logged since; inside its expected time"
        return "within its expected course"

    def describe(self) -> str:
        e = self.latest
        if not self.expected.has_course:
            return f"{e.symptom} {e.severity}/10, day {e.day}: {self.verdict}"
        text = (
            f"{e.symptom} {e.severity}/10, day {e.day}, expected gone by day "
            f"{self.expected.max_days}: {self.verdict}"
        )
        if self.personal is not None and e.severity > 0:
            text += f"; {self.personal.describe()}; now day {self.as_of_day} at {e.severity}/10"
        if self.forecast is not None:
            text += f"; {self.forecast.describe()}"
        return text


@dataclass(frozen=True)
class Status:
    session: SessionRecord
    as_of: dt.date
    symptoms: list[SymptomStatus]
    flags: list[Flag]  # active flags of this session
    unlogged: list[dt.date]
    earlier: list[Flag] = field(default_factory=list)  # active flags of earlier sessions
    watches: list[tuple[str, Expectation]] = field(default_factory=list)

    @property
    def day(self) -> int:
        return self.session.day_of(self.as_of)


def build_status(
    session: SessionRecord,
    entries: Iterable[EntryRecord],
    expectation: Callable[[str, str], Expectation],
    as_of: dt.date,
    personal: Mapping[str, PersonalCourse] | None = None,
    earlier: Iterable[Flag] = (),
) -> Status:
    seen = sorted(
        (e for e in entries if e.session_id == session.id and e.date <= as_of),
        key=lambda e: e.date,
    )
    by_symptom: dict[str, list[EntryRecord]] = {}
    for entry in seen:
        by_symptom.setdefault(entry.symptom, []).append(entry)
    flags = active_only(evaluate(session, seen, expectation, as_of, personal))
    flagged = {f.symptom for f in flags if f.level != "info"}
    day = session.day_of(as_of)
    personal = personal or {}
    symptoms = [
        SymptomStatus(
            series[-1],
            expectation(session.kind, symptom),
            day,
            symptom in flagged,
            personal.get(symptom),
            forecast(series),
        )
        for symptom, series in by_symptom.items()
    ]
    # Symptoms still present first, the ones past their course at the top.
    symptoms.sort(key=lambda s: (not s.past_course, s.latest.severity == 0, s.latest.symptom))
    logged = {e.date for e in seen}
    unlogged = [
        session.date + dt.timedelta(days=d)
        for d in range(max(day + 1, 0))
        if session.date + dt.timedelta(days=d) not in logged
    ]
    watches = []
    for symptom in ("darkening",):
        expected = expectation(session.kind, symptom)
        if expected.watch is not None and expected.watch.holds(day):
            watches.append((symptom, expected))
    return Status(session, as_of, symptoms, flags, unlogged, list(earlier), watches)
