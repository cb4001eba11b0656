"""The triage list's "Why" says each flag in words from the catalogue, never a rule's id
("temperature: high-temperature", fresh eyes 3, F12)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tracker.domain import flags as flag_rules
from tracker.domain.flag_words import RULE_WORDS
from tracker.domain.flags import Flag
from tracker.domain.triage import flag_words

SOURCE = Path(flag_rules.__file__).read_text(encoding="utf-8")
# Every rule the engine names when it makes a flag: c.flag("rule", ...), a (rule, level)
# pair returned, rule = "..." / rule, level = "...", or the temperature's Flag(MEASURE, "rule").
MADE = re.compile(r'(?:\.flag\(\s*|return \(|else \(|rule(?:, level)? = |MEASURE,\s*)"([a-z-]+)"')


def test_every_rule_the_engine_makes_has_words() -> None:
    made = set(MADE.findall(SOURCE))
    assert {"persisting", "severe", "red-flag", "not-easing", "high-temperature"} <= made
    assert made - set(RULE_WORDS) == set()


def _flag(symptom: str, rule: str, silent_since: int | None = None) -> Flag:
    day = dt.date(2026, 12, 3)
    return Flag(1, symptom, rule, "urgent", 3, 3, day, day, "", "", silent_since=silent_since)


@pytest.mark.parametrize(
    ("symptom", "rule", "said"),
    [
        ("temperature", "high-temperature", "Temperature: a fever"),
        ("redness", "persisting", "Redness: lasting past its expected course"),
        ("oozing", "severe", "severe, far above its expected course"),
    ],
)
def test_the_why_column_says_the_flag_in_words(symptom: str, rule: str, said: str) -> None:
    words = flag_words(_flag(symptom, rule))
    assert words.endswith(said)
    assert rule not in words or rule == "severe"  # the id itself never shows


def test_an_aged_flag_says_since_when_and_an_unknown_rule_is_never_left_out() -> None:
    assert flag_words(_flag("redness", "persisting", 4)).endswith(": no data since day 4")
    assert flag_words(_flag("redness", "new-rule")).endswith(": new-rule")
