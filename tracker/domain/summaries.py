"""Per-symptom summaries of a session: peak, the day it reached 0, and the expectation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tracker.domain.care import CareRecord
from tracker.domain.catalog import in_catalog_order
from tracker.domain.courses import Forecast, PersonalCourse, forecast
from tracker.domain.courses import gone_day as resolved_day
from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Expectation
from tracker.domain.flags import Flag
from tracker.domain.hints import Hint
from tracker.domain.records import ChangeRecord, ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.temperature import TemperatureRecord
from tracker.domain.words import Words


@dataclass(frozen=True)
class SymptomSummary:
    symptom: str
    series: list[ValueRecord]
    expected: Expectation
    as_of_day: int | None = None  # the day judged on; the last logged day when not given
    personal: PersonalCourse | None = None  # how it went after earlier sessions of the kind

    @property
    def forecast(self) -> Forecast | None:
        return forecast(self.series)

    @property
    def personal_note(self) -> str | None:
        """ "last time gone by day 4 (session 2); now day 6 at 3/10", while still there."""
        last = self.series[-1]
        if self.personal is None or last.severity == 0:
            return None
        day = self.as_of_day if self.as_of_day is not None else last.day
        return f"{self.personal.describe()}; now day {day} at {last.severity}/10"

    @property
    def peak(self) -> ValueRecord:
        return max(self.series, key=lambda e: (e.severity, -e.day))

    @property
    def resolved_day(self) -> int | None:
        return resolved_day(self.series)

    @property
    def ever_present(self) -> bool:
        return any(e.severity > 0 for e in self.series)

    @property
    def outcome(self) -> str:
        """How the course compares with the expectation, in words."""
        if not self.ever_present:
            return "never above 0"
        day = self.resolved_day
        if day is None:
            last = self.series[-1]
            # Judged on the as-of day: not logging since does not make it on course.
            judged = self.as_of_day if self.as_of_day is not None else last.day
            late = self.expected.has_course and judged > self.expected.max_days
            return f"still {last.severity}/10 on day {last.day}" + (" (late)" if late else "")
        if not self.expected.has_course:
            return f"reached 0 on day {day}"  # no course to be on or late for
        if day > self.expected.max_days + 1:
            return f"reached 0 on day {day}: later than expected"
        return f"reached 0 on day {day}: on course"


def summarise(
    session: SessionRecord,
    entries: Iterable[ValueRecord],
    expectation: Callable[[str, str], Expectation],
    as_of: dt.date | None = None,
    personal: Mapping[str, PersonalCourse] | None = None,
) -> list[SymptomSummary]:
    by_symptom: dict[str, list[ValueRecord]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.date):
        by_symptom[entry.symptom].append(entry)
    ordered = in_catalog_order(by_symptom)
    day = session.day_of(as_of) if as_of is not None else None
    personal = personal or {}
    return [
        SymptomSummary(s, by_symptom[s], expectation(session.kind, s), day, personal.get(s))
        for s in ordered
    ]


@dataclass(frozen=True)
class SessionView:
    """Everything charts and reports show about one session, as plain data."""

    session: SessionRecord
    as_of: dt.date
    entries: list[ValueRecord]
    summaries: list[SymptomSummary]
    flags: list[Flag]
    care: list[CareRecord] = field(default_factory=list)
    profile: ProfileRecord | None = None
    # Every change to the session's values, oldest first (the report lists the corrections).
    changes: list[ChangeRecord] = field(default_factory=list)
    # The days after the session (day 0 on) with a photo, up to as_of: the chart marks them.
    photo_days: tuple[int, ...] = ()
    # The patient's time zone: the report shows the time of each correction in it.
    zone: dt.tzinfo = dt.UTC
    # Body temperatures (a measure of their own, in °C or °F), in the order logged.
    temperatures: list[TemperatureRecord] = field(default_factory=list)

    @property
    def symptoms(self) -> list[str]:
        return [s.symptom for s in self.summaries]

    def require_values(self, what: str) -> None:
        """Refuses to draw ``what`` (a chart, a report) of a session with nothing logged."""
        if not self.entries:
            raise TrackerError(
                Words.NOTHING_TO_DRAW.format(session_id=self.session.id, what=what),
                field="session",
                hint=Hint("other-session"),
            )

    def only(self, symptoms: Sequence[str]) -> SessionView:
        wanted = set(symptoms)
        return SessionView(
            self.session,
            self.as_of,
            [e for e in self.entries if e.symptom in wanted],
            [s for s in self.summaries if s.symptom in wanted],
            [f for f in self.flags if f.symptom in wanted],
            self.care,
            self.profile,
            [c for c in self.changes if c.symptom in wanted],
            self.photo_days,
            self.zone,
            self.temperatures,
        )
