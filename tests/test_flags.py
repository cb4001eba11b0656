"""The flag engine, without a database or a clock."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.catalog import KINDS_BY_KEY, SYMPTOMS_BY_KEY
from tracker.domain.expectations import Expectations, Override, shipped_table
from tracker.domain.flags import Flag, active_only, evaluate, level_at_least, urgent_advice
from tracker.domain.hints import Hint
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.severity import SEVERE_FROM

START = dt.date(2026, 11, 1)
SESSION = SessionRecord(1, START, "laser-rejuvenation")
EXPECT = Expectations(shipped_table()).for_pair  # laser redness: max day 7, itching: max day 5


def series(symptom: str, values: dict[int, int], session: int = 1) -> list[ValueRecord]:
    return [
        ValueRecord(session, START + dt.timedelta(days=day), day, symptom, value)
        for day, value in sorted(values.items())
    ]


def rules(flags: list[Flag]) -> set[tuple[str, str]]:
    """Each flag's rule and the rules of the reasons under it (one flag per symptom)."""
    return {(f.symptom, rule) for f in flags for rule in (f.rule, *f.also)}


def judge(
    entries: list[ValueRecord], as_of_day: int = 30, kind: str = "laser-rejuvenation"
) -> list[Flag]:
    session = SessionRecord(1, START, kind)
    return evaluate(session, entries, EXPECT, START + dt.timedelta(days=as_of_day))


def active(entries: list[ValueRecord], as_of_day: int = 30, kind: str = "laser-rejuvenation"):
    return active_only(judge(entries, as_of_day, kind))


# --- 1. no false reassurance -------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "as_of_day", "expected"),
    [
        ({0: 5, 7: 1}, 7, False),  # the last expected day is still inside the course
        ({0: 5, 7: 1}, 8, True),  # not logged since, and the course has ended
        ({0: 5, 7: 1, 8: 1}, 8, True),
        ({0: 5, 8: 0}, 8, False),  # logged as gone the day after
        ({3: 4}, 7, False),
        ({3: 4}, 8, True),  # "redness 4/10 on day 3, then stops logging"
        ({3: 4}, 20, True),
    ],
)
def test_persisting_holds_until_a_0_whether_or_not_logged_after_the_course(
    values: dict[int, int], as_of_day: int, expected: bool
) -> None:
    found = active(series("redness", values), as_of_day)
    assert (("redness", "persisting") in rules(found)) is expected


def test_a_symptom_not_logged_since_its_course_ended_asks_for_a_value() -> None:
    (flag,) = active(series("redness", {3: 4}), as_of_day=8)
    assert flag.rule == "persisting"
    # Not heard of for 2 days: the alarm has aged into a question, its cause under it.
    assert flag.message == (
        "We have not heard about your redness since day 3 (4/10 then): log it now, or tell "
        "your clinic if you were seen."
    )
    assert flag.reasons == (
        "Redness was 4/10 on day 3 and has not been logged since; it was expected gone by "
        "day 7. If it is gone, log it as 0.",
    )
    assert (flag.first_day, flag.last_day, flag.level, flag.silent_since) == (8, 8, "warning", 3)
    assert flag.no_data_words == "no data since day 3"
    assert flag.hint == Hint.log("redness", 0)
    assert active(series("redness", {3: 4}), as_of_day=20)[0].last_day == 20


def test_persisting_logged_past_the_course_is_one_episode_then_resolved_by_a_0() -> None:
    found = judge(series("redness", {6: 3, 8: 3, 9: 0, 10: 2}), as_of_day=10)
    persisting = sorted((f for f in found if f.rule == "persisting"), key=lambda f: f.first_day)
    assert [(f.first_day, f.last_day, f.state) for f in persisting] == [
        (8, 8, "resolved"),  # logged 0 on day 9
        (10, 10, "active"),
    ]
    assert persisting[0].resolved_date == START + dt.timedelta(days=9)
    assert "later than day 7 is unusual" in persisting[1].message
    assert "past its expected course" in persisting[1].message


