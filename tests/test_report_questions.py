"""The report's questions for the visit: one per symptom, about it as it is now."""

from __future__ import annotations

import datetime as dt

from tracker.domain.flags import Flag
from tracker.drawing.report import questions

DAY0 = dt.date(2026, 8, 27)
USUAL = [
    "When can I have my next session, and should the settings or aftercare change?",
    "Which moisturiser, creams and sun protection should I use from now on?",
]


def _flag(symptom: str, rule: str, first: int, last: int, ended: int | None = None) -> Flag:
    level = {"severe": "urgent", "red-flag": "urgent"}.get(rule, "warning")
    resolved = None if ended is None else DAY0 + dt.timedelta(days=ended)
    return Flag(
        1,
        symptom,
        rule,
        level,
        first,
        last,
        DAY0 + dt.timedelta(days=first),
        DAY0 + dt.timedelta(days=last),
        "message",
        "advice",
        resolved,
    )


def test_a_symptom_still_severe_is_asked_about_now_once() -> None:
    asked = questions(
        [
            _flag("breakouts", "severe", 0, 90),
            _flag("breakouts", "persisting", 8, 90),
            _flag("redness", "severe", 0, 33, ended=34),
        ]
    )
    assert asked == [
        "My breakouts or milia have been severe since day 0 and were still severe on day 90. "
        "What should I do about it now?",
        "My redness was severe on days 0-33. What should I do if that happens again?",
        *USUAL,
    ]


def test_an_open_flag_is_asked_before_an_ended_one_of_the_same_symptom() -> None:
    asked = questions(
        [_flag("itching", "severe", 0, 15, ended=16), _flag("itching", "persisting", 15, 53)]
    )
    assert asked[0] == (
        "My itching was still there on day 53, later than expected. Is that normal for my "
        "skin, and what should I do about it?"
    )
    assert len(asked) == 1 + len(USUAL)


def test_an_ended_course_asks_about_next_time_and_a_red_flag_comes_first() -> None:
    asked = questions(
        [
            _flag("swelling", "persisting", 22, 80, ended=81),
            _flag("blistering", "severe", 2, 3, ended=4),
            _flag("blistering", "red-flag", 2, 3, ended=4),
        ]
    )
    assert asked == [
        "My swelling lasted until day 80, longer than expected. Is that normal for my skin, "
        "and should the aftercare change next time?",
        "I had blisters from day 2. Does it need treatment?",
        *USUAL,
    ]


def test_no_flags_asks_only_the_usual_questions() -> None:
    assert questions([]) == USUAL
