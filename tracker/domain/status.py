"""A one-screen summary of the current session, built from plain records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tracker.domain.expectations import Expectation
from tracker.domain.flags import Flag, evaluate
from tracker.domain.records import EntryRecord, SessionRecord


@dataclass(frozen=True)
class SymptomStatus:
    latest: EntryRecord
    expected: Expectation

    @property
    def past_course(self) -> bool:
        return self.latest.severity > 0 and self.latest.day > self.expected.max_days

    @property
    def verdict(self) -> str:
        if self.latest.severity == 0:
            return "gone"
        if self.past_course:
            return "past its expected course"
        return "within its expected course"

    def describe(self) -> str:
        e = self.latest
        return (
            f"{e.symptom} {e.severity}/10, day {e.day}, expected gone by day "
            f"{self.expected.max_days}: {self.verdict}"
        )


@dataclass(frozen=True)
class Status:
    session: SessionRecord
    as_of: dt.date
    symptoms: list[SymptomStatus]
    flags: list[Flag]
    unlogged: list[dt.date]

    @property
    def day(self) -> int:
        return self.session.day_of(self.as_of)


def build_status(
    session: SessionRecord,
    entries: Iterable[EntryRecord],
    expectation: Callable[[str, str], Expectation],
    as_of: dt.date,
) -> Status:
    seen = [e for e in entries if e.session_id == session.id and e.date <= as_of]
    latest: dict[str, EntryRecord] = {}
    for entry in sorted(seen, key=lambda e: e.date):
        latest[entry.symptom] = entry
    symptoms = [
        SymptomStatus(entry, expectation(session.kind, entry.symptom)) for entry in latest.values()
    ]
    # Symptoms still present first, the ones past their course at the top.
    symptoms.sort(key=lambda s: (not s.past_course, s.latest.severity == 0, s.latest.symptom))
    logged = {e.date for e in seen}
    unlogged = [
        session.date + dt.timedelta(days=d)
        for d in range(max(session.day_of(as_of) + 1, 0))
        if session.date + dt.timedelta(days=d) not in logged
    ]
    return Status(session, as_of, symptoms, evaluate(session, seen, expectation, as_of), unlogged)
