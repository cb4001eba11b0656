"""Export and import formats, as pure functions over plain records.

CSV: one row per entry (``ENTRY_COLUMNS``); care actions and temperatures go to CSVs of
their own (``CARE_COLUMNS``, ``TEMPERATURE_COLUMNS``); ``import`` tells the three apart by
their header.
JSON: the whole database as one document that ``import`` restores losslessly.
FHIR: an R4 ``Bundle``, in ``tracker.domain.fhir``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from tracker.domain.care import CareRecord, care_key, check_note
from tracker.domain.catalog import kind_key, symptom_key
from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Override
from tracker.domain.limits import MAX_COURSE_DAYS, check_date
from tracker.domain.photos import StoredPhoto, photo_json
from tracker.domain.records import SessionRecord, ValueRecord, clean_text
from tracker.domain.severity import parse_severity
from tracker.domain.temperature import TemperatureRecord, parse_temperature
from tracker.domain.text import is_text

ENTRY_COLUMNS = ("date", "session_id", "session_date", "kind", "day", "symptom", "severity", "note")
CARE_COLUMNS = ("date", "session_id", "session_date", "kind", "day", "action", "note")
# A temperature as typed (its number and unit, "C" or "F") and in °C beside, for a sheet.
TEMPERATURE_COLUMNS = (
    "date",
    "session_id",
    "session_date",
    "kind",
    "day",
    "temperature",
    "unit",
    "celsius",
    "note",
)
JSON_FORMAT = "skin-recovery-tracker"
JSON_VERSION = 1


@dataclass
class SessionBundle:
    """A session with everything logged for it."""

    session: SessionRecord
    entries: list[ValueRecord] = field(default_factory=list)
    care: list[CareRecord] = field(default_factory=list)
    photos: list[StoredPhoto] = field(default_factory=list)
    temperatures: list[TemperatureRecord] = field(default_factory=list)


# --- CSV cells ---------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"  # what spreadsheets take as "this cell is text", and do not show


def _formula_like(text: str) -> bool:
    return text.lstrip(TEXT_MARK).startswith(FORMULA_STARTS)


def spreadsheet_safe(text: str) -> str:
    """A free-text cell a spreadsheet shows as text: a leading ' before a formula start.

    Text already made of quotes then a formula start gets one more, so that
    ``from_spreadsheet_safe`` gives back exactly what was stored.
    """
    return TEXT_MARK + text if _formula_like(text) else text


def from_spreadsheet_safe(text: str) -> str:
    """Undo ``spreadsheet_safe``: export -> import -> export is byte for byte the same."""
    if text.startswith(TEXT_MARK) and _formula_like(text):
        return text[1:]
    return text


def csv_line(values: Sequence[object]) -> str:
    """One CSV record. Unlike Python's csv writer (which quotes only the line terminator's
    characters), a bare carriage return is quoted too, so the file reads back as written."""
    cells = []
    for value in values:
        cell = "" if value is None else str(value)
        if any(char in cell for char in ',"\r\n'):
            cell = '"' + cell.replace('"', '""') + '"'
        cells.append(cell)
    return ",".join(cells) + "\n"


# --- export -----------------------------------------------------------------------------


def entry_rows(bundles: Iterable[SessionBundle]) -> Iterator[list[object]]:
    for b in bundles:
        s = b.session
        for e in b.entries:
            note = spreadsheet_safe(e.note or "")
            yield [e.date, s.id, s.date, s.kind, e.day, e.symptom, e.severity, note]


def care_rows(bundles: Iterable[SessionBundle]) -> Iterator[list[object]]:
    for b in bundles:
        s = b.session
        for c in b.care:
            yield [c.date, s.id, s.date, s.kind, c.day, c.action, spreadsheet_safe(c.note or "")]


def temperature_rows(bundles: Iterable[SessionBundle]) -> Iterator[list[object]]:
    """Every reading in the order logged, as typed, with its °C (the import reads the
    number and unit; ``celsius`` is for the sheet)."""
    for b in bundles:
        s = b.session
        for t in b.temperatures:
            note = spreadsheet_safe(t.note or "")
            yield [t.date, s.id, s.date, s.kind, t.day, t.value, t.unit, t.typed.celsius, note]


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
                "photos": [photo_json(p) for p in b.photos],
                # In the order logged; each as typed, with its unit ("C" or "F").
                "temperatures": [
                    {"date": t.date.isoformat(), "value": t.value, "unit": t.unit, "note": t.note}
                    for t in b.temperatures
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


class SessionKey(NamedTuple):
    date: dt.date
    kind: str


class ImportedEntry(NamedTuple):
    """One value read from a file. A named tuple: an import makes a million of them."""

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
    return _iso_date((value if isinstance(value, str) else str(value or "")).strip(), what)


@lru_cache(maxsize=1024)
def _iso_date(text: str, what: str) -> dt.date:
    # A file repeats each day on the rows of its symptoms: read each one once.
    try:
        if len(text) != 10:
            raise ValueError
        date = dt.date.fromisoformat(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise TrackerError.malformed(f"{what} {shown!r} is not a YYYY-MM-DD date") from None
    return check_date(date, what)


# --- JSON types ---------------------------------------------------------------------------

# What each field of an export document may hold; the first group is required.
SESSION_TYPES = {
    "date": "text",
    "kind": "text",
    "area": "text or null",
    "clinic": "text or null",
    "notes": "text or null",
    "follow_up": "text or null",
}
ENTRY_TYPES = {
    "date": "text",
    "symptom": "text",
    "severity": "a whole number",
    "note": "text or null",
}
CARE_TYPES = {"date": "text", "action": "text", "note": "text or null"}
TEMPERATURE_TYPES = {"date": "text", "value": "text", "unit": "text", "note": "text or null"}
OVERRIDE_TYPES = {
    "kind": "text",
    "symptom": "text",
    "max_days": "a whole number",
    "typical_days": "a whole number or null",
}
_REQUIRED = {"date", "kind", "symptom", "severity", "action", "max_days", "value", "unit"}


def not_text_at(value: object, where: str = "") -> str | None:
    """Where in a JSON document a string (or a key) is not valid text, as
    "sessions[0].entries[3].note"; None when every one is. JSON's "\\ud800" escapes
    make lone surrogates, which no database or file takes."""
    if isinstance(value, str):
        return None if is_text(value) else where
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = not_text_at(item, f"{where}[{index}]")
            if found is not None:
                return found
    if isinstance(value, dict):
        for key, item in value.items():
            inside = f"{where}.{key}" if where else str(key)
            if not is_text(key):
                return where or "a name"
            found = not_text_at(item, inside)
            if found is not None:
                return found
    return None


def json_type(value: object) -> str:
    """A JSON value's type, in the words an error message uses."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number" if isinstance(value, int) else "a decimal number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def _fits(value: object, expected: str) -> bool:
    if value is None:
        return expected.endswith("or null")
    if expected.startswith("text"):
        return isinstance(value, str)
    return isinstance(value, int) and not isinstance(value, bool)


