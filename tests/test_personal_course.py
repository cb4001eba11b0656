"""The person and the session: skin settings, the patient's own course, and the forecast."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import Run
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from tracker.domain.courses import FORECAST_REACH, forecast, personal_courses
from tracker.domain.records import SessionRecord, ValueRecord

START = dt.date(2026, 9, 1)


def _entries(session: int, values: dict[int, int], symptom: str = "redness") -> list[ValueRecord]:
    return [
        ValueRecord(session, START + dt.timedelta(days=d), d, symptom, v)
        for d, v in sorted(values.items())
    ]


@given(st.lists(st.integers(0, 10), min_size=1, max_size=12))
def test_a_forecast_only_for_a_falling_series(values: list[int]) -> None:
    series = _entries(1, dict(enumerate(values)))
    found = forecast(series)
    top = max(values)
    since_peak = values[len(values) - 1 - values[::-1].index(top) :]
    if found is None:
        return
    assert len(since_peak) >= 3
    assert since_peak[-1] < since_peak[0]  # never on a rising or flat series
    assert since_peak[-1] <= since_peak[-2]  # nor on one rising again
    assert values[-1] > 0
    assert found.gone_day > len(values) - 1
    peak_day = len(values) - len(since_peak)
    last_day = len(values) - 1
    assert found.gone_day - last_day <= max(FORECAST_REACH * (last_day - peak_day), 7)


def test_a_forecast_says_where_a_steady_fall_ends() -> None:
    found = forecast(_entries(1, {0: 6, 1: 5, 2: 4, 3: 3}))
    assert found is not None and found.describe() == "at this pace, gone around day 6"
    assert forecast(_entries(1, {0: 6, 1: 5})) is None  # too few values
    assert forecast(_entries(1, {0: 3, 1: 3, 2: 3})) is None  # flat
    assert forecast(_entries(1, {0: 1, 1: 2, 2: 3})) is None  # rising
    assert forecast(_entries(1, {0: 6, 1: 5, 2: 4, 3: 3, 4: 5})) is None  # rising again


def test_a_forecast_reaches_no_further_than_half_again_the_days_measured() -> None:
    # 90 days from 9/10 down to 7/10: at that pace gone around day 405; not said.
    assert forecast(_entries(1, {0: 9, 45: 8, 90: 7})) is None
    # 4 days from 6/10 down to 4/10 (1/2 a day): gone around day 12, 8 days ahead: more
    # than 1.5 x 4 days and than a week.
    assert forecast(_entries(1, {0: 6, 2: 5, 4: 4})) is None
    # 2 days from 6/10 down to 4/10: gone around day 8, 4 days ahead: within a week.
    found = forecast(_entries(1, {2: 6, 3: 5, 4: 4}))
    assert found is not None and found.gone_day == 8
    # 6 days from 6/10 down to 3/10: gone around day 12, 6 days ahead <= 9.
    found = forecast(_entries(1, {0: 6, 2: 5, 4: 4, 6: 3}))
    assert found is not None and found.gone_day == 12


def test_the_personal_course_counts_only_earlier_sessions_of_the_same_kind() -> None:
    first = SessionRecord(1, START, "ipl")
    other = SessionRecord(2, START + dt.timedelta(days=20), "peel-medium")
    second = SessionRecord(3, START + dt.timedelta(days=40), "ipl")
    history = [
        (first, _entries(1, {0: 4, 2: 1, 3: 0})),
        (other, _entries(2, {0: 4, 9: 0})),
        (second, _entries(3, {0: 4, 5: 0})),
    ]
    courses = personal_courses(second, history)
    assert courses["redness"].slowest == (1, 3)
    assert courses["redness"].describe() == "last time gone by day 3 (session 1)"
    assert personal_courses(first, history) == {}


def _ipl_session(run: Run, start: dt.date, values: list[int]) -> None:
    assert run("session", "add", "--date", start.isoformat(), "--kind", "ipl").exit_code == 0
    for n, value in enumerate(values):
        day = start + dt.timedelta(days=n)
        assert run("log", f"swelling={value}", "--date", day.isoformat(), today=day).exit_code == 0


def test_a_third_session_is_compared_with_the_first_two(run: Run, tmp_path: Path) -> None:
    # IPL swelling: expected gone by day 3; the personal slowest so far: day 1.
    _ipl_session(run, dt.date(2026, 9, 1), [3, 0])
    _ipl_session(run, dt.date(2026, 10, 1), [2, 0])
    _ipl_session(run, dt.date(2026, 11, 1), [3, 2, 2, 1])
    day_3 = dt.date(2026, 11, 4)
    status = " ".join(run("status", today=day_3).stdout.split())
    assert "last time gone by day 1 (session 2); now day 3 at 1/10" in status
    flags = json.loads(run("flags", "--json", today=day_3).stdout)
    assert [(f["kind"], f["level"], f["first_day"]) for f in flags] == [
        ("slower-than-usual", "info", 3)
    ]
    assert "still inside its expected course" in flags[0]["message"].lower()
    path = tmp_path / "report.pdf"
    assert run("report", "-o", str(path), today=day_3).exit_code == 0
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "last time gone by day 1 (session 2); now day 3 at 1/10" in text


def test_sensitive_skin_and_darker_skin_change_the_expectations(run: Run) -> None:
    assert run("profile", "add", "ana", "--skin-type", "V", "--sensitive-skin").exit_code == 0
    ana = ("--profile", "ana")
    rows = json.loads(run(*ana, "protocol", "--kind", "laser", "--json").stdout)
    redness = next(r for r in rows if r["symptom"] == "redness")
    assert redness["max_days"] == 11 and "sensitive skin" in redness["adjusted"][0]
    darkening = next(r for r in rows if r["symptom"] == "darkening")
    assert (darkening["watch"]["first_day"], darkening["watch"]["last_day"]) == (14, 56)
    text = run(*ana, "protocol", "--kind", "laser").stdout
    assert "Adjusted for your skin: sensitive skin" in text
    assert "Watch: Fitzpatrick IV-VI" in text
    start = dt.date(2026, 11, 1)
    assert run(*ana, "session", "add", "--date", start.isoformat()).exit_code == 0
    assert run(*ana, "log", "redness=0", "--date", start.isoformat(), today=start).exit_code == 0
    on_day_20 = run(*ana, "status", today=start + dt.timedelta(days=20)).stdout
    assert "Watch for darkening (darker patches) until day 56" in on_day_20


def test_the_chart_draws_the_forecast_only_for_a_falling_symptom(run: Run, tmp_path: Path) -> None:
    start = dt.date(2026, 11, 1)
    assert run("session", "add", "--date", start.isoformat()).exit_code == 0
    for n, (redness, itching) in enumerate([(6, 1), (5, 2), (4, 3), (3, 4)]):
        day = (start + dt.timedelta(days=n)).isoformat()
        assert run("log", f"redness={redness}", f"itching={itching}", "--date", day).exit_code == 0
    path = tmp_path / "chart.svg"
    assert run("chart", "-o", str(path)).exit_code == 0
    assert "at this pace" in path.read_text()
    rising = tmp_path / "itching.svg"
    assert run("chart", "--symptom", "itching", "-o", str(rising)).exit_code == 0
    assert "at this pace" not in rising.read_text()