def test_a_0_logged_late_resolves_the_unlogged_stretch_and_keeps_it() -> None:
    (flag,) = judge(series("redness", {3: 4, 12: 0}), as_of_day=15)
    assert (flag.rule, flag.state, flag.first_day, flag.last_day) == (
        "persisting",
        "resolved",
        8,
        11,
    )
    assert "not logged again until day 12" in flag.message


# --- 2. flags describe now, and keep their history ---------------------------------------


def test_a_strong_day_0_redness_resolves_once_it_fades() -> None:
    entries = series("redness", {0: 8, 1: 8, 4: 2, 8: 0})
    (flag,) = judge(entries, as_of_day=12)
    assert (flag.rule, flag.level, flag.state) == ("severe", "urgent", "resolved")
    assert flag.resolved_date == START + dt.timedelta(days=4)
    assert flag.message == "Redness was severe on days 0-1, 8/10; down to 2/10 by day 4."
    assert active_only(judge(entries, as_of_day=12)) == []
    on_day_1 = active(entries, as_of_day=1)
    assert [(f.rule, f.level) for f in on_day_1] == [("severe", "urgent")]


def test_blistering_logged_1_then_0_is_urgent_then_resolved() -> None:
    entries = series("blistering", {3: 1, 4: 0})
    (on_day_3,) = judge(entries, as_of_day=3)
    assert (on_day_3.rule, on_day_3.level, on_day_3.state) == ("red-flag", "urgent", "active")
    (later,) = judge(entries, as_of_day=20)
    assert (later.state, later.resolved_date) == ("resolved", START + dt.timedelta(days=4))
    assert active_only([later]) == []


@pytest.mark.parametrize("symptom", ["blistering", "pus", "fever", "cold-sores", "hives"])
def test_red_flags_above_0_are_urgent_and_say_where_to_go_without_the_clinic(
    symptom: str,
) -> None:
    assert judge(series(symptom, {2: 0})) == []
    flag = next(f for f in judge(series(symptom, {2: 0, 3: 1})) if f.rule == "red-flag")
    assert (flag.level, flag.first_day, flag.state) == ("urgent", 3, "active")
    assert "Contact your skin specialist or clinic now" in flag.advice
    assert "If you cannot reach them" in flag.advice
    assert "urgent-care" in flag.advice
    assert flag.advice.endswith(" Once it is gone, log it as 0.")
    assert flag.hint == Hint.log(symptom, 0)
    gone = next(f for f in judge(series(symptom, {3: 1, 4: 0}), 4) if f.rule == "red-flag")
    assert (gone.state, gone.hint) == ("resolved", None)


def test_hives_is_its_own_symptom_with_emergency_advice() -> None:
    assert SYMPTOMS_BY_KEY["hives"].group == "red-flag"
    assert "hives" not in SYMPTOMS_BY_KEY["rash"].aliases
    (flag,) = judge(series("hives", {1: 2}))
    assert "allergic reaction" in flag.advice
    assert "emergency number" in flag.advice
    assert "lips, tongue or eyes swell" in flag.advice
    assert "trouble breathing" in flag.advice


def test_severe_urgent_advice_says_what_to_do_without_the_clinic() -> None:
    (flag,) = active(series("itching", {1: 7}), as_of_day=1)
    assert (flag.rule, flag.level) == ("severe", "urgent")
    assert "now" in flag.advice and "If you cannot reach them" in flag.advice


@pytest.mark.parametrize(("value", "expected"), [(6, False), (7, True), (10, True)])
def test_severe_from_7(value: int, expected: bool) -> None:
    found = [f for f in judge(series("itching", {1: value}), as_of_day=1) if f.rule == "severe"]
    assert bool(found) is expected


@pytest.mark.parametrize("symptom", ["darkening", "lightening"])
def test_pigment_changes_are_raised_for_the_follow_up(symptom: str) -> None:
    assert judge(series(symptom, {20: 0})) == []
    flag = next(f for f in judge(series(symptom, {20: 1})) if f.rule == "pigment")
    assert flag.level == "warning"
    assert "follow-up" in flag.advice


def test_expected_early_darkening_is_information_only() -> None:
    (flag,) = judge(series("darkening", {2: 2}), as_of_day=2, kind="nonablative-fractional")
    assert (flag.rule, flag.level) == ("pigment", "info")
    (later,) = judge(series("darkening", {2: 2, 8: 2}), as_of_day=8, kind="nonablative-fractional")
    assert later.level == "warning"


