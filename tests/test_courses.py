"""The patient's own courses and the forecast, without a database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.courses import (
    Forecast,
    PersonalCourse,
    courses_from_gone_days,
    forecast,
    gone_day,
    gone_days,
    personal_courses,
)
from tracker.domain.records import SessionRecord, ValueRecord

START = dt.date(2026, 11, 1)


def series(values: dict[int, int], symptom: str = "redness", session: int = 1) -> list[ValueRecord]:
    return [
        ValueRecord(session, START + dt.timedelta(days=d), d, symptom, v)
        for d, v in sorted(values.items())
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, None),
        ({0: 0, 1: 0}, None),  # never there: nothing to be gone from
        ({0: 3}, None),
        ({0: 3, 2: 1}, None),  # 1 is still there
        ({0: 3, 2: 0}, 2),
        ({0: 3, 2: 0, 3: 0}, 2),  # the first 0, not the last
        ({0: 3, 2: 0, 4: 2, 6: 0, 7: 0}, 6),  # after the last value above 0
        ({0: 3, 2: 0, 4: 2}, None),  # back again
        ({0: 0, 3: 1, 5: 0}, 5),
    ],
)
def test_gone_day_is_the_first_0_after_the_last_value_above_0(
    values: dict[int, int], expected: int | None
) -> None:
    assert gone_day(series(values)) == expected


def test_gone_days_of_a_session_leave_out_other_sessions_and_symptoms_still_there() -> None:
    record = SessionRecord(1, START, "ipl")
    entries = [
        *series({2: 0, 0: 4}),  # out of date order: sorted first
        *series({0: 2, 1: 0}, symptom="itching"),
        *series({0: 5}, symptom="swelling"),
        *series({0: 0, 1: 3}, symptom="itching", session=2),
        *series({0: 5, 1: 0}, symptom="pain", session=2),
    ]
    assert gone_days(record, entries) == {"redness": 2, "itching": 1}


def test_a_personal_course_names_its_slowest_recovery() -> None:
    a = SessionRecord(3, START, "ipl")
    b = SessionRecord(4, START + dt.timedelta(days=20), "ipl")
    c = SessionRecord(6, START + dt.timedelta(days=40), "ipl")
    d = SessionRecord(7, START + dt.timedelta(days=60), "ipl")
    now = SessionRecord(8, START + dt.timedelta(days=80), "ipl")
    gone = {3: {"redness": 5}, 4: {"redness": 8}, 6: {"redness": 8}, 7: {"redness": 2}}
    course = courses_from_gone_days([a, b, c, d, now], gone, [8])[8]["redness"]
    assert course.slowest == (6, 8)  # the latest session among the slowest
    assert course.describe() == "last time gone by day 8 (session 6)"
    history = [(r, series({0: 4, gone[r.id]["redness"]: 0}, session=r.id)) for r in (d, c, b, a)]
    assert personal_courses(now, history) == {"redness": course}


def test_courses_come_from_earlier_sessions_of_the_same_kind_only() -> None:
    a = SessionRecord(1, START, "ipl")
    b = SessionRecord(2, START + dt.timedelta(days=30), "microneedling")
    c = SessionRecord(3, START + dt.timedelta(days=60), "ipl")
    d = SessionRecord(4, START + dt.timedelta(days=90), "ipl")
    gone = {1: {"redness": 4}, 2: {"redness": 9}, 3: {"redness": 6, "itching": 2}}
    courses = courses_from_gone_days([d, c, b, a], gone)
    assert courses[1] == {} and courses[2] == {}
    assert courses[3] == {"redness": PersonalCourse("redness", (1, 4))}
    assert courses[4] == {
        "redness": PersonalCourse("redness", (3, 6)),
        "itching": PersonalCourse("itching", (3, 2)),
    }
    history = [(a, series({0: 3, 4: 0}, session=1)), (c, []), (d, [])]
    assert personal_courses(d, history) == {"redness": PersonalCourse("redness", (1, 4))}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({1: 6, 2: 4, 3: 2}, Forecast(3, 2, 4)),
        ({1: 7, 2: 5, 4: 2}, Forecast(4, 2, 6)),  # 4 + 2/1.64 = 5.2: rounded up
        ({1: 6, 2: 3, 3: 2, 4: 2}, Forecast(4, 2, 6)),  # level at the end, falling overall
        ({2: 6, 3: 5, 4: 5}, None),  # day 14 from 2 days of values: beyond a week's reach
        ({1: 5, 2: 3, 3: 5, 4: 4, 5: 3, 6: 2}, Forecast(6, 2, 8)),  # from the latest peak
        ({1: 3, 2: 6, 3: 4, 4: 2}, Forecast(4, 2, 5)),
        ({1: 5, 2: 4, 3: 3}, Forecast(3, 3, 6)),  # 3 days ahead after 2 days of fall: in reach
        ({1: 6, 2: 5, 3: 4}, Forecast(3, 4, 7)),  # 4 days ahead: beyond 1.5x, within a week
        ({1: 6, 2: 5, 3: 5}, None),  # 10 days ahead after 2 days: beyond a week too
        ({0: 10, 4: 8, 8: 6}, Forecast(8, 6, 20)),  # 12 days ahead after 8 of fall: in reach
        ({4: 9, 8: 8, 12: 6}, None),  # 16 days ahead after 8 of fall
        ({}, None),
        ({1: 6, 2: 4, 3: 0}, None),  # gone already
        ({1: 2, 2: 6, 3: 4}, None),  # two values since the peak are not a pace
        ({1: 6, 2: 3, 3: 4}, None),  # rising again
        ({1: 6, 2: 0, 3: 5, 4: 5}, None),  # a dip then a plateau: no falling pace
        ({1: 6, 2: 2, 3: 5, 4: 5}, None),  # a pace of exactly 0
        ({1: 4, 2: 4, 3: 4}, None),
    ],
)
def test_forecast_from_the_pace_since_the_peak(
    values: dict[int, int], expected: Forecast | None
) -> None:
    assert forecast(series(values)) == expected


def test_a_forecast_in_words() -> None:
    assert Forecast(3, 2, 4).describe() == "at this pace, gone around day 4"


@given(st.dictionaries(st.integers(0, 30), st.integers(0, 10), max_size=12))
def test_a_forecast_is_for_a_symptom_still_there_and_lies_after_its_last_value(
    values: dict[int, int],
) -> None:
    found = forecast(series(values))
    if found is None:
        return
    last = series(values)[-1]
    assert last.severity > 0
    assert (found.from_day, found.from_value) == (last.day, last.severity)
    assert found.gone_day > last.day
