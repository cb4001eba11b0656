"""A one-screen summary of the current session, built from plain records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker.domain.aftercare import care_for
from tracker.domain.catalog import symptom_name
from tracker.domain.courses import Forecast, PersonalCourse, forecast
from tracker.domain.expectations import Expectation
from tracker.domain.flags import (
    CONTACT_NOW,
    IF_UNREACHABLE,
    MISSING_AFTER_DAYS,
    RED_FLAG_REASONS,
    Flag,
    active_only,
    evaluate,
)
from tracker.domain.records import SessionRecord, ValueRecord
from tracker.domain.temperature import TemperatureRecord

SOON = (
    "Contact your clinic soon (today or the next working day), and now if anything spreads, "
    "feels hot, oozes pus or comes with a fever."
)
# Hosted, once the clinic's latest review covers every flag open now (no urgent one: the
# urgent box says its own): what the patient is asked to do is what the review settled.
SEEN_SOON = (
    "Your clinic has seen this; contact them again if it gets worse or something new "
    "appears, and now if anything spreads, feels hot, oozes pus or comes with a fever."
)


@dataclass(frozen=True)
class SymptomStatus:
    latest: ValueRecord
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
        if self.expected.no_figure:
            # No source for it: the default is the tracker's, and it says so.
            return "no figure for this symptom after this treatment: judged by the general course"
        if self.expected.ease_by is not None and self.as_of_day <= self.expected.ease_by:
            return (
                "in its expected strong stage; should start to ease by day "
                f"{self.expected.ease_by + 1}"
            )
        return "within its expected course"

    def to_json(self) -> dict[str, Any]:
        return {
            "symptom": self.latest.symptom,
            "severity": self.latest.severity,
            "day": self.latest.day,
            "verdict": self.verdict,
            "envelope": self.expected.envelope_words(),
            "course": self.expected.plain_course,
            "forecast_day": self.forecast.gone_day if self.forecast else None,
        }

    def describe(self) -> str:
        e = self.latest
        if not self.expected.has_course:
            return f"{e.symptom} {e.severity}/10, day {e.day}: {self.verdict}"
        text = f"{e.symptom} {e.severity}/10, day {e.day} ({self.expected.course_words}): "
        text += self.verdict
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
    temperatures: list[TemperatureRecord] = field(default_factory=list)  # this session's
    as_of_logged: bool = False  # something was logged on the day shown

    @property
    def checkin_due(self) -> bool:
        """The day shown is a day of this session with nothing logged yet (the treatment day
        included: it may be logged, though it is never listed among the days not logged)."""
        return self.as_of >= self.session.date and not self.as_of_logged

    @property
    def temperature(self) -> TemperatureRecord | None:
        """The latest temperature logged for this session, if any."""
        return self.temperatures[-1] if self.temperatures else None

    @property
    def day(self) -> int:
        return self.session.day_of(self.as_of)

    @property
    def every_flag(self) -> list[Flag]:
        return [*self.flags, *self.earlier]

    @property
    def level(self) -> str:
        """The highest level of an active flag, or "none"."""
        found = [f.level for f in self.every_flag]
        for level in ("urgent", "warning", "info"):
            if level in found:
                return level
        return "none"

    @property
    def silent_since(self) -> int | None:
        """The day of the last value logged, once nothing has been logged for 2 days or more
        (nothing at all: None; the status says so on its own)."""
        if not self.symptoms:
            return None
        last = max(s.latest.day for s in self.symptoms)
        return last if self.day - last >= MISSING_AFTER_DAYS else None

    @property
    def summary(self) -> str:
        """One line first: what to do now, and why."""
        urgent = [f for f in self.every_flag if f.level == "urgent"]
        warned = [f for f in self.every_flag if f.level == "warning"]
        if urgent:
            return "Contact your clinic now because: " + _because(urgent) + "."
        if warned:
            return "Contact your clinic soon because: " + _because(warned) + "."
        if self.silent_since is not None:
            return (
                f"Nothing logged since day {self.silent_since}: log today's values (0 for what "
                "has gone), so that the tracker can tell whether you are on course."
            )
        if not self.symptoms:
            return "Nothing logged yet: log today's values to compare them with the course."
        if any(f.rule == "expected-strong" for f in self.flags):
            return "On the expected course: strong for now, as expected in the first days."
        return "On the expected course, as far as logged."

    @property
    def summary_seen(self) -> str:
        """The summary once the clinic's latest review covers every flag open now: the
        warnings named as seen, not "contact your clinic soon" again (urgent: unchanged,
        the alarm stands while its cause does)."""
        warned = [f for f in self.every_flag if f.level == "warning"]
        if warned and not any(f.level == "urgent" for f in self.every_flag):
            return "Seen by your clinic: " + _because(warned) + "."
        return self.summary

    @property
    def advice_seen(self) -> list[str]:
        """The advice once the clinic's latest review covers every flag open now."""
        if self.summary_seen != self.summary:
            return [SEEN_SOON]
        return self.advice

    @property
    def advice(self) -> list[str]:
        """Each level's advice once (urgent, then warning), and why for each red flag."""
        lines = []
        if any(f.level == "urgent" for f in self.every_flag):
            reasons = [
                RED_FLAG_REASONS[f.symptom]
                for f in self.every_flag
                if f.level == "urgent" and f.symptom in RED_FLAG_REASONS
            ]
            lines.append(" ".join([CONTACT_NOW, *dict.fromkeys(reasons), IF_UNREACHABLE]))
        elif any(f.level == "warning" for f in self.every_flag):
            lines.append(SOON)
        return lines

    @property
    def care(self) -> list[str]:
        """Care for today after this treatment, with the symptoms still present."""
        present = [s.latest.symptom for s in self.symptoms if s.latest.severity > 0]
        return care_for(self.session.kind, self.day, present)

    def to_json(self) -> dict[str, Any]:
        """What Status says, for scripts and the clinic."""
        return {
            "session": self.session.to_json(),
            "as_of": self.as_of.isoformat(),
            "day": self.day,
            "level": self.level,
            "summary": self.summary,
            "advice": self.advice,
            "care": self.care,
            "silent_since": self.silent_since,
            "symptoms": [s.to_json() for s in self.symptoms],
            "temperature": self.temperature.to_json() if self.temperature else None,
            "flags": [f.to_json() for f in self.flags],
            "earlier_flags": [f.to_json() for f in self.earlier],
            "unlogged": [d.isoformat() for d in self.unlogged],
        }