@pytest.mark.parametrize(
    ("values", "as_of_day", "expected"),
    [
        ({1: 3}, 2, False),  # 1 day without a log
        ({1: 3}, 3, True),  # 2 days
        ({1: 0}, 3, False),  # last value was 0
        ({1: 3}, 5, True),  # still inside the course on day 5 (itching: max 5)
        ({1: 3}, 6, False),  # past the course: persisting asks for the value instead
    ],
)
def test_missing_boundaries(values: dict[int, int], as_of_day: int, expected: bool) -> None:
    found = [f for f in judge(series("itching", values), as_of_day) if f.rule == "missing"]
    assert bool(found) is expected
    if found:
        assert found[0].level == "info"
        assert found[0].last_date == START + dt.timedelta(days=as_of_day)


# --- 3. expectations that fit the treatment --------------------------------------------


def test_expected_late_peeling_after_laser_is_not_worsening() -> None:
    assert active(series("peeling", {0: 0, 1: 0, 2: 1, 3: 1, 4: 3}), as_of_day=4) == []


def test_oozing_from_day_3_after_a_medium_peel_is_not_worsening() -> None:
    entries = series("oozing", {0: 0, 1: 0, 2: 0, 3: 3, 4: 4})
    assert active(entries, as_of_day=4, kind="peel-medium") == []


@pytest.mark.parametrize(
    ("symptom", "until", "latest"), [("swelling", 3, 7), ("pain", 2, 4), ("redness", 14, 21)]
)
def test_expected_strong_days_after_co2_are_expected_then_must_ease(
    symptom: str, until: int, latest: int
) -> None:
    (flag,) = active(series(symptom, {1: 8}), as_of_day=1, kind="co2-ablative")
    assert (flag.rule, flag.level) == ("expected-strong", "info")
    assert f"should start to ease by day {until + 1}" in flag.message
    assert f"not easing by day {latest}" in flag.advice
    # After the strong stage: easing is no alarm, not easing a warning, urgent after the latest.
    eased = {1: 9, until + 1: 8}
    assert active(series(symptom, eased), as_of_day=until + 1, kind="co2-ablative") == []
    flat = active(series(symptom, {1: 8, until + 1: 8}), until + 1, kind="co2-ablative")
    assert [(f.rule, f.level) for f in flat] == [("not-easing", "warning")]
    late = active(series(symptom, {1: 9, latest + 1: 8}), latest + 1, kind="co2-ablative")
    assert [(f.rule, f.level) for f in late] == [("severe", "urgent")]
    assert f"past day {latest}" in late[0].message


def test_a_deep_peel_borrows_a_medium_peel_course_not_laser_rejuvenation() -> None:
    itching = EXPECT("peel-deep", "itching")
    assert (itching.max_days, itching.from_kind) == (14, "peel-medium")
    assert active(series("itching", {0: 3, 6: 2}), as_of_day=6, kind="peel-deep") == []


# --- 4. worsening on sparse logs --------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({0: 1, 1: 0, 2: 2}, False),  # day 2: before day 3, not judged
        ({0: 1, 1: 0, 3: 2}, True),  # day 3, 2 above the low of day 1
        ({0: 0, 3: 1}, False),  # a rise of 1 is not meaningful
        ({0: 2, 4: 5}, True),  # sparse: day 0 is within the 5 days before day 4
        ({0: 2, 6: 5}, True),  # nothing in the 5 days before: the previous value counts
        ({0: 5, 6: 6}, False),
        ({3: 4, 4: 5, 5: 5, 6: 5}, False),  # never 2 above the lowest of the days before
        ({3: 4, 4: 5, 5: 6}, True),  # day 5: 2 above the 4 of day 3
    ],
)
def test_worsening_boundaries(values: dict[int, int], expected: bool) -> None:
    found = judge(series("itching", values), as_of_day=6, kind="microneedling")
    assert (("itching", "worsening") in rules(found)) is expected


