"""The clinical scenarios of tests/scenarios/ read once, the same way everywhere: each file,
and its logs as the records the domain judges. Shared by tests/test_scenarios.py and
scripts/scenario_words.py (which puts this folder on its path)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from tracker.domain.records import ValueRecord
from tracker.domain.temperature import TemperatureRecord, parse_temperature

FOLDER = Path(__file__).resolve().parent / "scenarios"
FILES = sorted(FOLDER.glob("*.toml"))
START = dt.date(2026, 10, 1)  # every scenario's session day (day 0)


def load(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def values(scenario: dict[str, Any]) -> list[ValueRecord]:
    """Each log's ``values = {redness = 5}`` as session 1's values, by day."""
    return [
        ValueRecord(1, START + dt.timedelta(days=log["day"]), log["day"], symptom, value)
        for log in scenario.get("log", ())
        for symptom, value in log.get("values", {}).items()
    ]


def temperatures(scenario: dict[str, Any]) -> list[TemperatureRecord]:
    """A log's ``temperature = "38.4"`` (or "101.2F"), as the command line reads it."""
    found = []
    for number, log in enumerate(scenario.get("log", ()), start=1):
        if "temperature" in log:
            typed = parse_temperature(log["temperature"])
            date = START + dt.timedelta(days=log["day"])
            found.append(TemperatureRecord(number, 1, date, log["day"], typed.value, typed.unit))
    return found
