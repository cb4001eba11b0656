"""Exports of the trackers a patient may have used before: Flaredown, Bearable, Track & Graph.

Each reader turns a file's rows into plain ``ForeignValue``s (a name, a day, a value as
written); ``convert`` then maps names to this tracker's symptoms and values to its 0-10
scale, and accounts for every value it does not keep. The column layouts follow each
project's own export code (cited in tests/test_other_trackers.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from tracker.domain.catalog import normalise, symptom_key
from tracker.domain.errors import TrackerError

SOURCES = {"flaredown": "Flaredown", "bearable": "Bearable", "trackandgraph": "Track & Graph"}

# Their 0-4 symptom scales onto the 0-10 bands: 0 stays none; 1, 2 and 3 (mild, moderate,
# severe) take the middle of the matching band (1-3, 4-6, 7-10; 8.5 rounded down); 4, the
# top of their scale (Bearable's "Unbearable", PRO-CTCAE's "very severe"), is the top of ours.
FIVE_POINT_TO_TEN = {0: 0, 1: 2, 2: 5, 3: 8, 4: 10}
BEARABLE_WORDS = {"none": 0, "mild": 1, "moderate": 2, "severe": 3, "unbearable": 4}

# Reasons a value is not imported, as the summary words them after a count.
UNMAPPED = "of names that match no symptom"
BEFORE = "dated before the session (day 0)"
FUTURE = "dated after today"
NOT_A_VALUE = "not a value on their scale (0-4; 0-10 for Track & Graph)"
NOT_A_SYMPTOM = "not a symptom (another category)"
LOWER = "another reading of that symptom that day (a day keeps its highest)"


@dataclass(frozen=True)
class ForeignValue:
    line: int
    name: str
    date: dt.date
    text: str
    note: str | None = None


@dataclass
class ForeignFile:
    """What a reader found: every data row, each value, and rows that hold none."""

    source: str
    rows: int = 0
    values: list[ForeignValue] = field(default_factory=list)
    # Rows that are not a symptom value, by reason (Bearable's mood or sleep rows...).
    set_aside: Counter[str] = field(default_factory=Counter)
    # Flaredown rows (days) with no value in any column but tags and foods.
    empty_rows: int = 0


@dataclass(frozen=True)
class Converted:
    symptom: str
    date: dt.date
    severity: int
    converted: bool
    note: str | None
    line: int


@dataclass
class Conversion:
    kept: dict[tuple[str, dt.date], Converted] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    unmapped: Counter[str] = field(default_factory=Counter)

    @property
    def converted(self) -> int:
        return sum(1 for c in self.kept.values() if c.converted)


# --- reading ----------------------------------------------------------------------------


def _rows(
    lines: Iterable[str], needed: set[str], source: str
) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(lines, strict=True)  # a quote never closed is an error
    header = {h.strip() for h in reader.fieldnames or []}
    missing = sorted(needed - header)
    if missing:
        raise TrackerError.malformed(
            f"line 1: not a {SOURCES[source]} export (missing columns {', '.join(missing)})"
        )
    try:
        for row in reader:
            # Cells past the header's last column have no name (csv gives them as a list
            # under the key None): no reader can use them.
            yield reader.line_num, {k.strip(): (v or "") for k, v in row.items() if k is not None}
    except csv.Error as exc:
        raise TrackerError.malformed(f"line {reader.line_num + 1}: {exc}") from None


def read_flaredown(lines: Iterable[str]) -> ForeignFile:
    """``Date``, one column per condition, symptom and treatment, then ``Tags``, ``Foods``."""
    found = ForeignFile("flaredown")
    for line, row in _rows(lines, {"Date", "Tags", "Foods"}, "flaredown"):
        found.rows += 1
        date = _iso_date(row["Date"], line)
        values = [
            ForeignValue(line, name, date, text.strip())
            for name, text in row.items()
            if name not in ("Date", "Tags", "Foods") and text.strip()
        ]
        found.values.extend(values)
        found.empty_rows += not values
    return found


_BEARABLE_DATE = re.compile(r"^\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3})[a-z]*\s+(\d{4})\s*$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def split_detail(detail: str) -> tuple[str, str]:
    """Bearable's "Neck pain (Moderate)" as its name and word, in one pass over the text.

    (It was a regular expression whose backtracking took 20 s on a 60 KB detail.)
    Only a last group in brackets, holding no bracket, is the word; no word: "".
    """
    detail = detail.strip()
    start = detail.rfind("(")
    if not detail.endswith(")") or start < 0 or ")" in detail[start + 1 : -1]:
        return detail, ""
    name = detail[:start].rstrip()
    if "\n" in name:  # a note's line breaks, not a name
        return detail, ""
    return name, detail[start + 1 : -1]


def read_bearable(lines: Iterable[str]) -> ForeignFile:
    """``date,weekday,time of day,category,rating/amount,detail,notes``; one row a reading."""
    found = ForeignFile("bearable")
    needed = {"date", "category", "rating/amount", "detail"}
    for line, row in _rows(lines, needed, "bearable"):
        found.rows += 1
        category = row["category"].strip()
        if category.lower() != "symptom":
            found.set_aside[NOT_A_SYMPTOM] += 1
            continue
        date = _bearable_date(row["date"], line)
        detail = row["detail"].strip()
        name, word = split_detail(detail)
        text = row["rating/amount"].strip() or word
        note = row.get("notes", "").strip() or None
        found.values.append(ForeignValue(line, name, date, text, note))
    return found


def read_trackandgraph(lines: Iterable[str]) -> ForeignFile:
    """``FeatureName,Timestamp,Value,Label,Note``; one row a data point."""
    found = ForeignFile("trackandgraph")
    for line, row in _rows(lines, {"FeatureName", "Timestamp", "Value"}, "trackandgraph"):
        found.rows += 1
        try:
            # The day as the person lived it: the timestamp's own offset, not ours.
            date = dt.datetime.fromisoformat(row["Timestamp"].strip()).date()
        except ValueError:
            raise TrackerError.malformed(
                f"line {line}: timestamp {row['Timestamp']!r} is not an ISO date-time"
            ) from None
        note = row.get("Note", "").strip() or None
        found.values.append(ForeignValue(line, row["FeatureName"], date, row["Value"], note))
    return found


READERS = {
    "flaredown": read_flaredown,
    "bearable": read_bearable,
    "trackandgraph": read_trackandgraph,
}


def _iso_date(text: str, line: int) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise TrackerError.malformed(f"line {line}: date {text!r} is not YYYY-MM-DD") from None


def _bearable_date(text: str, line: int) -> dt.date:
    match = _BEARABLE_DATE.match(text)
    try:
        if match is None:
            return dt.date.fromisoformat(text.strip())
        day, month, year = match.groups()
        return dt.date(int(year), _MONTHS[month.lower()], int(day))
    except (ValueError, KeyError):
        raise TrackerError.malformed(
            f"line {line}: date {text!r} is not a date like 8th Dec 2021"
        ) from None


# --- converting -------------------------------------------------------------------------


def parse_map(pairs: Iterable[str]) -> dict[str, str]:
    """``--map NAME=SYMPTOM`` pairs: their name (any case) to one of our symptoms."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        name, sep, symptom = pair.rpartition("=")
        if not sep or not name.strip() or not symptom.strip():
            raise TrackerError.malformed(
                f"A name is matched to a symptom as NAME=SYMPTOM, like 'Itchy skin=itching', "
                f"not {pair!r}.",
                field="map",
            )
        mapping[normalise(name)] = symptom_key(symptom)
    return mapping


