"""Properties of the envelope, the ageing alarms and resolution (issue 22), 3,000 examples each."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.catalog import KINDS_BY_KEY, SYMPTOMS, SYMPTOMS_BY_KEY
from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flags import MISSING_AFTER_DAYS, evaluate
from tracker.domain.records import SessionRecord, ValueRecord
from tracker.domain.severity import SEVERE_FROM

START = dt.date(2026, 11, 1)
EXPECT = Expectations(shipped_table()).for_pair
KINDS = st.sampled_from(sorted(KINDS_BY_KEY))
COMMON = st.sampled_from([s.key for s in SYMPTOMS if s.group == "common"])
ANY = st.sampled_from(sorted(SYMPTOMS_BY_KEY))
MANY = settings(max_examples=3000, deadline=None)


def entries(symptom: str, values: dict[int, int]) -> list[ValueRecord]:
    return [
        ValueRecord(1, START + dt.timedelta(days=day), day, symptom, value)
        for day, value in sorted(values.items())
    ]


def judge(kind: str, found: list[ValueRecord], as_of_day: int):  # type: ignore[no-untyped-def]
    session = SessionRecord(1, START, kind)
    return evaluate(session, found, EXPECT, START + dt.timedelta(days=as_of_day))


@st.composite
def easing_in_envelope(draw: st.DrawFn) -> tuple[str, str, dict[int, int]]:
    """From day 0, never above the envelope: strong only in the strong stage, and after it
    only easing (below the peak) until the latest day; never rising outside its onset days."""
    kind, symptom = draw(KINDS), draw(COMMON)
    expected = EXPECT(kind, symptom)
    days = sorted({0} | draw(st.sets(st.integers(0, 60), max_size=20)))
    values: dict[int, int] = {}
    value = peak = 0
    for day in days:
        ceiling = expected.ceiling(day)
        latest = expected.latest_strong
        easing_room = latest is not None and day <= latest and peak > SEVERE_FROM
        top = max(ceiling, peak - 1 if easing_room else 0)
        rising = day == 0 or expected.onset_at(day) is not None or ceiling == 10
        low, high = (0, top) if rising else (0, min(value, top))
        value = draw(st.integers(low, max(low, high)))
        peak = max(peak, value)
        values[day] = value
    return kind, symptom, values


@MANY
@given(easing_in_envelope(), st.integers(0, 90))
def test_a_series_that_stays_in_its_envelope_and_eases_is_never_urgent(
    case: tuple[str, str, dict[int, int]], as_of_day: int
) -> None:
    kind, symptom, values = case
    found = judge(kind, entries(symptom, values), as_of_day)
    assert not [f for f in found if f.active and f.level == "urgent"], (values, found)


@MANY
@given(
    KINDS,
    ANY,
    st.dictionaries(st.integers(0, 40), st.integers(0, 10), min_size=1, max_size=12),
    st.integers(MISSING_AFTER_DAYS, 400),
)
def test_a_symptom_never_logged_after_day_n_never_yields_no_flags(
    kind: str, symptom: str, values: dict[int, int], silence: int
) -> None:
    last = max(values)
    values[last] = max(1, values[last])  # still there when last logged
    found = judge(kind, entries(symptom, values), last + silence)
    assert [f for f in found if f.active], values


@MANY
@given(
    KINDS,
    st.dictionaries(
        ANY, st.dictionaries(st.integers(0, 40), st.integers(0, 10), max_size=10), max_size=4
    ),
    st.integers(0, 3),
)
def test_an_alarm_whose_cause_is_logged_gone_is_resolved(
    kind: str, logs: dict[str, dict[int, int]], wait: int
) -> None:
    end = 1 + max((day for values in logs.values() for day in values), default=0)
    found: list[ValueRecord] = []
    for symptom, values in logs.items():
        found += entries(symptom, {**values, end: 0})  # logged gone
    flags = judge(kind, found, end + wait)
    assert not [f for f in flags if f.active], flags
