"""Body temperature (issue 22): its own measure in °C or °F, kept as typed, a fever an
urgent flag until a lower reading ends it, on every face and in every exchange."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TODAY, Run
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from web_support import Browser

from tracker.domain.errors import MALFORMED, TrackerError
from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flags import RED_FLAG_REASONS, evaluate
from tracker.domain.records import SessionRecord
from tracker.domain.temperature import (
    FEVER_FROM,
    TemperatureRecord,
    parse_temperature,
    split_typed,
)
from tracker.storage import migrate
from tracker.storage.database import resolve

START = dt.date(2026, 11, 10)
SESSION = SessionRecord(1, START, "co2-ablative")
EXPECT = Expectations(shipped_table()).for_pair


def _reading(day: int, value: str, unit: str = "C", number: int = 0) -> TemperatureRecord:
    return TemperatureRecord(
        number or day, 1, START + dt.timedelta(days=day), day, value, unit, None
    )


def _flags(readings: list[TemperatureRecord], day: int) -> list:
    return [
        f
        for f in evaluate(
            SESSION, [], EXPECT, START + dt.timedelta(days=day), temperatures=readings
        )
        if f.symptom == "temperature"
    ]


# --- reading what was typed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value", "unit"),
    [
        ("38.4", "38.4", "C"),
        ("38.4C", "38.4", "C"),
        ("38.4 °C", "38.4", "C"),
        ("38,4", "38,4", "C"),
        ("101.2F", "101.2", "F"),
        ("101.2 f", "101.2", "F"),
        ("37", "37", "C"),
    ],
)
def test_a_temperature_is_kept_as_typed_with_its_unit(typed: str, value: str, unit: str) -> None:
    found = parse_temperature(typed)
    assert (found.value, found.unit) == (value, unit)


@pytest.mark.parametrize(
    "typed", ["3.84", "384", "20C", "20 °C", "101.2", "50F", "abc", "38.4K", ""]
)
def test_nonsense_is_refused_naming_the_temperature(typed: str) -> None:
    with pytest.raises(TrackerError) as caught:
        parse_temperature(typed)
    assert caught.value.kind is MALFORMED
    assert caught.value.field == "temperature"
    assert "temperature" in caught.value.message.lower()


def test_101_2_without_a_unit_is_refused_with_the_way_to_say_fahrenheit() -> None:
    with pytest.raises(TrackerError, match=r"write 101\.2F"):
        parse_temperature("101.2")


@settings(max_examples=300)
@given(st.decimals(min_value=Decimal("34.0"), max_value=Decimal("43.0"), places=1))
def test_every_body_temperature_in_celsius_reads_back_and_is_judged_at_38(
    number: Decimal,
) -> None:
    found = parse_temperature(str(number))
    assert found.number == number
    assert found.fever == (number >= FEVER_FROM["C"])


@settings(max_examples=300)
@given(st.decimals(min_value=Decimal("93.2"), max_value=Decimal("109.4"), places=1))
def test_fahrenheit_is_judged_at_100_4_and_converted(number: Decimal) -> None:
    found = parse_temperature(f"{number}F")
    assert found.fever == (number >= Decimal("100.4"))
    assert abs(found.celsius - (number - 32) * 5 / 9) <= Decimal("0.05")


def test_the_log_line_splits_the_temperature_from_the_symptoms() -> None:
    pairs, found = split_typed(["redness=5", "Temp=38.4", "fever=3"])
    assert pairs == ["redness=5", "fever=3"]
    assert found is not None and found.value == "38.4"
    with pytest.raises(TrackerError, match="more than once"):
        split_typed(["temperature=38", "temp=38.2"])


# --- the flag -----------------------------------------------------------------------------


def test_a_fever_after_a_treatment_is_urgent_with_the_infection_advice() -> None:
    (flag,) = _flags([_reading(3, "38.4")], 3)
    assert (flag.level, flag.rule, flag.active, flag.days) == (
        "urgent",
        "high-temperature",
        True,
        "day 3",
    )
    assert "38.4 °C" in flag.message and "a fever" in flag.message
    assert RED_FLAG_REASONS["temperature"] in flag.advice
    assert flag.facts()["values"] == [[3, "38.4 °C"]]


@pytest.mark.parametrize(
    ("value", "unit", "urgent"),
    [("38.0", "C", True), ("37.9", "C", False), ("100.4", "F", True), ("100.3", "F", False)],
)
def test_the_threshold_is_38_c_and_100_4_f(value: str, unit: str, urgent: bool) -> None:
    assert bool(_flags([_reading(2, value, unit)], 2)) is urgent


def test_a_normal_reading_later_ends_the_alarm_and_the_history_keeps_it() -> None:
    readings = [_reading(2, "38.6"), _reading(3, "39.1"), _reading(4, "98.2", "F")]
    (flag,) = _flags(readings, 4)
    assert not flag.active and flag.resolved_date == START + dt.timedelta(days=4)
    assert "up to 39.1 °C" in flag.message and "98.2 °F" in flag.message
    (before,) = _flags(readings, 3)
    assert before.active and before.days == "days 2-3"


def test_a_lower_reading_the_same_day_ends_it_in_the_order_logged() -> None:
    readings = [_reading(2, "38.5", number=1), _reading(2, "37.2", number=2)]
    (flag,) = _flags(readings, 2)
    assert not flag.active
    again = _flags([*readings, _reading(2, "38.3", number=3)], 2)
    assert [f.active for f in again] == [True, False]  # a later high reading: a new episode


def test_a_fever_not_measured_again_ages_into_a_question_and_stays_urgent() -> None:
    (flag,) = _flags([_reading(2, "38.4")], 5)
    assert flag.level == "urgent" and flag.silent_since == 2
    assert "not heard about your temperature since day 2" in flag.message


def test_no_temperature_no_flag_and_silence_is_not_earned_by_it() -> None:
    assert _flags([], 3) == []
    assert _flags([_reading(1, "36.9")], 3) == []


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def logged(run: Run) -> Run:
    added = run("session", "add", "--date", "2026-11-20", "--kind", "co2-ablative")
    assert added.exit_code == 0, added.output
    return run


def test_tracker_log_takes_a_temperature_and_says_the_fever_at_once(logged: Run) -> None:
    result = logged("log", "temperature=38.4", "redness=5", "--date", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert "38.4 °C" in result.output and "URGENT" in result.output
    assert "temperature=N" in result.output  # the hint, as a command
    status = logged("status", "--as-of", "2026-11-23")
    assert "Contact your clinic now because: Temperature" in status.output
    assert "38.4 °C on day 3: a fever" in status.output
    found = json.loads(logged("status", "--json", "--as-of", "2026-11-23").stdout)
    assert found["level"] == "urgent"
    assert found["temperature"]["value"] == "38.4" and found["temperature"]["unit"] == "C"


def test_a_lower_temperature_logged_later_ends_the_alarm(logged: Run) -> None:
    assert logged("log", "temp=101.2F", "--date", "2026-11-22").exit_code == 0
    assert logged("log", "temp=98.6F", "--date", "2026-11-23").exit_code == 0
    status = logged("status", "--as-of", "2026-11-23")
    assert "URGENT" not in status.output and "Contact your clinic now" not in status.output
    assert "98.6 °F (37.0 °C) on day 3: no fever" in status.output
    history = logged("flags", "--history", "--as-of", "2026-11-23")
    assert "resolved temperature high-temperature" in history.output
    shown = logged("history").output
    assert "101.2 °F (38.4 °C)" in shown and "98.6 °F (37.0 °C)" in shown


@pytest.mark.parametrize("typed", ["temperature=3.84", "temp=384", "temp=20C", "temp=101.2"])
def test_the_command_line_refuses_nonsense_and_stores_nothing(logged: Run, typed: str) -> None:
    result = logged("log", typed, "redness=2")
    assert result.exit_code == 2, result.output
    assert "temperature" in result.output.lower()
    assert "Traceback" not in result.output
    assert "temperature" not in logged("history").output


def test_fever_stays_a_0_10_symptom(logged: Run) -> None:
    assert logged("log", "fever=3").exit_code == 0
    refused = logged("log", "fever=38")
    assert refused.exit_code == 2
    assert "38 °C (100.4 °F) or more after a treatment: contact your clinic now" in refused.output
    assert "tracker log temperature=N" in refused.output


# --- the web page -------------------------------------------------------------------------


@pytest.fixture
def web(db_url: str, logged: Run) -> Iterator[Browser]:
    browser = Browser(db_url, TODAY)
    assert browser.sign_in().status_code == 303
    yield browser
    browser.close()


def test_the_web_checkin_takes_a_temperature_and_status_says_the_fever(web: Browser) -> None:
    page = web.get("/")
    assert 'name="value-temperature"' in page.text
    sent = web.post("/checkin", {"date": "today", "value-temperature": "38.9"})
    assert sent.status_code == 303
    status = web.get("/status").text
    assert "Contact your clinic now" in status and "38.9 °C on day 4: a fever" in status
    assert "38.9 °C" in web.get("/history").text


def test_the_web_checkin_refuses_nonsense_next_to_the_field(web: Browser, run: Run) -> None:
    sent = web.post("/checkin", {"date": "today", "value-temperature": "384", "value-redness": "3"})
    assert sent.status_code == 400
    assert 'id="value-temperature-error"' in sent.text
    assert "not a body temperature" in sent.text
    assert "Nothing logged yet" in run("history").output  # all or nothing


# --- exchanges ----------------------------------------------------------------------------


def test_json_export_and_import_keep_each_reading_as_typed(
    logged: Run, tmp_path: Path, run: Run
) -> None:
    for typed, date in (("temp=38,4", "2026-11-22"), ("temp=101.2F", "2026-11-23")):
        assert logged("log", typed, "--date", date).exit_code == 0
    assert logged("log", "temp=101.2F", "--date", "2026-11-23").exit_code == 0  # twice, kept
    path = tmp_path / "out.json"
    assert logged("export", "--format", "json", "-o", str(path)).exit_code == 0
    (session,) = json.loads(path.read_text())["sessions"]
    assert session["temperatures"] == [
        {"date": "2026-11-22", "value": "38,4", "unit": "C", "note": None},
        {"date": "2026-11-23", "value": "101.2", "unit": "F", "note": None},
        {"date": "2026-11-23", "value": "101.2", "unit": "F", "note": None},
    ]
    assert run("profile", "add", "copy").exit_code == 0
    first = run("--profile", "copy", "import", str(path))
    assert first.exit_code == 0, first.output
    assert "3 temperatures" in first.output and "URGENT" in first.output
    again = run("--profile", "copy", "import", str(path), "--on-duplicate", "skip")
    assert again.exit_code == 0 and "temperature" not in again.output.split("(")[0]
    back = tmp_path / "back.json"
    assert run("--profile", "copy", "export", "--format", "json", "-o", str(back)).exit_code == 0
    assert json.loads(back.read_text())["sessions"][0]["temperatures"] == session["temperatures"]


def test_json_import_refuses_a_temperature_that_is_no_body_temperature(
    logged: Run, tmp_path: Path
) -> None:
    document = {
        "format": "skin-recovery-tracker",
        "format_version": 1,
        "schema_revision": "0013",
        "sessions": [
            {
                "date": "2026-11-20",
                "kind": "co2-ablative",
                "temperatures": [{"date": "2026-11-21", "value": "384", "unit": "C"}],
            }
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    result = logged("import", str(path), "--on-duplicate", "skip")
    assert result.exit_code == 2, result.output
    assert "sessions[0].temperatures[0]" in result.output and "not a body temperature" in (
        result.output
    )


def test_fhir_has_body_temperature_observations_in_ucum_and_reads_them_back(
    logged: Run, tmp_path: Path, run: Run
) -> None:
    assert logged("log", "temp=38.4", "--date", "2026-11-22").exit_code == 0
    assert logged("log", "temp=99.1F", "--date", "2026-11-23").exit_code == 0
    path = tmp_path / "fhir.json"
    assert logged("export", "--format", "fhir", "-o", str(path)).exit_code == 0
    bundle = json.loads(path.read_text())
    found = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "8310-5"
    ]
    assert [(r["valueQuantity"]["value"], r["valueQuantity"]["code"]) for r in found] == [
        (38.4, "Cel"),
        (99.1, "[degF]"),
    ]
    assert all(r["valueQuantity"]["system"] == "http://unitsofmeasure.org" for r in found)
    assert all(r["category"][0]["coding"][0]["code"] == "vital-signs" for r in found)
    other = str(tmp_path / "clinic.db")  # the same patient, in an empty database
    assert run("--db", other, "import", str(path)).exit_code == 0
    again = tmp_path / "again.json"
    assert run("--db", other, "export", "--format", "fhir", "-o", str(again)).exit_code == 0
    assert json.loads(again.read_text()) == bundle


def test_the_report_lists_the_temperatures(logged: Run, tmp_path: Path) -> None:
    assert logged("log", "temp=38.4", "redness=4", "--date", "2026-11-22").exit_code == 0
    pdf = tmp_path / "r.pdf"
    assert logged("report", "-o", str(pdf)).exit_code == 0
    from pypdf import PdfReader

    words = " ".join((page.extract_text() or "") for page in PdfReader(str(pdf)).pages)
    assert "Temperatures" in words and "38.4 °C" in words
    assert "highest 38.4 °C on day 2: a fever" in " ".join(words.split())


# --- the migration ------------------------------------------------------------------------


@pytest.mark.new_database
def test_0013_adds_measurements_beside_the_values_and_steps_back_with_data(db_url: str) -> None:
    location = resolve(db_url)
    migrate.upgrade(location, "0012")
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sessions (id, profile_id, number, date, kind) "
                "VALUES (1, 1, 1, '2026-11-10', 'ipl')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO entries (session_id, date, symptom, severity, note) "
                "VALUES (1, '2026-11-11', 'redness', 4, 'warm')"
            )
        )
    engine.dispose()
    migrate.upgrade(location, "0013")
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO measurements (session_id, date, measure, value, unit, note, "
                "logged_at) VALUES (1, '2026-11-11', 'temperature', '101.2', 'F', 'hot', "
                "'2026-12-03 07:00:00')"
            )
        )
        row = conn.execute(text("SELECT value, unit, note FROM measurements")).one()
        assert tuple(row) == ("101.2", "F", "hot")
        values = conn.execute(text("SELECT symptom, severity, note FROM entries")).all()
    engine.dispose()
    engine = create_engine(location.url)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO measurements (session_id, date, measure, value, unit, logged_at) "
                "VALUES (1, '2026-11-11', 'temperature', '38', 'K', '2026-12-03 07:00:00')"
            )
        )
    engine.dispose()
    migrate.downgrade(location, "0012")
    engine = create_engine(location.url)
    with engine.connect() as conn:
        assert "measurements" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT symptom, severity, note FROM entries")).all() == values
    engine.dispose()
    migrate.upgrade(location)
    engine = create_engine(location.url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM measurements")).scalar() == 0
    engine.dispose()


def test_the_clinics_triage_lists_a_fever_until_a_lower_reading(logged: Run) -> None:
    assert logged("profile", "add", "bea").exit_code == 0
    assert logged("--profile", "bea", "session", "add", "--date", "2026-11-21").exit_code == 0
    assert logged("--profile", "bea", "log", "temp=38.1", "--date", "2026-11-22").exit_code == 0
    found = json.loads(logged("flags", "--all-profiles", "--json").stdout)
    assert [(f["profile"], f["symptom"], f["level"]) for f in found] == [
        ("bea", "temperature", "urgent")
    ]
    assert logged("--profile", "bea", "log", "temp=37.0").exit_code == 0
    assert json.loads(logged("flags", "--all-profiles", "--json").stdout) == []
