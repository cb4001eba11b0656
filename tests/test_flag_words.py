"""What a flag says, which days and dates it names, and in what order flags come.

The words are checked whole where a patient acts on them: the advice says what to do and
where to go, the message says which value on which day.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.courses import PersonalCourse
from tracker.domain.expectations import Expectations, Override, Window, Windows, shipped_table
from tracker.domain.flags import (
    CONTACT_NOW,
    EMERGENCY,
    IF_UNREACHABLE,
    RED_FLAG_REASONS,
    Flag,
    care_advice,
    episodes,
    evaluate_sessions,
    sort_flags,
    urgent_advice,
)
from tracker.domain.hints import Hint
from tracker.domain.records import SessionRecord, ValueRecord

START = dt.date(2026, 11, 1)
EXPECT = Expectations(shipped_table()).for_pair
ICE = (
    "An ice pack wrapped in a cloth (never ice on bare skin), a few minutes at a time, eases "
    "swelling and itching. Use any cream your doctor suggested."
)
MOISTURISER = (
    "A gentle moisturiser or petroleum jelly soothes the treated skin; do not pick or scrub. "
    "Use any cream your doctor suggested."
)
UNREACHABLE = (
    "If you cannot reach them, call your local urgent medical advice line (111 in England) or "
    "go to an urgent-care service today."
)
REBOUND_ADVICE = (
    "A symptom that comes back stronger can be a sign of infection. Contact your clinic soon, "
    "and now if there is pus, fever, spreading redness or growing pain."
)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def series(symptom: str, values: dict[int, int], session: int = 1) -> list[ValueRecord]:
    return [ValueRecord(session, day(d), d, symptom, v) for d, v in sorted(values.items())]


def judge(
    symptom: str,
    values: dict[int, int],
    as_of_day: int,
    kind: str = "laser-rejuvenation",
    expect=EXPECT,
    personal: dict[str, PersonalCourse] | None = None,
) -> list[Flag]:
    session = SessionRecord(1, START, kind)
    # Each rule's own words, before the flags of a symptom are put under one and aged.
    return episodes(session, series(symptom, values), expect, day(as_of_day), personal)


def one(rule: str, flags: list[Flag]) -> Flag:
    (found,) = [f for f in flags if f.rule == rule]
    return found


# --- advice ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symptom", "advice"),
    [
        *[(s, ICE) for s in ("swelling", "itching", "burning")],
        *[(s, MOISTURISER) for s in ("rash", "redness", "dryness", "peeling", "crusting")],
        *[(s, MOISTURISER) for s in ("pain", "oozing", "bruising", "breakouts")],
    ],
)
def test_self_care_advice_fits_the_symptom(symptom: str, advice: str) -> None:
    assert care_advice(symptom) == advice


def test_urgent_advice_says_contact_now_why_and_where_to_go_with_single_spaces() -> None:
    assert CONTACT_NOW == "Contact your skin specialist or clinic now."
    assert IF_UNREACHABLE == UNREACHABLE
    assert urgent_advice("itching") == f"{CONTACT_NOW} {UNREACHABLE}"
    assert urgent_advice("pus") == (
        f"{CONTACT_NOW} Pus or a bad smell can be a sign of infection and needs to be seen "
        f"quickly. {UNREACHABLE}"
    )
    assert urgent_advice("hives") == (
        f"{CONTACT_NOW} {RED_FLAG_REASONS['hives']} {UNREACHABLE} {EMERGENCY}"
    )


# --- severe ----------------------------------------------------------------------------


def test_an_unexpected_severe_value_is_urgent_in_these_words() -> None:
    flag = one("severe", judge("itching", {1: 7}, 1))
    assert (flag.level, flag.message) == (
        "urgent",
        "Itching is severe: 7/10 on day 1, far above its expected course.",
    )
    assert flag.advice == f"{CONTACT_NOW} {UNREACHABLE}"
    assert (flag.first_date, flag.last_date) == (day(1), day(1))


def test_an_expected_severe_phase_is_a_warning_in_these_words() -> None:
    flag = one("expected-strong", judge("swelling", {1: 8, 2: 9}, 2, kind="co2-ablative"))
    assert flag.level == "info"
    assert flag.message == (
        "Swelling 9/10 on day 2: expected after fully ablative CO2 laser resurfacing, in its "
        "strong stage; it should start to ease by day 4."
    )
    assert flag.advice == (
        "Contact your clinic if it is not easing by day 7, and now if it spreads, feels hot "
        f"or comes with a fever. {ICE}"
    )
    assert (flag.first_day, flag.last_day, flag.first_date, flag.last_date) == (
        1,
        2,
        day(1),
        day(2),
    )


def test_a_severe_stretch_that_eased_names_its_worst_day_not_its_last() -> None:
    flag = one("severe", judge("itching", {1: 7, 2: 9, 3: 8, 4: 3}, 5))
    assert flag.message == "Itching was severe on days 1-3, 9/10; down to 3/10 by day 4."
    assert (flag.first_date, flag.resolved_date) == (day(1), day(4))
    single = one("severe", judge("itching", {1: 8, 2: 2}, 5))
    assert single.message == "Itching was severe on day 1, 8/10; down to 2/10 by day 2."


def test_a_symptom_the_catalog_does_not_know_is_named_as_logged() -> None:
    flag = one("severe", judge("tingling", {1: 8}, 1, kind="microneedling"))
    assert flag.message == "tingling is severe: 8/10 on day 1, far above its expected course."


# --- red flags and pigment -------------------------------------------------------------


def test_a_red_flag_names_its_first_and_latest_value_then_its_worst_once_gone() -> None:
    flag = one("red-flag", judge("blistering", {3: 2, 4: 5, 5: 4}, 5))
    assert flag.message == "Blisters logged on day 3 (2/10), 4/10 on day 5."
    assert flag.advice == (
        f"{CONTACT_NOW} {RED_FLAG_REASONS['blistering']} {UNREACHABLE} "
        "Once it is gone, log it as 0."
    )
    assert flag.hint == Hint.log("blistering", 0)
    gone = one("red-flag", judge("blistering", {3: 2, 4: 5, 5: 4, 6: 0}, 8))
    assert gone.message == "Blisters logged on days 3-5, up to 5/10; logged 0/10 on day 6."
    assert (gone.first_date, gone.last_date, gone.resolved_date) == (day(3), day(5), day(6))


def test_darkening_in_its_early_window_is_expected_and_said_so() -> None:
    flag = one("pigment", judge("darkening", {2: 2, 3: 3}, 3))
    assert flag.level == "info"
    assert flag.message == (
        "Darker patches logged from day 2: some darkening in days 1-4 is an expected part of "
        "healing after laser skin rejuvenation, and usually flakes or fades."
    )
    assert flag.advice == (
        "Protect the area from the sun. If it is still there after day 4, raise it at your "
        "follow-up."
    )


@pytest.mark.parametrize(("last_day", "level"), [(10, "info"), (11, "warning")])
def test_an_onset_window_ending_on_day_10_still_counts_as_early(last_day: int, level: str) -> None:
    window = Window(1, last_day, "inferred", "a test figure")
    windows = {("laser-rejuvenation", "darkening"): Windows((window,), None)}
    expect = Expectations(shipped_table(), windows=windows).for_pair
    assert one("pigment", judge("darkening", {2: 2}, 2, expect=expect)).level == level


def test_a_pigment_change_outside_its_early_window_is_raised_for_the_follow_up() -> None:
    flag = one("pigment", judge("lightening", {20: 1, 22: 2}, 22))
    assert (flag.level, flag.message) == (
        "warning",
        "Lighter patches logged from day 20 (2/10 on day 22).",
    )
    assert flag.advice == (
        "Pigment changes are not urgent but should be checked: raise it at your follow-up, "
        "and protect the area from the sun."
    )
    gone = one("pigment", judge("lightening", {20: 1, 22: 2, 23: 0}, 25))
    assert (
        gone.message == "Lighter patches logged on days 20-22, up to 2/10; logged 0/10 on day 23."
    )


# --- persisting ------------------------------------------------------------------------

PERSIST_ADVICE = (
    f"Mention it to your clinic, or at your follow-up. {MOISTURISER} If it is spreading, "
    "getting worse or feels warm, contact your clinic now."
)
COURSE = "after laser skin rejuvenation, most people are gone by day 3; later than day 7 is unusual"


def test_persisting_logged_past_the_course_names_the_course_and_its_worst() -> None:
    flags = judge("redness", {6: 2, 8: 3, 9: 5, 10: 4, 11: 0}, 12)
    flag = one("persisting", flags)
    assert flag.message == (
        f"Redness lasted past its expected course ({COURSE}): up to 5/10 on days 8-10; "
        "logged 0 on day 11."
    )
    assert flag.advice == PERSIST_ADVICE
    assert (flag.first_day, flag.last_day, flag.first_date, flag.resolved_date) == (
        8,
        10,
        day(8),
        day(11),
    )


def test_persisting_still_there_says_so_and_asks_for_a_value_after_two_unlogged_days() -> None:
    base = f"Redness was still 3/10 on day 9, past its expected course ({COURSE})."
    ask = " It has not been logged since; if it is gone, log it as 0."
    fresh = one("persisting", judge("redness", {5: 2, 9: 3}, 10))
    assert (fresh.message, fresh.hint) == (base, None)
    flag = one("persisting", judge("redness", {5: 2, 9: 3}, 11))
    assert (flag.message, flag.hint) == (base + ask, Hint.log("redness", 0))
    assert (flag.first_day, flag.last_day, flag.advice) == (8, 11, PERSIST_ADVICE)


def test_a_value_on_the_last_day_of_the_course_is_carried_not_counted_past_it() -> None:
    flag = one("persisting", judge("redness", {7: 3}, 9))
    assert flag.message == (
        "Redness was 3/10 on day 7 and has not been logged since; it was expected gone by day "
        "7. If it is gone, log it as 0."
    )
    assert (flag.first_day, flag.last_day, flag.advice) == (8, 9, PERSIST_ADVICE)


def test_a_course_without_a_typical_day_is_said_without_one() -> None:
    # The patient's own setting, with no typical day.
    own = Expectations(shipped_table(), [Override("ipl", "redness", 6, None)]).for_pair
    mine = one("persisting", judge("redness", {2: 3, 8: 3}, 9, kind="ipl", expect=own))
    assert mine.message == (
        "Redness was still 3/10 on day 8, past its expected course (after intense pulsed light "
        "(IPL, photofacial), later than day 6 is unusual)."
    )
    # No source gives a figure: the day is the tracker's general default, and says so.
    flag = one("persisting", judge("tingling", {2: 3, 8: 3}, 9, kind="tattoo-removal"))
    assert flag.message == (
        "tingling was still 3/10 on day 8, past its expected course (no figure for it after "
        "tattoo-removal: judged by the general course, gone by day 7)."
    )
    assert flag.advice == (
        f"Mention it to your clinic, or at your follow-up. {MOISTURISER} If it is spreading, "
        "getting worse or feels warm, contact your clinic now."
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # back after a 0 past the course: a second episode
        ({3: 4, 9: 3, 10: 0, 12: 2}, [(8, 9, "resolved"), (12, 14, "active")]),
        # a 0 on the first day after the course, then back
        ({3: 4, 8: 0, 10: 3}, [(10, 14, "active")]),
        # 0s past the course before it comes back
        ({5: 0, 8: 0, 9: 0, 11: 3}, [(11, 14, "active")]),
    ],
)
def test_persisting_judges_every_value_past_the_course(
    values: dict[int, int], expected: list[tuple[int, int, str]]
) -> None:
    flags = [f for f in judge("redness", values, 14) if f.rule == "persisting"]
    assert sorted((f.first_day, f.last_day, f.state) for f in flags) == expected


# --- worsening -------------------------------------------------------------------------


def worsening(values: dict[int, int], as_of_day: int) -> list[Flag]:
    flags = judge("itching", values, as_of_day, kind="microneedling")
    return [f for f in flags if f.rule == "worsening"]


def test_a_rebound_in_its_words_while_it_lasts_and_once_it_eased() -> None:
    (flag,) = worsening({3: 1, 4: 4}, 4)
    assert flag.message == (
        "Itching rose to 4/10 on day 4, up from 1/10 in the days before: a rebound instead of "
        "fading."
    )
    assert flag.advice == REBOUND_ADVICE
    (still,) = worsening({3: 1, 4: 4, 5: 5}, 5)
    assert still.message == (
        "Itching rose to 4/10 on day 4, up from 1/10 in the days before: a rebound instead of "
        "fading. Still 5/10 on day 5."
    )
    (eased,) = worsening({3: 1, 4: 4, 5: 2}, 6)
    assert eased.message == "Itching rose to 4/10 on day 4, up from 1/10; back to 2/10 by day 5."
    assert (eased.advice, eased.resolved_date) == (REBOUND_ADVICE, day(5))


def test_a_rise_after_a_gap_is_measured_from_the_value_before_the_gap() -> None:
    (flag,) = worsening({0: 2, 1: 1, 8: 4}, 8)
    assert flag.message == (
        "Itching rose to 4/10 on day 8, up from 1/10 on day 1: a rebound instead of fading."
    )


def test_the_window_reaches_back_five_days_exactly() -> None:
    (flag,) = worsening({0: 0, 5: 2}, 5)
    assert "up from 0/10 in the days before" in flag.message


def test_the_low_is_the_lowest_of_every_value_in_the_window() -> None:
    assert [f.first_day for f in worsening({0: 5, 1: 5, 6: 1, 7: 2, 8: 3}, 8)] == [8]


@pytest.mark.parametrize("values", [{0: 0, 2: 4, 3: 4}, {0: 0, 2: 4, 3: 3}])
def test_a_plateau_after_an_early_rise_is_not_a_rebound(values: dict[int, int]) -> None:
    assert worsening(values, 3) == []


# --- missing ---------------------------------------------------------------------------


def test_missing_starts_the_day_after_the_last_value_and_says_how_long() -> None:
    flag = one("missing", judge("redness", {0: 3, 2: 4}, 5))
    assert flag.message == "Redness was 4/10 on day 2 and has not been logged for 3 days."
    assert flag.advice == "Log it again, even as 0 once it is gone."
    assert flag.hint == Hint.log("redness")
    assert (flag.first_day, flag.last_day, flag.first_date, flag.last_date) == (
        3,
        5,
        day(3),
        day(5),
    )


# --- slower than the patient's own earlier recoveries ----------------------------------

BEFORE = {"redness": PersonalCourse("redness", (7, 3))}  # the slowest of sessions 7 and 8


@pytest.mark.parametrize(
    ("values", "as_of_day", "days"),
    [
        ({1: 4, 4: 2}, 4, None),  # day 4: not two days past the slowest (day 3)
        ({1: 4, 4: 2}, 5, (5, 5)),
        ({1: 4, 4: 2}, 7, (5, 7)),  # the course's last day
        ({1: 4, 4: 2}, 8, None),  # past the course: persisting speaks instead
        ({1: 4, 4: 0}, 5, None),  # gone
        ({1: 4, 4: 1}, 5, (5, 5)),
        ({1: 0, 4: 2}, 5, (5, 5)),  # judged on the latest value only
        ({1: 4, 2: 0, 4: 2}, 5, (5, 5)),
    ],
)
def test_slower_than_usual_from_two_days_past_the_slowest_to_the_course_end(
    values: dict[int, int], as_of_day: int, days: tuple[int, int] | None
) -> None:
    found = [
        (f.first_day, f.last_day, f.level)
        for f in judge("redness", values, as_of_day, personal=BEFORE)
        if f.rule == "slower-than-usual"
    ]
    assert found == ([] if days is None else [(*days, "info")])


def test_slower_than_usual_in_these_words() -> None:
    flag = one("slower-than-usual", judge("redness", {1: 4, 4: 2}, 6, personal=BEFORE))
    assert flag.message == (
        "Redness: last time gone by day 3 (session 7); now day 6 at 2/10 (logged on day 4). "
        "Still inside its expected course (gone by day 7)."
    )
    assert flag.advice == (
        "Slower than your own earlier recoveries is not a warning sign on its own; mention it "
        "at your follow-up."
    )
    assert (flag.first_date, flag.last_date) == (day(5), day(6))


def test_no_earlier_recovery_means_no_comparison() -> None:
    # An earlier recovery of another symptom only: redness is not compared with it.
    other = {"itching": PersonalCourse("itching", (7, 1))}
    assert judge("redness", {1: 4, 4: 2}, 6, personal=other) == judge("redness", {1: 4, 4: 2}, 6)


def test_each_session_is_compared_with_the_earlier_ones_as_of_the_date() -> None:
    first = SessionRecord(1, START, "laser-rejuvenation")
    second = SessionRecord(2, day(5), "laser-rejuvenation")
    empty = SessionRecord(3, day(6), "microneedling")
    entries = {
        1: series("redness", {1: 3, 2: 0}, session=1),
        2: [ValueRecord(2, day(6), 1, "redness", 4), ValueRecord(2, day(9), 4, "redness", 2)],
    }
    judged = evaluate_sessions([first, second, empty], entries, EXPECT, day(10))
    assert set(judged) == {1, 2, 3}
    assert judged[1] == judged[3] == []
    (flag,) = judged[2]
    assert (flag.rule, flag.first_day, flag.last_day) == ("slower-than-usual", 4, 5)
    assert "last time gone by day 2 (session 1)" in flag.message
    # Back above 0 in the first session on the as-of date: not gone after all.
    entries[1] = series("redness", {1: 3, 2: 0, 12: 1}, session=1)
    again = evaluate_sessions([first, second], entries, EXPECT, day(12))
    assert [f.rule for f in again[2]] == ["missing"]


# --- order -----------------------------------------------------------------------------


def a_flag(level: str, first: int, last: int, resolved: dt.date | None = None) -> Flag:
    return Flag(
        1, f"s{first}", "persisting", level, first, last, day(first), day(last), "", "", resolved
    )


def test_active_before_resolved_urgent_first_then_the_longest() -> None:
    short_late = a_flag("warning", 8, 9)  # 1 day long, ends late
    long_early = a_flag("warning", 0, 4)  # 4 days long
    urgent = a_flag("urgent", 10, 10)
    resolved = a_flag("urgent", 0, 9, resolved=day(10))
    info = a_flag("info", 0, 20)
    assert sort_flags([resolved, info, short_late, long_early, urgent]) == [
        urgent,
        long_early,
        short_late,
        info,
        resolved,
    ]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["info", "warning", "urgent"]),
            st.integers(0, 9),
            st.integers(0, 9),
            st.booleans(),
        ),
        max_size=6,
    )
)
def test_sorting_puts_every_active_flag_before_every_resolved_one(
    plan: list[tuple[str, int, int, bool]],
) -> None:
    flags = [
        a_flag(level, min(a, b), max(a, b), day(20) if done else None) for level, a, b, done in plan
    ]
    states = [f.active for f in sort_flags(flags)]
    assert states == sorted(states, reverse=True)


def test_a_plural_symptom_not_logged_agrees_with_its_name() -> None:
    flag = one("missing", judge("breakouts", {0: 3, 2: 4}, 5, kind="co2-ablative"))
    assert flag.message.startswith("Breakouts or milia were 4/10 on day 2 ")


@pytest.mark.parametrize(
    ("symptom", "severity", "urgent"),
    [
        ("itching", 6, False),
        ("itching", 7, True),
        ("tingling", 7, True),
        ("tingling", 1, False),
        ("fever", 0, False),
        ("fever", 1, True),
        ("darkening", 3, False),  # pigment: raised at the follow-up, never urgent
    ],
)
def test_only_a_severe_value_or_a_red_flag_can_be_urgent(
    symptom: str, severity: int, urgent: bool
) -> None:
    from tracker.domain.severity import can_be_urgent

    assert can_be_urgent(symptom, severity) is urgent