def test_worsening_is_active_while_still_2_above_its_low() -> None:
    entries = series("itching", {0: 2, 4: 5, 5: 4, 6: 3})
    flags = [f for f in judge(entries, as_of_day=6, kind="microneedling") if f.rule == "worsening"]
    assert [(f.first_day, f.last_day, f.state) for f in flags] == [(4, 5, "resolved")]
    assert flags[0].resolved_date == START + dt.timedelta(days=6)


# --- JSON shape ---------------------------------------------------------------------------


def test_every_flag_carries_its_fields_and_urgent_comes_first() -> None:
    flags = active(series("redness", {0: 8, 9: 2}) + series("fever", {2: 1}))
    assert flags[0].level == "urgent"
    assert flags[-1].level == "warning"
    assert flags[0].to_json() == {
        "session_id": 1,
        "symptom": "fever",
        "kind": "red-flag",
        "level": "urgent",
        "state": "active",
        "first_day": 2,
        "last_day": 2,
        "first_date": "2026-11-03",
        "last_date": "2026-11-03",
        "resolved_date": None,
        "message": (
            "We have not heard about your fever since day 2 (1/10 then): log it now, or tell "
            "your clinic if you were seen."
        ),
        "advice": flags[0].advice,
        "hint": {"action": "log", "symptom": "fever", "value": 0},
        "reasons": ["Fever logged on day 2 (1/10)."],
        "also": [],
        "silent_since": 2,
        "facts": {
            "rule": "red-flag",
            "symptom": "fever",
            "days": [2, 2],
            "values": [[2, 1]],
            "also": [],
            "silent_since": 2,
            "said": {
                "case": "aged",
                "advice": "aged-urgent",
                "figures": {"day": 2, "value": 1, "before": urgent_advice("fever") + GONE_AS_0},
            },
        },
    }
    assert "If it is as strong as then: Contact your skin specialist" in flags[0].advice
    assert level_at_least(flags, "urgent")
    assert not level_at_least([f for f in flags if f.level == "warning"], "urgent")
    resolved = judge(series("redness", {0: 8, 1: 2}), as_of_day=2)[0].to_json()
    assert (resolved["state"], resolved["resolved_date"]) == ("resolved", "2026-11-02")
    assert not level_at_least(judge(series("redness", {0: 8, 1: 2}), as_of_day=2), "info")


def test_an_override_changes_the_outcome() -> None:
    entries = series("redness", {0: 5, 10: 2})
    longer = Expectations(shipped_table(), [Override("laser-rejuvenation", "redness", 14)])
    assert ("redness", "persisting") in rules(judge(entries))
    flags = evaluate(SESSION, entries, longer.for_pair, START + dt.timedelta(days=12))
    assert ("redness", "persisting") not in rules(flags)


def test_sensitive_skin_stretches_redness_and_itching() -> None:
    sensitive = Expectations(shipped_table(), skin=ProfileRecord("a", "II", True)).for_pair
    redness = sensitive("laser-rejuvenation", "redness")
    assert (redness.max_days, redness.typical_days) == (11, 5)  # 7 and 3, x1.5 rounded up
    assert redness.adjusted and "sensitive skin" in redness.adjusted[0]
    assert sensitive("laser-rejuvenation", "swelling").max_days == 5
    entries = series("redness", {0: 4, 9: 2})
    assert ("redness", "persisting") in rules(judge(entries, as_of_day=9))
    flags = evaluate(SESSION, entries, sensitive, START + dt.timedelta(days=9))
    assert ("redness", "persisting") not in rules(flags)


# --- properties -------------------------------------------------------------------------

KINDS = st.sampled_from(sorted(KINDS_BY_KEY))
COMMON = st.sampled_from(["itching", "swelling", "redness", "rash", "pain", "peeling", "oozing"])
ANY = st.sampled_from(sorted(SYMPTOMS_BY_KEY))
SKINS = st.builds(
    ProfileRecord, st.just("p"), st.sampled_from([None, "I", "III", "V"]), st.booleans()
)


def expect_for(skin: ProfileRecord):
    return Expectations(shipped_table(), skin=skin).for_pair