def _symptom(name: str, mapping: Mapping[str, str]) -> str | None:
    key = normalise(name)
    if key in mapping:
        return mapping[key]
    try:
        return symptom_key(name)
    except TrackerError:
        return None


def _severity(source: str, text: str) -> tuple[int, bool] | None:
    """The 0-10 value and whether it was converted; None when the text is not on the scale."""
    if source in ("flaredown", "bearable"):
        word = text.strip().lower()
        if source == "bearable" and word in BEARABLE_WORDS:
            return FIVE_POINT_TO_TEN[BEARABLE_WORDS[word]], True
        try:
            number = float(word)
        except ValueError:
            return None
        if not number.is_integer() or int(number) not in FIVE_POINT_TO_TEN:
            return None
        return FIVE_POINT_TO_TEN[int(number)], True
    try:
        number = float(text)
    except ValueError:
        return None  # durations (H:MM:SS) and labels
    if not math.isfinite(number) or not 0 <= number <= 10:
        return None
    if number.is_integer():
        return int(number), False
    return math.floor(number + 0.5), True  # half up: 2.5 is 3


def convert(
    found: ForeignFile,
    mapping: Mapping[str, str],
    *,
    session_date: dt.date,
    today: dt.date,
) -> Conversion:
    """Names to symptoms, values to 0-10, one value a symptom and day (the highest)."""
    result = Conversion()
    result.skipped.update(found.set_aside)
    label = SOURCES[found.source]
    for value in found.values:
        symptom = _symptom(value.name, mapping)
        if symptom is None:
            result.unmapped[value.name.strip()] += 1
            continue
        scaled = _severity(found.source, value.text)
        if scaled is None:
            result.skipped[NOT_A_VALUE] += 1
            continue
        if value.date < session_date:
            result.skipped[BEFORE] += 1
            continue
        if value.date > today:
            result.skipped[FUTURE] += 1
            continue
        severity, converted = scaled
        marks = [value.note] if value.note else []
        if converted:
            how = "rounded" if found.source == "trackandgraph" else "0-4, converted"
            marks.append(f"[from {label}: {value.name.strip()} {value.text.strip()}, {how}]")
        item = Converted(
            symptom, value.date, severity, converted, " ".join(marks) or None, value.line
        )
        key = (symptom, value.date)
        held = result.kept.get(key)
        if held is None:
            result.kept[key] = item
            continue
        result.skipped[LOWER] += 1
        if severity > held.severity:
            result.kept[key] = item
    return result
