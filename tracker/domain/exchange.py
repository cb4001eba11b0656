"""Export and import formats, as pure functions over plain records.

CSV: one row per entry (``ENTRY_COLUMNS``); care actions go to a CSV of their
own (``CARE_COLUMNS``); ``import`` tells the two apart by their header.
JSON: the whole database as one document that ``import`` restores losslessly.
FHIR: an R4 ``Bundle``, in ``tracker.domain.fhir``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tracker.domain.care import CareRecord, care_key, check_note
from tracker.domain.catalog import kind_key, symptom_key
from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Override
from tracker.domain.records import EntryRecord, SessionRecord, clean_text
from tracker.domain.severity import parse_severity

ENTRY_COLUMNS = ("date", "session_id", "session_date", "kind", "day", "symptom", "severity", "note")
CARE_COLUMNS = ("date", "session_id", "session_date", "kind", "day", "action", "note")
JSON_FORMAT = "skin-recovery-tracker"
JSON_VERSION = 1


@dataclass
class SessionBundle:
    """A session with everything logged for it."""

    session: SessionRecord
    entries: list[EntryRecord] = field(default_factory=list)
    care: list[CareRecord] = field(default_factory=list)


# --- export -----------------------------------------------------------------------------


def entry_rows(bundles: Iterable[SessionBundle]) -> Iterator[list[object]]:
    for b in bundles:
        s = b.session
        for e in b.entries:
            yield [e.date, s.id, s.date, s.kind, e.day, e.symptom, e.severity, e.note or ""]


def care_rows(bundles: Iterable[SessionBundle]) -> Iterator[list[object]]:
    for b in bundles:
        s = b.session
        for c in b.care:
            yield [c.date, s.id, s.date, s.kind, c.day, c.action, c.note or ""]


def json_document(
    bundles: Sequence[SessionBundle], overrides: Sequence[Override], revision: str
) -> dict[str, Any]:
    """Everything, without database ids: sessions are matched by date and kind on import."""
    return {
        "format": JSON_FORMAT,
        "format_version": JSON_VERSION,
        "schema_revision": revision,
        "sessions": [
            {
                **{k: v for k, v in b.session.to_json().items() if k != "id"},
                "entries": [
                    {
                        "date": e.date.isoformat(),
                        "symptom": e.symptom,
                        "severity": e.severity,
                        "note": e.note,
                    }
                    for e in b.entries
                ],
                "care": [
                    {"date": c.date.isoformat(), "action": c.action, "note": c.note} for c in b.care
                ],
            }
            for b in bundles
        ],
        "protocol_overrides": [
            {
                "kind": o.kind,
                "symptom": o.symptom,
                "typical_days": o.typical_days,
                "max_days": o.max_days,
            }
            for o in sorted(overrides, key=lambda o: (o.kind, o.symptom))
        ],
    }


# --- import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionKey:
    date: dt.date
    kind: str


@dataclass(frozen=True)
class ImportedEntry:
    line: int
    session: SessionKey
    date: dt.date
    symptom: str
    severity: int
    note: str | None


@dataclass(frozen=True)
class ImportedCare:
    line: int
    session: SessionKey
    date: dt.date
    action: str
    note: str | None


def iso_date(value: object, what: str) -> dt.date:
    text = str(value or "").strip()
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise TrackerError.malformed(f"{what} {text!r} is not a YYYY-MM-DD date") from None


def _check_day(
    row: Mapping[str, Any], date: dt.date, session_date: dt.date, today: dt.date
) -> None:
    if date > today:
        raise TrackerError(f"{date} is in the future")
    if date < session_date:
        raise TrackerError(f"{date} is before its session ({session_date})")
    day = str(row.get("day") or "").strip()
    if day and day != str((date - session_date).days):
        raise TrackerError.malformed(
            f"day {day} does not match the dates (day {(date - session_date).days})"
        )


def _text(value: object) -> str:
    # JSON gives numbers; CSV gives text. Booleans are not severities.
    if value is None or isinstance(value, bool):
        return ""
    return str(value)


def note_text(value: object) -> str | None:
    return clean_text(None if value is None else str(value))


def session_key(session_date: object, kind: object) -> SessionKey:
    if isinstance(session_date, str) and isinstance(kind, str):
        return _session_key_cached(session_date, kind)
    return SessionKey(iso_date(session_date, "session_date"), kind_key(str(kind or "")))


@lru_cache(maxsize=4096)
def _session_key_cached(session_date: str, kind: str) -> SessionKey:
    # A file repeats its few sessions on every row: read each one once.
    return SessionKey(iso_date(session_date, "session_date"), kind_key(kind))


def parse_entry_row(row: Mapping[str, Any], line: int, today: dt.date) -> ImportedEntry:
    session = session_key(row.get("session_date"), row.get("kind"))
    date = iso_date(row.get("date"), "date")
    _check_day(row, date, session.date, today)
    symptom = symptom_key(str(row.get("symptom") or ""))
    severity = parse_severity(_text(row.get("severity")), symptom=symptom)
    return ImportedEntry(line, session, date, symptom, severity, note_text(row.get("note")))


def parse_care_row(row: Mapping[str, Any], line: int, today: dt.date) -> ImportedCare:
    session = session_key(row.get("session_date"), row.get("kind"))
    date = iso_date(row.get("date"), "date")
    _check_day(row, date, session.date, today)
    action = care_key(str(row.get("action") or ""))
    return ImportedCare(line, session, date, action, check_note(action, note_text(row.get("note"))))


def csv_kind(header: Sequence[str]) -> str:
    """'entries' or 'care', from a CSV header; refuses anything else."""
    columns = {c.strip() for c in header}
    for kind, needed in (("entries", ENTRY_COLUMNS), ("care", CARE_COLUMNS)):
        required = set(needed) - {"session_id", "day", "note"}
        if required <= columns and (kind == "care") == ("action" in columns):
            return kind
    missing = sorted(set(ENTRY_COLUMNS) - {"session_id", "day", "note"} - columns)
    raise TrackerError.malformed(f"not a tracker CSV: missing columns {', '.join(missing)}")


def parse_override(item: Mapping[str, Any]) -> Override:
    kind = kind_key(str(item.get("kind") or ""))
    symptom = symptom_key(str(item.get("symptom") or ""))
    max_days, typical = item.get("max_days"), item.get("typical_days")
    if not isinstance(max_days, int) or isinstance(max_days, bool) or max_days < 0:
        raise TrackerError.malformed("max_days must be a whole number of days, 0 or more")
    if typical is not None and (
        not isinstance(typical, int) or isinstance(typical, bool) or not 0 <= typical <= max_days
    ):
        raise TrackerError.malformed("typical_days must be a whole number from 0 to max_days")
    return Override(kind, symptom, max_days, typical)