@given(
    KINDS,
    SKINS,
    st.dictionaries(ANY, st.dictionaries(st.integers(0, 40), st.integers(0, 10)), max_size=4),
    st.integers(0, 60),
)
def test_no_false_reassurance(
    kind: str, skin: ProfileRecord, logs: dict[str, dict[int, int]], as_of_day: int
) -> None:
    """A symptom last seen above 0 whose course has ended always holds an active flag."""
    expectation = expect_for(skin)
    entries = [e for symptom, values in logs.items() for e in series(symptom, values)]
    session = SessionRecord(1, START, kind)
    flags = active_only(evaluate(session, entries, expectation, START + dt.timedelta(as_of_day)))
    for symptom, values in logs.items():
        seen = {day: v for day, v in values.items() if day <= as_of_day}
        if not seen or seen[max(seen)] == 0:
            continue
        expected = expectation(kind, symptom)
        if not expected.has_course:  # red flag or pigment: flagged while above 0
            assert any(f.symptom == symptom for f in flags), symptom
        elif as_of_day > expected.max_days:
            assert any(f.symptom == symptom and f.level != "info" for f in flags), symptom


@given(
    KINDS,
    SKINS,
    st.dictionaries(ANY, st.dictionaries(st.integers(0, 40), st.integers(0, 10)), max_size=4),
    st.integers(0, 60),
)
def test_no_stale_alarm(
    kind: str, skin: ProfileRecord, logs: dict[str, dict[int, int]], as_of_day: int
) -> None:
    """An urgent flag is active if and only if its condition holds on the latest value."""
    expectation = expect_for(skin)
    entries = [e for symptom, values in logs.items() for e in series(symptom, values)]
    session = SessionRecord(1, START, kind)
    found = evaluate(session, entries, expectation, START + dt.timedelta(as_of_day))
    for symptom, values in logs.items():
        seen = {day: v for day, v in values.items() if day <= as_of_day}
        urgent = [f for f in found if f.symptom == symptom and f.active and f.level == "urgent"]
        if not seen:
            assert not urgent
            continue
        day = max(seen)
        expected = expectation(kind, symptom)
        heard = as_of_day - day < 2  # an alarm not heard of for 2 days ages into a question
        if expected.group == "red-flag":
            holds = seen[day] > 0  # red flags stay urgent, aged or not
        elif expected.group == "pigment":
            holds = False
        else:
            latest = expected.latest_strong
            holds = seen[day] >= SEVERE_FROM and heard and (latest is None or day > latest)
        assert bool(urgent) is holds, (symptom, seen, urgent)


@st.composite
def fading_series(draw: st.DrawFn) -> tuple[str, str, list[ValueRecord]]:
    """A series that never rises outside its onset windows and is 0 by its expected end."""
    kind = draw(KINDS)
    symptom = draw(COMMON)
    expected = EXPECT(kind, symptom)
    # From the session day on (a first value later is a late onset), inside the envelope.
    days = sorted({0} | draw(st.sets(st.integers(0, 40), max_size=25)))
    value = draw(st.integers(0, min(6, expected.ceiling(0))))  # below the severe band
    values: dict[int, int] = {}
    for day in days:
        top = min(6, expected.ceiling(day))
        if day >= expected.max_days:
            value = 0
        elif expected.onset_at(day) is not None:
            value = draw(st.integers(min(value, top), top))
        else:
            value = min(top, max(0, value - draw(st.integers(0, 2))))
        values[day] = value
    values.setdefault(expected.max_days, 0)
    return kind, symptom, series(symptom, values)


@given(fading_series(), st.integers(0, 60))
def test_a_fading_series_raises_no_warning(
    case: tuple[str, str, list[ValueRecord]], day: int
) -> None:
    kind, _, entries = case
    found = judge(entries, day, kind)
    assert not [f for f in found if f.level != "info"], found


