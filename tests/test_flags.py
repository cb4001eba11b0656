"""The flag engine, without a database or a clock."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.expectations import Expectation, Expectations, shipped_table
from tracker.domain.flags import Flag, evaluate, level_at_least
from tracker.domain.records import EntryRecord, SessionRecord

START = dt.date(2026, 11, 1)
SESSION = SessionRecord(1, START, "laser-rejuvenation")
EXPECT = Expectations(shipped_table()).for_pair  # laser redness: max day 7, itching: max day 5


def series(symptom: str, values: dict[int, int]) -> list[EntryRecord]:
    return [
        EntryRecord(1, START + dt.timedelta(days=day), day, symptom, value)
        for day, value in sorted(values.items())
    ]


def kinds(flags: list[Flag]) -> set[tuple[str, str]]:
    return {(f.symptom, f.kind) for f in flags}


def judge(entries: list[EntryRecord], as_of_day: int = 30) -> list[Flag]:
    return evaluate(SESSION, entries, EXPECT, START + dt.timedelta(days=as_of_day))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({0: 5, 7: 1}, False),  # the last expected day is still inside the course
        ({0: 5, 7: 1, 8: 1}, True),  # the first day after it is not
        ({0: 5, 8: 0}, False),  # logged as gone
    ],
)
def test_persisting_at_the_max_expected_day(values: dict[int, int], expected: bool) -> None:
    flags = judge(series("redness", values))
    assert (("redness", "persisting") in kinds(flags)) is expected


def test_persisting_is_one_flag_spanning_first_to_last_day_past_the_course() -> None:
    found = judge(series("redness", {6: 3, 8: 3, 9: 0, 10: 2}))
    flags = [f for f in found if f.kind == "persisting"]
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.first_day, flag.last_day, flag.level) == (8, 10, "warning")
    assert (flag.first_date, flag.last_date) == (dt.date(2026, 11, 9), dt.date(2026, 11, 11))
    assert "past its expected course" in flag.message
    assert "expected gone by day 7" in flag.message


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({0: 1, 1: 0, 2: 2}, False),  # day 2: before day 3, not judged
        ({0: 1, 1: 0, 3: 2}, True),  # day 3, 2 above the low of day 1
        ({0: 0, 3: 1}, False),  # a rise of 1 is not meaningful
        ({0: 0, 4: 2}, False),  # day 0 is outside the 3 days before day 4
        ({1: 0, 4: 2}, True),  # day 1 is inside them
        ({3: 4, 4: 5, 5: 5, 6: 5}, False),  # never 2 above the lowest of the 3 days before
        ({1: 4, 3: 5, 4: 5, 5: 6}, False),  # day 5: the 4 of day 1 is out of the window
        ({3: 4, 4: 5, 5: 6}, True),  # day 5: 2 above the 4 of day 3
        ({2: 4, 3: 5, 4: 6}, True),  # 6 is 2 above the 4 of day 2
    ],
)
def test_worsening_boundaries(values: dict[int, int], expected: bool) -> None:
    flags = judge(series("swelling", values), as_of_day=6)
    assert (("swelling", "worsening") in kinds(flags)) is expected


@pytest.mark.parametrize(("value", "expected"), [(6, False), (7, True), (10, True)])
def test_severe_from_7(value: int, expected: bool) -> None:
    flags = judge(series("itching", {1: value}))
    found = [f for f in flags if f.kind == "severe"]
    assert bool(found) is expected
    if found:
        assert found[0].level == "urgent"
        assert "now" in found[0].advice


@pytest.mark.parametrize("symptom", ["blistering", "pus", "fever", "cold-sores"])
def test_red_flags_above_0_are_urgent(symptom: str) -> None:
    assert judge(series(symptom, {2: 0})) == []
    flags = judge(series(symptom, {2: 0, 3: 1}))
    flag = next(f for f in flags if f.kind == "red-flag")
    assert (flag.level, flag.first_day) == ("urgent", 3)
    assert "Contact your skin specialist or clinic now" in flag.advice


@pytest.mark.parametrize("symptom", ["darkening", "lightening"])
def test_pigment_changes_are_raised_for_the_follow_up(symptom: str) -> None:
    assert judge(series(symptom, {20: 0})) == []
    flag = next(f for f in judge(series(symptom, {20: 1})) if f.kind == "pigment")
    assert flag.level == "warning"
    assert "follow-up" in flag.advice


@pytest.mark.parametrize(
    ("values", "as_of_day", "expected"),
    [
        ({1: 3}, 2, False),  # 1 day without a log
        ({1: 3}, 3, True),  # 2 days
        ({1: 0}, 3, False),  # last value was 0
        ({1: 3}, 5, True),  # still inside the course on day 5 (itching: max 5)
        ({1: 3}, 6, False),  # past the course: no longer "missing"
    ],
)
def test_missing_boundaries(values: dict[int, int], as_of_day: int, expected: bool) -> None:
    flags = judge(series("itching", values), as_of_day=as_of_day)
    found = [f for f in flags if f.kind == "missing"]
    assert bool(found) is expected
    if found:
        assert found[0].level == "info"
        assert found[0].last_date == START + dt.timedelta(days=as_of_day)


def test_entries_after_the_as_of_date_are_not_seen() -> None:
    entries = series("redness", {0: 5, 10: 4})
    assert ("redness", "persisting") not in kinds(judge(entries, as_of_day=9))
    assert ("redness", "persisting") in kinds(judge(entries, as_of_day=10))


def test_every_flag_carries_its_fields_and_urgent_comes_first() -> None:
    flags = judge(series("redness", {0: 8, 9: 2}) + series("fever", {2: 1}))
    assert flags[0].level == "urgent"
    assert flags[-1].level == "warning"
    assert set(flags[0].to_json()) == {
        "session_id",
        "symptom",
        "kind",
        "level",
        "first_day",
        "last_day",
        "first_date",
        "last_date",
        "message",
        "advice",
    }
    assert level_at_least(flags, "urgent")
    assert not level_at_least([f for f in flags if f.level == "warning"], "urgent")


def test_an_override_changes_the_outcome() -> None:
    from tracker.domain.expectations import Override

    entries = series("redness", {0: 5, 10: 2})
    longer = Expectations(shipped_table(), [Override("laser-rejuvenation", "redness", 14)])
    assert ("redness", "persisting") in kinds(judge(entries))
    flags = evaluate(SESSION, entries, longer.for_pair, START + dt.timedelta(days=30))
    assert ("redness", "persisting") not in kinds(flags)


# --- properties -------------------------------------------------------------------------

COMMON = st.sampled_from(["itching", "swelling", "redness", "rash", "pain", "peeling"])


@st.composite
def fading_series(draw: st.DrawFn) -> tuple[str, list[EntryRecord], Expectation]:
    """A series that never rises and is 0 by the symptom's max expected day."""
    symptom = draw(COMMON)
    expected = EXPECT(SESSION.kind, symptom)
    days = sorted(draw(st.sets(st.integers(0, 40), min_size=1, max_size=25)))
    value = draw(st.integers(0, 6))  # below the severe band
    values: dict[int, int] = {}
    for day in days:
        value = 0 if day >= expected.max_days else max(0, value - draw(st.integers(0, 2)))
        values[day] = value
    return symptom, series(symptom, values), expected


