"""The wording step apart from detection (issue 22): every flag's words come from its facts
through the catalogue of tracker.domain.flag_words, and nothing else writes them.

scripts/scenario_words.py prints every word the flags say in every scenario; the move of
the sentences out of the rules left it byte for byte the same (see the commit).
"""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest

from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flag_words import ADVICE, FRAGMENTS, MESSAGES, say
from tracker.domain.flags import episodes, evaluate
from tracker.domain.records import SessionRecord, ValueRecord
from tracker.domain.temperature import TemperatureRecord

START = dt.date(2026, 11, 1)
EXPECT = Expectations(shipped_table()).for_pair


def _values(symptom: str, days: dict[int, int]) -> list[ValueRecord]:
    return [ValueRecord(1, START + dt.timedelta(days=d), d, symptom, v) for d, v in days.items()]


TIMELINES = [
    ("co2-ablative", _values("swelling", {2: 9, 4: 8, 9: 8})),
    ("peel-superficial", _values("redness", {1: 2, 5: 3, 12: 3})),
    ("ipl", _values("blistering", {3: 2})),
    ("laser-rejuvenation", _values("redness", {4: 1, 5: 4})),
    ("co2-ablative", _values("darkening", {30: 3})),
    ("peel-superficial", _values("pain", {1: 5})),
]


@pytest.mark.parametrize(("kind", "values"), TIMELINES)
def test_each_flag_says_what_its_facts_say_through_the_catalogue(
    kind: str, values: list[ValueRecord]
) -> None:
    session = SessionRecord(1, START, kind)
    fever = [TemperatureRecord(1, 1, START + dt.timedelta(days=2), 2, "38.6", "C")]
    found = 0
    for day in range(0, 40, 3):
        as_of = START + dt.timedelta(days=day)
        for flag in [
            *evaluate(session, values, EXPECT, as_of, temperatures=fever),
            *episodes(session, values, EXPECT, as_of, temperatures=fever),
        ]:
            assert flag.said is not None
            message, advice = say(flag.said, flag.symptom, kind, session.day_of(as_of))
            assert (flag.message, flag.advice) == (message, advice)
            assert flag.facts()["said"]["case"] == flag.said.case
            found += 1
    assert found > 0


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_catalogue_names_no_command_and_no_page() -> None:
    for text in [*MESSAGES.values(), *ADVICE.values(), *FRAGMENTS.values()]:
        assert not re.search(r"tracker |--[a-z]|=N\b|click|button", text), text


def test_every_advice_a_message_case_may_take_is_in_the_catalogue() -> None:
    assert _fields(ADVICE["severe"]) == {"urgent"}
    assert {"care"} <= _fields(ADVICE["persisting"])
    assert set(MESSAGES) >= {"expected-strong", "not-easing", "still-severe", "severe"}
