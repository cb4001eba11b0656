"""Body temperature: a measure of its own, in °C or °F, never on the 0-10 scale.

A reading keeps the number as the patient typed it and the unit it was given in (°C when
none was typed); only the rules convert, to judge it. ``fever`` stays a 0-10 symptom.

The fever threshold, 38 °C (100.4 °F), is the one the sources give for a fever after a
skin treatment or in a wound (/work/shared/reference/red_flags.md, section 1: NHS content,
"a high temperature (fever) of 38C (100.4F) or above"; theplasticsurgerycenternc.com,
"Fever greater than 100.4 degrees Fahrenheit (38 degrees Celsius)" among the reasons to
call after laser resurfacing).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from tracker.domain.errors import TrackerError

MEASURE = "temperature"
# What a patient may type before "=": the measure's names, in any case.
NAMES = ("temperature", "temp", "body-temperature", "body-temp")
UNITS = ("C", "F")
SYMBOL = {"C": "°C", "F": "°F"}
UCUM = {"C": "Cel", "F": "[degF]"}  # FHIR's units for body temperature (LOINC 8310-5)
FEVER_FROM = {"C": Decimal("38.0"), "F": Decimal("100.4")}
FEVER_WORDS = "38 °C (100.4 °F) or more"
FEVER_SOURCE = (
    "red_flags.md section 1: NHS, 'a high temperature (fever) of 38C (100.4F) or above'; "
    "theplasticsurgerycenternc.com, 'Fever greater than 100.4 degrees Fahrenheit (38 degrees "
    "Celsius)'"
)
# A body temperature a thermometer can show on a living person: below it, a number typed
# without its point (384) or in the wrong place (3.84); above it, a typo or a room.
PLAUSIBLE = {
    "C": (Decimal("34.0"), Decimal("43.0")),
    "F": (Decimal("93.2"), Decimal("109.4")),
}
# A number, with a point or comma and up to two decimals, then an optional unit.
_TYPED = re.compile(
    r"\s*(?P<number>[0-9]{1,3}(?:[.,][0-9]{1,2})?)\s*(?:°\s*)?(?P<unit>[cCfF])?\s*",
)


def is_temperature_name(word: str) -> bool:
    return word.strip().lower().replace("_", "-").replace(" ", "-") in NAMES


@dataclass(frozen=True)
class TypedTemperature:
    """A temperature as typed and checked, not yet stored: the number as typed, its unit."""

    value: str
    unit: str

    @property
    def number(self) -> Decimal:
        return Decimal(self.value.replace(",", "."))

    @property
    def celsius(self) -> Decimal:
        return to_celsius(self.number, self.unit)

    @property
    def fever(self) -> bool:
        return self.number >= FEVER_FROM[self.unit]

    def words(self) -> str:
        return f"{self.value} {SYMBOL[self.unit]}"


def to_celsius(number: Decimal, unit: str) -> Decimal:
    if unit == "C":
        return number
    return ((number - 32) * 5 / 9).quantize(Decimal("0.1"))


def parse_temperature(text: str) -> TypedTemperature:
    """A body temperature from what the person typed: 38.4, 38.4C, 38,4 °C, 101.2F."""
    found = _TYPED.fullmatch(text)
    if found is None:
        raise TrackerError.malformed(
            f"The temperature must be a number of degrees, such as 38.4 (°C) or 101.2F (°F), "
            f"not {text.strip()[:20]!r}.",
            field=MEASURE,
        )
    value, unit = found["number"], (found["unit"] or "C").upper()
    number = Decimal(value.replace(",", "."))
    low, high = PLAUSIBLE[unit]
    if not low <= number <= high:
        other = "F" if unit == "C" else "C"
        other_low, other_high = PLAUSIBLE[other]
        said = f"{value} {SYMBOL[unit]}"
        if other_low <= number <= other_high and not found["unit"]:
            advice = f"For °F, write {value}F."
        else:
            advice = "Check the number and its point (38.4, not 384 or 3.84)."
        raise TrackerError.malformed(
            f"The temperature {said} is not a body temperature: in °C it is from "
            f"{PLAUSIBLE['C'][0]} to {PLAUSIBLE['C'][1]}, in °F from {PLAUSIBLE['F'][0]} to "
            f"{PLAUSIBLE['F'][1]}. {advice}",
            field=MEASURE,
        )
    return TypedTemperature(value, unit)


class TemperatureRecord(NamedTuple):
    """One stored reading: the number as typed and its unit. A day may hold several; the
    order they were logged in (``id``) is the order they are judged in."""

    id: int
    session_id: int
    date: dt.date
    day: int
    value: str
    unit: str
    note: str | None = None

    @property
    def typed(self) -> TypedTemperature:
        return TypedTemperature(self.value, self.unit)

    @property
    def fever(self) -> bool:
        return self.typed.fever

    def words(self) -> str:
        """ "38.4 °C", or "101.2 °F (38.4 °C)": the reading as given, in °C beside."""
        typed = self.typed
        if self.unit == "C":
            return typed.words()
        return f"{typed.words()} ({typed.celsius} °C)"

    def describe(self) -> str:
        """The reading and what it means: "38.4 °C on day 3: a fever, 38 °C (...) or more"."""
        if self.fever:
            return f"{self.words()} on day {self.day}: a fever, {FEVER_WORDS}"
        return f"{self.words()} on day {self.day}: no fever (below 38 °C, 100.4 °F)"

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "date": self.date.isoformat(),
            "day": self.day,
            "value": self.value,
            "unit": self.unit,
            "celsius": float(self.typed.celsius),
            "note": self.note,
        }


def split_typed(pairs: list[str] | tuple[str, ...]) -> tuple[list[str], TypedTemperature | None]:
    """The SYMPTOM=SEVERITY pairs and the one temperature=DEGREES among them, if any."""
    symptoms: list[str] = []
    found: TypedTemperature | None = None
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not is_temperature_name(name):
            symptoms.append(pair)
            continue
        if found is not None:
            raise TrackerError.malformed(
                "The temperature is given more than once in this log.", field=MEASURE
            )
        found = parse_temperature(value)
    return symptoms, found