def check_types(item: Mapping[str, Any], types: Mapping[str, str], where: str) -> None:
    """Refuse a field of the wrong JSON type as "WHERE.FIELD: must be ..." (other keys are
    ignored, so that newer exports still read)."""
    for name, expected in types.items():
        if name not in item:
            if name in _REQUIRED:
                raise TrackerError.malformed(f"{where}.{name}: missing (it must be {expected})")
            continue
        if not _fits(item[name], expected):
            raise TrackerError.malformed(
                f"{where}.{name}: must be {expected}, not {json_type(item[name])}"
            )


def _check_day(
    row: Mapping[str, Any], date: dt.date, session_date: dt.date, today: dt.date
) -> None:
    _check_day_of(row.get("day"), date, session_date, today)


def _check_day_of(value: object, date: dt.date, session_date: dt.date, today: dt.date) -> None:
    if date > today:
        raise TrackerError(f"{date} is in the future")
    if date < session_date:
        raise TrackerError(f"{date} is before its session ({session_date})")
    day = str(value or "").strip()
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


def _dated(
    session_date: object, kind: object, date: object, day: object, today: dt.date
) -> tuple[SessionKey, dt.date]:
    """A value's session and day, checked: the session's date and kind, the day's date,
    not in the future nor before its session, and its day number if given."""
    session = session_key(session_date, kind)
    when = iso_date(date, "date")
    _check_day_of(day, when, session.date, today)
    return session, when


