"""Per-symptom summaries of a session and the view the charts and reports draw from."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain.care import CareRecord
from tracker.domain.courses import Forecast, PersonalCourse
from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flags import Flag
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.summaries import SessionView, SymptomSummary, summarise

START = dt.date(2026, 11, 1)
SESSION = SessionRecord(1, START, "laser-rejuvenation")
EXPECT = Expectations(shipped_table()).for_pair  # laser redness: gone by day 7


def series(symptom: str, values: dict[int, int]) -> list[ValueRecord]:
    return [
        ValueRecord(1, START + dt.timedelta(days=d), d, symptom, v)
        for d, v in sorted(values.items())
    ]


def summary(values: dict[int, int], as_of_day: int | None = None, personal=None) -> SymptomSummary:
    expected = EXPECT("laser-rejuvenation", "redness")
    return SymptomSummary("redness", series("redness", values), expected, as_of_day, personal)


@pytest.mark.parametrize(
    ("values", "as_of_day", "outcome"),
    [
        ({0: 0, 2: 0}, None, "never above 0"),
        ({0: 4, 3: 2}, None, "still 2/10 on day 3"),
        ({0: 4, 7: 2}, None, "still 2/10 on day 7"),
        ({0: 4, 8: 2}, None, "still 2/10 on day 8 (late)"),
        ({0: 4, 3: 2}, 7, "still 2/10 on day 3"),
        ({0: 4, 3: 2}, 8, "still 2/10 on day 3 (late)"),  # not logged since is not on course
        ({0: 4, 8: 0}, None, "reached 0 on day 8: on course"),  # the day after the last day
        ({0: 4, 9: 0}, None, "reached 0 on day 9: later than expected"),
        ({0: 4, 2: 0}, 20, "reached 0 on day 2: on course"),
    ],
)
def test_the_outcome_in_words(values: dict[int, int], as_of_day: int | None, outcome: str) -> None:
    assert summary(values, as_of_day).outcome == outcome


def test_a_symptom_without_a_course_is_never_late() -> None:
    fever = SymptomSummary("fever", series("fever", {0: 1, 9: 1}), EXPECT("ipl", "fever"), 30)
    assert fever.outcome == "still 1/10 on day 9"


def test_the_peak_is_the_first_day_of_the_highest_value() -> None:
    found = summary({0: 3, 2: 6, 3: 6, 5: 1}).peak
    assert (found.day, found.severity) == (2, 6)
    assert summary({0: 3, 2: 6, 3: 6, 5: 1}).resolved_day is None
    assert summary({0: 3, 2: 6, 5: 0, 6: 0}).resolved_day == 5
    assert summary({0: 0, 1: 1}).ever_present and not summary({0: 0}).ever_present


def test_the_personal_note_while_it_is_still_there() -> None:
    personal = PersonalCourse("redness", (4, 3))
    assert summary({0: 4, 5: 2}, None, personal).personal_note == (
        "last time gone by day 3 (session 4); now day 5 at 2/10"
    )
    assert summary({0: 4, 5: 2}, 6, personal).personal_note == (
        "last time gone by day 3 (session 4); now day 6 at 2/10"
    )
    assert summary({0: 4, 5: 0}, 6, personal).personal_note is None
    assert summary({0: 4, 5: 2}, 6).personal_note is None
    assert summary({0: 6, 1: 4, 2: 2}).forecast == Forecast(2, 2, 3)


def test_summaries_come_in_catalog_order_with_unknown_symptoms_last() -> None:
    entries = [
        *series("tingling", {1: 2}),
        *series("redness", {2: 1, 0: 5}),
        *series("itching", {0: 3}),
        *series("aching", {1: 1}),
    ]
    personal = {"redness": PersonalCourse("redness", (4, 3))}
    found = summarise(SESSION, entries[::-1], EXPECT, START + dt.timedelta(days=6), personal)
    assert [s.symptom for s in found] == ["itching", "redness", "aching", "tingling"]
    redness = found[1]
    assert [e.day for e in redness.series] == [0, 2]
    assert redness.expected == EXPECT("laser-rejuvenation", "redness")
    assert (redness.as_of_day, redness.personal) == (6, personal["redness"])
    assert found[0].personal is None
    assert [s.as_of_day for s in summarise(SESSION, entries, EXPECT)] == [None] * 4


def test_a_view_of_only_some_symptoms_keeps_everything_else() -> None:
    entries = series("redness", {0: 8, 1: 2}) + series("itching", {0: 3}) + series("pain", {0: 1})
    flags = [
        Flag(1, symptom, "severe", "urgent", 0, 0, START, START, "m", "a")
        for symptom in ("redness", "pain")
    ]
    care = [CareRecord(1, 1, START, 0, "ice-pack")]
    profile = ProfileRecord("p", "II", True)
    as_of = START + dt.timedelta(days=3)
    view = SessionView(
        SESSION, as_of, entries, summarise(SESSION, entries, EXPECT), flags, care, profile
    )
    assert view.symptoms == ["itching", "redness", "pain"]
    only = view.only(["redness", "itching"])
    assert (only.session, only.as_of, only.care, only.profile) == (SESSION, as_of, care, profile)
    assert [e.symptom for e in only.entries] == ["redness", "redness", "itching"]
    assert only.symptoms == ["itching", "redness"]
    assert only.summaries == view.summaries[:2]
    assert only.flags == flags[:1]
    assert view.only([]).entries == []
