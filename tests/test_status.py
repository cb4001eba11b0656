"""The one-screen status of a session, from plain records, as of a date passed in."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain.courses import Forecast, PersonalCourse
from tracker.domain.expectations import Expectation, Expectations, shipped_table
from tracker.domain.flags import Flag
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.status import SymptomStatus, build_status

START = dt.date(2026, 11, 1)
SESSION = SessionRecord(1, START, "laser-rejuvenation")
EXPECT = Expectations(shipped_table()).for_pair  # laser: redness gone by day 7, swelling 5, pain 4
# How a line names laser redness's course (issue 22: one plain wording, Status, report, chart).
R = "(most people gone by day 3; flagged after day 7)"


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def series(symptom: str, values: dict[int, int], session: int = 1) -> list[ValueRecord]:
    return [ValueRecord(session, day(d), d, symptom, v) for d, v in sorted(values.items())]


def status_of(symptom: str, value: int, logged_day: int, as_of_day: int, flagged: bool = False):
    latest = ValueRecord(1, day(logged_day), logged_day, symptom, value)
    return SymptomStatus(latest, EXPECT("laser-rejuvenation", symptom), as_of_day, flagged)


@pytest.mark.parametrize(
    ("symptom", "value", "logged_day", "as_of_day", "flagged", "verdict"),
    [
        ("redness", 0, 9, 9, True, "gone"),
        ("fever", 0, 2, 9, False, "gone"),
        ("fever", 1, 2, 2, False, "a warning sign: contact your clinic now"),
        ("darkening", 1, 2, 2, False, "raise it at your follow-up"),
        ("redness", 2, 8, 8, False, "past its expected course"),
        ("redness", 2, 7, 8, False, "past its expected course"),
        ("redness", 2, 6, 8, False, "past its expected course, and not logged since"),
        ("redness", 2, 7, 7, False, "within its expected course"),  # the last expected day
        ("redness", 2, 3, 4, True, "inside its expected time, but flagged (see below)"),
        ("redness", 2, 2, 4, True, "inside its expected time, but flagged (see below)"),
        ("redness", 2, 2, 4, False, "not logged since; inside its expected time"),
        ("redness", 2, 3, 4, False, "within its expected course"),
    ],
)
def test_a_verdict_for_each_case(
    symptom: str, value: int, logged_day: int, as_of_day: int, flagged: bool, verdict: str
) -> None:
    assert status_of(symptom, value, logged_day, as_of_day, flagged).verdict == verdict


def test_past_its_course_only_with_a_course_and_a_value_above_0() -> None:
    assert status_of("redness", 1, 8, 8).past_course
    assert not status_of("redness", 0, 8, 8).past_course
    assert not status_of("redness", 1, 7, 7).past_course
    assert not status_of("fever", 1, 8, 8).past_course  # a red flag has no course
    assert status_of("redness", 1, 3, 8).unlogged_for == 5


def test_a_line_says_value_day_course_verdict_own_course_and_forecast() -> None:
    latest = ValueRecord(1, day(6), 6, "redness", 3)
    personal = PersonalCourse("redness", (7, 3))
    expected = EXPECT("laser-rejuvenation", "redness")
    plain = SymptomStatus(latest, expected, 6)
    assert plain.describe() == f"redness 3/10, day 6 {R}: within its expected course"
    full = SymptomStatus(latest, expected, 7, personal=personal, forecast=Forecast(6, 3, 9))
    assert full.describe() == (
        f"redness 3/10, day 6 {R}: within its expected course; last time "
        "gone by day 3 (session 7); now day 7 at 3/10; at this pace, gone around day 9"
    )
    faint = SymptomStatus(latest._replace(severity=1), expected, 7, personal=personal)
    assert faint.describe().endswith("; last time gone by day 3 (session 7); now day 7 at 1/10")
    gone = SymptomStatus(latest._replace(severity=0), expected, 7, personal=personal)
    assert gone.describe() == f"redness 0/10, day 6 {R}: gone"
    fever = SymptomStatus(latest._replace(symptom="fever", severity=2), EXPECT("ipl", "fever"), 6)
    assert fever.describe() == "fever 2/10, day 6: a warning sign: contact your clinic now"


ENTRIES = [
    *series("redness", {0: 5, 3: 4, 9: 3}),
    *series("itching", {0: 3, 1: 2, 3: 0}),
    *series("swelling", {0: 2, 4: 2}),
    *series("fever", {9: 1}),
    *series("pain", {2: 2, 10: 6}),  # day 10 is after the as-of date
    *series("redness", {9: 0}, session=2),  # another session's entries
    *series("itching", {5: 7}, session=2),
]


def test_status_reads_this_sessions_entries_up_to_the_as_of_date() -> None:
    earlier = [Flag(9, "pain", "persisting", "warning", 8, 9, day(8), day(9), "m", "a")]
    status = build_status(SESSION, ENTRIES[::-1], EXPECT, day(9), earlier=earlier)
    assert (status.session, status.as_of, status.day) == (SESSION, day(9), 9)
    assert [s.describe() for s in status.symptoms] == [
        "pain 2/10, day 2 (most people gone by day 2; flagged after day 4): past its expected "
        "course, and not logged since",
        # 5, 4, 3 over 9 days: at that pace gone around day 23, beyond a forecast's reach.
        f"redness 3/10, day 9 {R}: past its expected course",
        "swelling 2/10, day 4 (most people gone by day 3; flagged after day 5): past its "
        "expected course, and not logged since",
        "fever 1/10, day 9: a warning sign: contact your clinic now",
        "itching 0/10, day 3 (most people gone by day 3; flagged after day 5): gone",
    ]
    assert [s.flagged for s in status.symptoms] == [True, True, True, True, False]
    assert [(f.symptom, f.rule, f.active) for f in status.flags] == [
        ("fever", "red-flag", True),
        ("pain", "persisting", True),
        ("swelling", "persisting", True),
        ("redness", "persisting", True),
    ]
    assert status.unlogged == [day(5), day(6), day(7), day(8)]
    assert (status.earlier, status.watches) == (earlier, [])


def test_today_not_logged_is_listed_and_a_date_before_the_session_lists_nothing() -> None:
    status = build_status(SESSION, ENTRIES, EXPECT, day(8))
    assert status.unlogged == [day(5), day(6), day(7), day(8)]
    assert [s.latest.day for s in status.symptoms if s.latest.symptom == "redness"] == [3]
    assert build_status(SESSION, ENTRIES, EXPECT, day(-1)).unlogged == []
    # On the treatment day nothing is missed yet, but a check-in is still asked for.
    treatment_day = build_status(SESSION, [], EXPECT, day(0))
    assert (treatment_day.unlogged, treatment_day.checkin_due) == ([], True)


def test_the_treatment_day_left_empty_is_not_a_day_missed() -> None:
    # Logging is asked for every day after the session (day 1 on): day 0 may be logged (it
    # counts), but a patient who starts on day 1 has missed nothing.
    from_day_1 = series("redness", {1: 5, 2: 4, 4: 3})
    status = build_status(SESSION, from_day_1, EXPECT, day(5))
    assert status.unlogged == [day(3), day(5)]
    assert status.checkin_due
    logged_today = build_status(SESSION, from_day_1, EXPECT, day(4))
    assert (logged_today.unlogged, logged_today.checkin_due) == ([day(3)], False)
    assert not build_status(SESSION, from_day_1, EXPECT, day(-1)).checkin_due


def test_an_info_flag_alone_does_not_mark_a_symptom_flagged() -> None:
    status = build_status(SESSION, series("redness", {0: 3, 1: 3}), EXPECT, day(4))
    assert [f.rule for f in status.flags] == ["missing"]
    (redness,) = status.symptoms
    assert (redness.flagged, redness.verdict) == (
        False,
        "not logged since; inside its expected time",
    )


def test_the_own_course_and_the_forecast_reach_each_symptom() -> None:
    personal = {"redness": PersonalCourse("redness", (7, 2))}
    entries = series("redness", {0: 6, 1: 4, 2: 2}) + series("itching", {0: 2})
    status = build_status(SESSION, entries, EXPECT, day(2), personal)
    by_symptom = {s.latest.symptom: s for s in status.symptoms}
    assert by_symptom["redness"].personal == personal["redness"]
    assert by_symptom["redness"].forecast == Forecast(2, 2, 3)
    assert (by_symptom["itching"].personal, by_symptom["itching"].forecast) == (None, None)
    assert [s.latest.symptom for s in status.symptoms] == ["itching", "redness"]
    later = build_status(SESSION, entries, EXPECT, day(5), personal)
    # One flag for the symptom; "not logged for 2 days" adds nothing to a flag of its own.
    assert [(f.symptom, f.rule, f.also) for f in later.flags if f.symptom == "redness"] == [
        ("redness", "slower-than-usual", ()),
    ]


@pytest.mark.parametrize(
    ("as_of_day", "watched"), [(13, False), (14, True), (56, True), (57, False)]
)
def test_darker_skin_is_asked_to_watch_for_darker_patches_in_weeks_2_to_8(
    as_of_day: int, watched: bool
) -> None:
    expect = Expectations(shipped_table(), skin=ProfileRecord("p", "V", False)).for_pair
    status = build_status(SESSION, [], expect, day(as_of_day))
    assert [symptom for symptom, _ in status.watches] == (["darkening"] if watched else [])
    if watched:
        assert status.watches[0][1] == expect("laser-rejuvenation", "darkening")
    light = build_status(SESSION, [], EXPECT, day(as_of_day))
    assert light.watches == []


def test_a_custom_course_is_used_as_given() -> None:
    course = Expectation(
        "laser-rejuvenation", "redness", None, 2, "custom", "mine", overridden=True
    )
    status = build_status(SESSION, series("redness", {3: 1}), lambda k, s: course, day(3))
    (redness,) = status.symptoms
    assert redness.expected is course and redness.past_course


def test_a_forecast_whose_day_has_passed_is_not_shown() -> None:
    entries = series("redness", {0: 6, 1: 4, 2: 2})
    assert build_status(SESSION, entries, EXPECT, day(3)).symptoms[0].forecast == Forecast(2, 2, 3)
    # Day 3 passed without a value: "gone around day 3" would be a date in the past.
    assert build_status(SESSION, entries, EXPECT, day(4)).symptoms[0].forecast is None
