"""Temperatures leave and come back with the rest of the record: the CSV export (a file of
their own beside the values, read back by the import), `history --json` and the CLI's
check-in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, Run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from units import Units

from tracker.domain.exchange import TEMPERATURE_COLUMNS
from tracker.domain.temperature import PLAUSIBLE, TypedTemperature
from tracker.services import exchange, exports, sessions, symptom_log
from tracker.services.sessions import SessionFields
from tracker.storage.database import Database, resolve

SESSION_DAY = TODAY - dt.timedelta(days=6)


@pytest.fixture
def units(db_url: str, run: Run) -> Iterator[tuple[Units, Units]]:
    assert run("profile", "add", "copy").exit_code == 0
    mine = Units(Database(resolve(db_url), "default"))
    copy = Units(Database(resolve(db_url), "copy"))
    yield mine, copy
    mine.dispose()
    copy.dispose()


@st.composite
def typed_temperatures(draw: st.DrawFn) -> TypedTemperature:
    """A body temperature as a person types it: °C or °F, a point or a comma, 0-2 decimals."""
    unit = draw(st.sampled_from(["C", "F"]))
    low, high = PLAUSIBLE[unit]
    places = draw(st.integers(0, 2))
    step = 10**places
    number = draw(st.integers(math.ceil(low * step), math.floor(high * step)))
    whole, part = divmod(number, step)
    text = str(whole) if places == 0 else f"{whole}{draw(st.sampled_from('.,'))}{part:0{places}d}"
    return TypedTemperature(text, unit)


NOTES = st.one_of(
    st.none(),
    st.sampled_from(["=HYPERLINK(1)", "after a run", "+1", 'a, b "quoted"\nsecond line']),
)
READING = st.tuples(st.integers(0, 6), typed_temperatures(), NOTES)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(readings=st.lists(READING, min_size=1, max_size=8))
def test_a_temperature_csv_export_is_read_back_as_typed(
    units: tuple[Units, Units],
    tmp_path: Path,
    readings: list[tuple[int, TypedTemperature, str | None]],
) -> None:
    """Any readings (°C or °F, as typed, notes a spreadsheet would run) exported to the
    temperatures CSV and imported into another profile are the same readings, in the same
    order; exported again, the same file."""
    mine, copy = units
    session = mine(sessions.add_session, SessionFields(date=SESSION_DAY, kind="ipl"))
    try:
        for day, typed, note in readings:
            mine(
                symptom_log.log_symptoms,
                [],
                date=SESSION_DAY + dt.timedelta(days=day),
                today=TODAY,
                note=note,
                temperature=typed,
            )
        text = mine.reading(exports.export_text, "temperature-csv")
        rows = list(csv.reader(io.StringIO(text)))
        assert tuple(rows[0]) == TEMPERATURE_COLUMNS and len(rows) == len(readings) + 1
        path = tmp_path / "temperatures.csv"
        path.write_text(text, encoding="utf-8", newline="")
        report = copy(exchange.import_csv, path, today=TODAY)
        assert report.temperatures_added == len(readings)
        assert copy.reading(exports.export_text, "temperature-csv") == text

        def kept(units: Units) -> list[tuple[object, ...]]:
            found = units.reading(symptom_log.temperature_history)
            return [(t.date, t.value, t.unit, t.note) for ts in found.values() for t in ts]

        assert kept(copy) == kept(mine)
        assert kept(mine) == sorted(
            [(SESSION_DAY + dt.timedelta(days=d), t.value, t.unit, n) for d, t, n in readings],
            key=lambda r: r[0],
        )
        again = copy(exchange.import_csv, path, today=TODAY)  # nothing twice
        assert again.temperatures_added == 0 and kept(copy) == kept(mine)
    finally:
        for units_ in (mine, copy):
            for record, _ in units_.reading(sessions.list_sessions):
                units_(sessions.delete_session, record.id)
    assert session.id == 1


def test_export_csv_writes_the_temperatures_beside_and_import_reads_them(
    run: Run, tmp_path: Path
) -> None:
    assert run("session", "add", "--date", "2026-11-18", "--kind", "ipl").exit_code == 0
    assert run("log", "redness=3", "temp=38,4", "--date", "2026-11-20").exit_code == 0
    assert run("log", "temp=101.2F", "--date", "2026-11-21", "--note", "=evening").exit_code == 0
    out = tmp_path / "mine.csv"
    done = run("export", "--format", "csv", "-o", str(out))
    assert done.exit_code == 0, done.output
    measured = tmp_path / "mine-temperatures.csv"
    assert f"Temperatures written to {measured}" in done.stderr
    rows = list(csv.DictReader(measured.open(encoding="utf-8", newline="")))
    assert [(r["date"], r["temperature"], r["unit"], r["celsius"], r["note"]) for r in rows] == [
        ("2026-11-20", "38,4", "C", "38.4", ""),
        ("2026-11-21", "101.2", "F", "38.4", "'=evening"),
    ]
    assert run("profile", "add", "copy").exit_code == 0
    for path in (out, measured):
        got = run("--profile", "copy", "import", str(path))
        assert got.exit_code == 0, got.output
    copied = json.loads(run("--profile", "copy", "history", "--json").stdout)
    assert [(e.get("symptom"), e.get("value"), e.get("note")) for e in copied] == [
        ("redness", None, None),
        (None, "38,4", None),
        (None, "101.2", "=evening"),
    ]


def test_history_json_holds_each_reading_and_what_a_correction_replaced(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-18", "--kind", "ipl").exit_code == 0
    assert run("log", "temp=39.4", "redness=2", "--date", "2026-11-20").exit_code == 0
    assert run("log", "temp=36.4", "--instead-of", "39.4", "--date", "2026-11-20").exit_code == 0
    shown = json.loads(run("history", "--json").stdout)
    assert shown[0]["symptom"] == "redness" and "measure" not in shown[0]
    reading = shown[1]
    assert {k: reading[k] for k in ("measure", "date", "day", "value", "unit", "celsius")} == {
        "measure": "temperature",
        "date": "2026-11-20",
        "day": 2,
        "value": "36.4",
        "unit": "C",
        "celsius": 36.4,
    }
    assert "severity" not in reading and "symptom" not in reading
    previous = reading["previous"]
    assert (previous["value"], previous["unit"], previous["note"]) == ("39.4", "C", None)
    assert previous["changed_at"].endswith("Z")
    assert json.loads(run("history", "--json", "--symptom", "redness").stdout) == shown[:1]


def test_the_checkin_asks_for_the_temperature_last_and_enter_skips_it(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-18", "--kind", "ipl").exit_code == 0
    # Every symptom skipped (Enter), none more, then a temperature; 384 is asked again.
    skipped = run("checkin", input="\n" * 60)
    assert f"Nothing typed, so nothing was saved for {TODAY}." in skipped.stdout
    questions = skipped.stdout.count("(0-10)")
    assert questions > 3
    asked = run("checkin", input="\n" * (questions + 1) + "384\n38.6\n")
    assert asked.exit_code == 0, asked.output
    assert "Temperature, if you took it" in asked.stdout
    assert "not a body temperature" in asked.stdout
    assert f"Saved for {TODAY}: temperature 38.6 °C." in asked.stdout
    (reading,) = json.loads(run("history", "--json").stdout)
    assert (reading["measure"], reading["value"]) == ("temperature", "38.6")


def test_a_temperature_out_of_range_names_each_unit_s_own_range() -> None:
    """Found by the round trip's generator: 93 °F was told "in °C it is from 93.2 to 109.4"."""
    from tracker.domain.errors import TrackerError
    from tracker.domain.temperature import parse_temperature

    with pytest.raises(TrackerError) as refused:
        parse_temperature("93F")
    assert "in °C it is from 34.0 to 43.0, in °F from 93.2 to 109.4" in refused.value.message
