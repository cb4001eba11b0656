from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.errors import TrackerError
from tracker.domain.records import Reading, parse_readings
from tracker.domain.severity import band, parse_severity


@pytest.mark.parametrize(
    ("value", "word"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_bands_follow_the_nrs_11(value: int, word: str) -> None:
    assert band(value) == word


@given(st.integers(min_value=0, max_value=10))
def test_every_whole_number_0_to_10_is_accepted(value: int) -> None:
    assert parse_severity(str(value)) == value


@given(st.integers().filter(lambda n: not 0 <= n <= 10))
def test_numbers_outside_the_scale_are_refused(value: int) -> None:
    with pytest.raises(TrackerError) as caught:
        parse_severity(str(value))
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("text", ["3.5", "", "three", "1e1", "٣", "0x3", " "])
def test_non_integers_are_refused(text: str) -> None:
    with pytest.raises(TrackerError, match="whole number"):
        parse_severity(text)


def test_readings_use_catalog_keys_and_aliases_in_any_case() -> None:
    assert parse_readings(["Pruritus=3", "ERYTHEMA=5", "oedema=0"]) == [
        Reading("itching", 3),
        Reading("redness", 5),
        Reading("swelling", 0),
    ]


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([], "at least one"),
        (["itching"], "SYMPTOM=SEVERITY"),
        (["=3"], "SYMPTOM=SEVERITY"),
        (["itching="], "SYMPTOM=SEVERITY"),
        (["itching=3", "pruritus=4"], "more than once"),
        (["sneezing=3"], "Unknown symptom"),
        (["itching=11"], "0 \\(none\\) to 10"),
    ],
)
def test_bad_readings_are_malformed(pairs: list[str], message: str) -> None:
    with pytest.raises(TrackerError, match=message) as caught:
        parse_readings(pairs)
    assert caught.value.exit_code == 2
