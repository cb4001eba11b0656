"""Plain data passed between the services, the domain rules, the CLI and the charts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from tracker.domain.catalog import kind_words, symptom_key
from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.limits import MAX_TEXT_CHARS
from tracker.domain.severity import parse_severity
from tracker.domain.temperature import TypedTemperature
from tracker.domain.text import is_text, visible
from tracker.domain.words import Words


@dataclass(frozen=True)
class SessionRecord:
    """A treatment session. ``id`` is its number within its profile (1, 2, 3 ...), what a
    patient sees and types; the database's row id never leaves storage."""

    id: int
    date: dt.date
    kind: str
    area: str | None = None
    clinic: str | None = None
    notes: str | None = None
    follow_up: dt.date | None = None

    def day_of(self, date: dt.date) -> int:
        """Days after the session; the session day is day 0."""
        return (date - self.date).days

    def heading(self) -> str:
        """The session named where several could be meant: "Session 2: superficial peel on
        2026-11-27 · neck" (``id`` is its number within the profile)."""
        area = f" · {visible(self.area)}" if self.area else ""
        return Words.SESSION_HEADING.format(
            number=self.id, kind=kind_words(self.kind), date=self.date, area=area
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "area": self.area,
            "clinic": self.clinic,
            "notes": self.notes,
            "follow_up": self.follow_up.isoformat() if self.follow_up else None,
        }


def latest_started(records: list[SessionRecord], today: dt.date) -> SessionRecord | None:
    """The session a page shows unless asked: the latest that has started by today, never
    one still ahead (the first ahead only when none has started); None with no session."""
    started = [r for r in records if r.date <= today]
    if started:
        return max(started, key=lambda r: (r.date, r.id))
    return min(records, key=lambda r: (r.date, r.id)) if records else None


class ValueRecord(NamedTuple):
    """One logged value. A named tuple: a clinic's triage builds hundreds of thousands."""

    session_id: int
    date: dt.date
    day: int
    symptom: str
    severity: int
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "date": self.date.isoformat(),
            "day": self.day,
            "symptom": self.symptom,
            "severity": self.severity,
            "note": self.note,
        }


@dataclass(frozen=True)
class ChangeRecord:
    """One write to a day's value, kept for good: what it was before (None: no value) and
    after (None: removed), and when (UTC). ``undone_at`` is set once undo has put ``before``
    back; the change itself stays, so nothing a correction or an undo replaces is lost."""

    id: int
    session_id: int
    date: dt.date
    symptom: str
    before: int | None
    before_note: str | None
    after: int | None
    after_note: str | None
    changed_at: dt.datetime
    undone_at: dt.datetime | None = None
    # A temperature reading's change (``symptom`` is "temperature", ``before``/``after``
    # None): the reading it is about and the reading as typed before (None: none yet) and
    # after (None: removed); its note is ``before_note``/``after_note``.
    reading: int | None = None
    before_temperature: TypedTemperature | None = None
    after_temperature: TypedTemperature | None = None

    @property
    def key(self) -> tuple[int, dt.date, str]:
        return self.session_id, self.date, self.symptom

    @property
    def of_temperature(self) -> bool:
        return self.reading is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "session_id": self.session_id,
            "date": self.date.isoformat(),
            "symptom": self.symptom,
            "before": self.before,
            "before_note": self.before_note,
            "after": self.after,
            "after_note": self.after_note,
            "changed_at": self.changed_at.isoformat() + "Z",
            "undone_at": self.undone_at.isoformat() + "Z" if self.undone_at else None,
        }


@dataclass(frozen=True)
class TypedValue:
    """One SYMPTOM=SEVERITY pair as typed on the command line, checked."""

    symptom: str
    severity: int


def parse_values(pairs: list[str] | tuple[str, ...]) -> list[TypedValue]:
    """Read SYMPTOM=SEVERITY pairs; each symptom at most once per command."""
    if not pairs:
        raise TrackerError.malformed(str(Words.NO_READINGS), hint=Hint.log())
    readings: list[TypedValue] = []
    seen: set[str] = set()
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise TrackerError.malformed(
                f"Cannot read {pair!r}: write SYMPTOM=SEVERITY, for example itching=3."
            )
        key = symptom_key(name)
        if key in seen:
            raise TrackerError.malformed(Words.GIVEN_TWICE.format(symptom=key, what="log"))
        seen.add(key)
        readings.append(TypedValue(key, _severity(value, key)))
    return readings


def _severity(value: str, symptom: str) -> int:
    """A 0-10 value; fever typed in degrees (fever=38) is refused with the safety word and
    the way to give a temperature."""
    try:
        return parse_severity(value, symptom=symptom)
    except TrackerError as exc:
        if symptom != "fever":
            raise
        raise TrackerError.malformed(
            f"{exc.message} {Words.FEVER_IN_DEGREES}", field=exc.field, hint=Hint.log("temperature")
        ) from None


SKIN_TYPES = ("I", "II", "III", "IV", "V", "VI")  # Fitzpatrick
# What each type means, as a patient recognises their skin (Fitzpatrick's own descriptions).
SKIN_TYPE_WORDS = {
    "I": "always burns, never tans",
    "II": "usually burns, tans a little",
    "III": "sometimes burns, tans evenly",
    "IV": "rarely burns, tans easily",
    "V": "very rarely burns, tans very easily",
    "VI": "never burns, deeply pigmented",
}


@dataclass(frozen=True)
class ProfileRecord:
    name: str
    skin_type: str | None = None
    sensitive_skin: bool = False

    def describe_skin(self) -> str:
        parts = []
        if self.skin_type:
            parts.append(f"Fitzpatrick type {self.skin_type}")
        parts.append("sensitive skin" if self.sensitive_skin else "skin not marked sensitive")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "skin_type": self.skin_type,
            "sensitive_skin": self.sensitive_skin,
        }


def clean_text(value: str | None, what: str = "A note") -> str | None:
    """Free text as typed, kept verbatim; blank means none.

    NUL is refused: PostgreSQL cannot store it, and no person types it on purpose.
    """
    if value is None or not value.strip():
        return None
    if "\x00" in value:
        raise TrackerError.malformed(f"{what} cannot contain a NUL character.")
    if not is_text(value):
        raise TrackerError.malformed(f"{what} is not valid text (UTF-8); type it again.")
    if len(value) > MAX_TEXT_CHARS:
        raise TrackerError.malformed(
            f"{what} is longer than {MAX_TEXT_CHARS:,} characters ({len(value):,})."
        )
    return value