@given(
    KINDS,
    st.dictionaries(ANY, st.dictionaries(st.integers(0, 30), st.integers(0, 10)), max_size=3),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_moving_the_as_of_date_never_removes_a_flag_about_earlier_days(
    kind: str, logs: dict[str, dict[int, int]], first: int, later: int
) -> None:
    entries = [entry for symptom, values in logs.items() for entry in series(symptom, values)]
    before = judge(entries, min(first, later), kind)
    after = judge(entries, max(first, later), kind)
    for flag in before:
        if flag.level == "info":
            continue  # about the as-of day itself (missing, slower than usual, early pigment)
        # The same episode, or its rule as a reason under the symptom's one flag.
        assert any(
            (f.key == flag.key and f.last_day >= flag.last_day)
            or (f.active and f.symptom == flag.symptom and flag.rule in f.also)
            for f in after
        ), flag


@given(
    st.lists(
        st.tuples(
            st.integers(0, 60),  # session start, days after 2026-01-01
            st.sampled_from(["ipl", "laser-rejuvenation"]),
            st.lists(
                st.tuples(
                    st.integers(0, 12), st.sampled_from(["itching", "redness"]), st.integers(0, 10)
                ),
                max_size=12,
            ),
        ),
        max_size=8,
    )
)
def test_personal_courses_of_each_session_match_one_at_a_time(
    plan: list[tuple[int, str, list[tuple[int, str, int]]]],
) -> None:
    from tracker.domain.courses import personal_courses, personal_courses_of_each

    start = dt.date(2026, 1, 1)
    history = []
    for number, (offset, kind, values) in enumerate(plan, start=1):
        record = SessionRecord(number, start + dt.timedelta(days=offset), kind)
        by_key = {(day, symptom): value for day, symptom, value in values}
        entries = [
            ValueRecord(number, record.date + dt.timedelta(days=day), day, symptom, value)
            for (day, symptom), value in sorted(by_key.items())
        ]
        history.append((record, entries))
    expected = {record.id: personal_courses(record, history) for record, _ in history}
    assert personal_courses_of_each(history) == expected


def test_a_plural_name_takes_plural_words() -> None:
    # "Breakouts or milia is severe" read wrong in a report handed to a doctor.
    severe = judge(series("breakouts", {2: 8}), as_of_day=2)
    assert [f.message for f in severe if f.rule == "severe"] == [
        "Breakouts or milia are severe: 8/10 on day 2, far above their expected course."
    ]
    ended = judge(series("breakouts", {2: 8, 3: 5}), as_of_day=3)
    assert [f.message for f in ended if f.rule == "severe"] == [
        "Breakouts or milia were severe on day 2, 8/10; down to 5/10 by day 3."
    ]
    lasting = judge(series("breakouts", {2: 4, 10: 3}), as_of_day=10)
    assert [f.message.split(",")[0] for f in lasting if f.rule == "persisting"] == [
        "Breakouts or milia were still 3/10 on day 10"
    ]
    assert "past their expected course" in next(
        f.message for f in lasting if f.rule == "persisting"
    )
    # A singular name keeps its words.
    assert judge(series("redness", {2: 8}), as_of_day=2)[0].message.startswith("Redness is severe")


GONE_AS_0 = " Once it is gone, log it as 0."


def test_a_flag_carries_its_facts_before_any_wording() -> None:
    (flag,) = active(series("swelling", {1: 9, 4: 9}), as_of_day=4, kind="co2-ablative")
    assert flag.facts() == {
        "rule": "not-easing",
        "symptom": "swelling",
        "days": [4, 4],
        "values": [[4, 9]],
        "also": [],
        "silent_since": None,
        # Which sentence says it, and the figures it names (tracker.domain.flag_words).
        "said": {
            "case": "not-easing",
            "advice": "not-easing",
            "figures": {"ease_by": 3, "latest": 7, "now": "9/10 on day 4"},
        },
    }
    # A value carried past its course, not logged again: the fact is the last value logged.
    (carried,) = active(series("redness", {3: 4}), as_of_day=8)
    assert carried.facts()["values"] == [[3, 4]]


def test_pigment_after_the_follow_up_has_passed_goes_to_the_clinic() -> None:
    entries = series("darkening", {28: 2})
    session = SessionRecord(1, START, "co2-ablative", follow_up=START + dt.timedelta(days=21))
    (flag,) = active_only(evaluate(session, entries, EXPECT, START + dt.timedelta(days=28)))
    assert "your follow-up was on 2026-11-22, so tell your clinic" in flag.advice
    before = SessionRecord(1, START, "co2-ablative", follow_up=START + dt.timedelta(days=35))
    (flag,) = active_only(evaluate(before, entries, EXPECT, START + dt.timedelta(days=28)))
    assert "raise it at your follow-up" in flag.advice