@given(fading_series(), st.integers(0, 60))
def test_a_fading_series_raises_no_persisting_or_worsening(
    case: tuple[str, list[EntryRecord], Expectation], as_of_day: int
) -> None:
    symptom, entries, _ = case
    found = {kind for s, kind in kinds(judge(entries, as_of_day)) if s == symptom}
    assert not found & {"persisting", "worsening"}


@given(COMMON, st.integers(1, 10), st.integers(1, 30), st.data())
def test_any_value_after_the_course_raises_persisting(
    symptom: str, value: int, extra: int, data: st.DataObject
) -> None:
    max_days = EXPECT(SESSION.kind, symptom).max_days
    earlier = data.draw(st.dictionaries(st.integers(0, max_days), st.integers(0, 10)))
    entries = series(symptom, {**earlier, max_days + extra: value})
    assert (symptom, "persisting") in kinds(judge(entries, as_of_day=max_days + extra))


@given(
    st.dictionaries(COMMON, st.dictionaries(st.integers(0, 30), st.integers(0, 10)), max_size=3),
    st.integers(0, 30),
    st.integers(0, 30),
)
def test_moving_the_as_of_date_never_removes_a_flag_about_earlier_days(
    logs: dict[str, dict[int, int]], first: int, later: int
) -> None:
    entries = [entry for symptom, values in logs.items() for entry in series(symptom, values)]
    before = judge(entries, as_of_day=min(first, later))
    after = judge(entries, as_of_day=max(first, later))
    for flag in before:
        if flag.kind == "missing":
            continue  # about the as-of day itself: answered by logging
        assert any(
            (f.symptom, f.kind, f.first_day) == (flag.symptom, flag.kind, flag.first_day)
            and f.last_day >= flag.last_day
            for f in after
        ), flag