def _valued(symptom: object, severity: object) -> tuple[str, int]:
    """A value's symptom (its catalog key) and its severity, checked."""
    key = symptom_key(str(symptom or ""))
    return key, parse_severity(_text(severity), symptom=key)


# A file repeats each day on the rows of its symptoms, and the same few symptoms and
# severities on every row: the text read once (a failure is not kept: it raises again).
_dated_text = lru_cache(maxsize=4096)(_dated)
_valued_text = lru_cache(maxsize=4096)(_valued)


def parse_entry_row(row: Mapping[str, Any], line: int, today: dt.date) -> ImportedEntry:
    session_date, kind, date = row.get("session_date"), row.get("kind"), row.get("date")
    day = row.get("day")
    texts = type(session_date) is str and type(kind) is str and type(date) is str
    texts = texts and (day is None or type(day) is str)
    dated = (_dated_text if texts else _dated)(session_date, kind, date, day, today)
    symptom, severity = row.get("symptom"), row.get("severity")
    texts = type(symptom) is str and type(severity) is str
    valued = (_valued_text if texts else _valued)(symptom, severity)
    note = row.get("note")
    return ImportedEntry(
        line, *dated, *valued, None if note is None or note == "" else note_text(note)
    )


def parse_care_row(row: Mapping[str, Any], line: int, today: dt.date) -> ImportedCare:
    session = session_key(row.get("session_date"), row.get("kind"))
    date = iso_date(row.get("date"), "date")
    _check_day(row, date, session.date, today)
    action = care_key(str(row.get("action") or ""))
    return ImportedCare(line, session, date, action, check_note(action, note_text(row.get("note"))))


@dataclass(frozen=True)
class ImportedTemperature:
    date: dt.date
    value: str  # as typed
    unit: str  # "C" or "F"
    note: str | None

    @property
    def key(self) -> tuple[dt.date, str, str, str | None]:
        return self.date, self.value, self.unit, self.note


def parse_temperature_item(
    item: Mapping[str, Any], session_date: dt.date, today: dt.date
) -> ImportedTemperature:
    """A temperature of an export: its number as typed and its unit, checked as when it
    was logged (a body temperature, in °C or °F)."""
    date = iso_date(item.get("date"), "date")
    _check_day(item, date, session_date, today)
    unit = str(item.get("unit") or "")
    if unit not in ("C", "F"):
        raise TrackerError.malformed(f'unit must be "C" or "F", not {unit[:12]!r}')
    value = str(item.get("value") or "")
    typed = parse_temperature(value + unit)
    if typed.value != value:
        raise TrackerError.malformed(f"value {value[:12]!r} is not a number of degrees")
    return ImportedTemperature(date, value, unit, note_text(item.get("note")))


def parse_temperature_row(
    row: Mapping[str, Any], today: dt.date
) -> tuple[SessionKey, ImportedTemperature]:
    """A row of a temperatures CSV: its session and the reading, checked as when logged."""
    session = session_key(row.get("session_date"), row.get("kind"))
    item = {
        "date": row.get("date"),
        "value": str(row.get("temperature") or "").strip(),
        "unit": str(row.get("unit") or "").strip(),
        "note": row.get("note"),
    }
    return session, parse_temperature_item(item, session.date, today)


def csv_kind(header: Sequence[str]) -> str:
    """'entries', 'care' or 'temperatures', from a CSV header; refuses anything else."""
    columns = {c.strip() for c in header}
    if {"date", "session_date", "kind", "temperature", "unit"} <= columns:
        return "temperatures"
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
    if (
        not isinstance(max_days, int)
        or isinstance(max_days, bool)
        or not 0 <= max_days <= MAX_COURSE_DAYS
    ):
        raise TrackerError.malformed(
            f"max_days must be a whole number of days from 0 to {MAX_COURSE_DAYS}"
        )
    if typical is not None and (
        not isinstance(typical, int) or isinstance(typical, bool) or not 0 <= typical <= max_days
    ):
        raise TrackerError.malformed("typical_days must be a whole number from 0 to max_days")
    return Override(kind, symptom, max_days, typical)