def _because(flags: list[Flag]) -> str:
    """ "swelling (no data since day 4), blisters (red flag)": each symptom once."""
    parts: dict[tuple[int, str], str] = {}
    for flag in flags:
        why = flag.no_data_words or flag.rule.replace("-", " ")
        parts.setdefault((flag.session_id, flag.symptom), f"{symptom_name(flag.symptom)} ({why})")
    return ", ".join(parts.values())


def _ahead(found: Forecast | None, day: int) -> Forecast | None:
    """A forecast only while its day is still ahead: a past one says nothing of today."""
    return found if found is not None and found.gone_day >= day else None


def build_status(
    session: SessionRecord,
    entries: Iterable[ValueRecord],
    expectation: Callable[[str, str], Expectation],
    as_of: dt.date,
    personal: Mapping[str, PersonalCourse] | None = None,
    earlier: Iterable[Flag] = (),
    *,
    temperatures: Iterable[TemperatureRecord] = (),
) -> Status:
    seen = sorted(
        (e for e in entries if e.session_id == session.id and e.date <= as_of),
        key=lambda e: e.date,
    )
    by_symptom: dict[str, list[ValueRecord]] = {}
    for entry in seen:
        by_symptom.setdefault(entry.symptom, []).append(entry)
    measured = [t for t in temperatures if t.session_id == session.id and t.date <= as_of]
    flags = active_only(
        evaluate(session, seen, expectation, as_of, personal, temperatures=measured)
    )
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
            _ahead(forecast(series), day),
        )
        for symptom, series in by_symptom.items()
    ]
    # Symptoms still present first, the ones past their course at the top.
    symptoms.sort(key=lambda s: (not s.past_course, s.latest.severity == 0, s.latest.symptom))
    logged = {e.date for e in seen}
    # Logging is asked for every day after the session, from day 1: the treatment day may be
    # logged too (and counts), but a day 0 left empty is not a day missed.
    unlogged = [
        session.date + dt.timedelta(days=d)
        for d in range(1, max(day + 1, 1))
        if session.date + dt.timedelta(days=d) not in logged
    ]
    watches = []
    for symptom in ("darkening",):
        expected = expectation(session.kind, symptom)
        if expected.watch is not None and expected.watch.holds(day):
            watches.append((symptom, expected))
    return Status(
        session,
        as_of,
        symptoms,
        flags,
        unlogged,
        list(earlier),
        watches,
        measured,
        as_of_logged=as_of in logged,
    )
