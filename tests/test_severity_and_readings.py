from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.errors import MALFORMED, TrackerError
from tracker.domain.records import TypedValue, parse_values
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
    assert caught.value.kind == MALFORMED


@pytest.mark.parametrize("text", ["3.5", "", "three", "1e1", "٣", "0x3", " "])
def test_non_integers_are_refused(text: str) -> None:
    with pytest.raises(TrackerError, match="whole number"):
        parse_severity(text)


def test_readings_use_catalog_keys_and_aliases_in_any_case() -> None:
    assert parse_values(["Pruritus=3", "ERYTHEMA=5", "oedema=0"]) == [
        TypedValue("itching", 3),
        TypedValue("redness", 5),
        TypedValue("swelling", 0),
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
        parse_values(pairs)
    assert caught.value.kind == MALFORMED


@pytest.mark.parametrize(("text", "value"), [("+5", 5), (" 7 ", 7), ("-0", 0), ("010", 10)])
def test_one_sign_and_spaces_around_are_read(text: str, value: int) -> None:
    assert parse_severity(text) == value


@pytest.mark.parametrize("text", ["--5", "+-5", "-+5", "5-", "+", "-", "\uff15", "²", "1 0"])
def test_two_signs_or_digits_other_than_ascii_are_refused_not_crashed(text: str) -> None:
    with pytest.raises(TrackerError, match="whole number") as caught:
        parse_severity(text)
    assert caught.value.kind == MALFORMED


@given(st.text())
def test_any_text_is_a_severity_0_to_10_or_a_malformed_error(text: str) -> None:
    try:
        value = parse_severity(text)
    except TrackerError as error:
        assert error.kind == MALFORMED
    else:
        assert 0 <= value <= 10


def test_severity_messages_name_the_symptom_and_the_value() -> None:
    with pytest.raises(TrackerError) as caught:
        parse_severity("lots", symptom="itching")
    assert caught.value.message == (
        "Severity for itching must be a whole number from 0 (none) to 10 (worst), not 'lots'."
    )
    with pytest.raises(TrackerError) as caught:
        parse_severity("+11")
    assert caught.value.message == "Severity must be from 0 (none) to 10 (worst), not 11."
    with pytest.raises(TrackerError) as caught:
        parse_values(["redness=-1"])
    assert (
        caught.value.message == "Severity for redness must be from 0 (none) to 10 (worst), not -1."
    )


@pytest.mark.parametrize("value", [-1, 11])
def test_a_band_outside_the_scale_is_a_programming_error(value: int) -> None:
    with pytest.raises(ValueError, match=f"^severity out of range: {value}$"):
        band(value)


def test_reading_messages_say_what_was_typed() -> None:
    for pairs, message in (
        ([], "Give at least one symptom with how strong it is, from 0 to 10."),
        (["itching 3"], "Cannot read 'itching 3': write SYMPTOM=SEVERITY, for example itching=3."),
        ([" =3"], "Cannot read ' =3': write SYMPTOM=SEVERITY, for example itching=3."),
        (["itching= "], "Cannot read 'itching= ': write SYMPTOM=SEVERITY, for example itching=3."),
        (["Itching=1", "pruritus=2"], "itching is given more than once in this log."),
        (
            ["itching=3=4"],
            "Severity for itching must be a whole number from 0 (none) to 10 (worst), not '3=4'.",
        ),
    ):
        with pytest.raises(TrackerError) as caught:
            parse_values(pairs)
        assert caught.value.message == message
        assert caught.value.kind == MALFORMED
    assert parse_values((" rash =+2",)) == [TypedValue("rash", 2)]


def test_a_number_too_long_to_be_a_severity_is_shown_cut_and_never_read_whole() -> None:
    for text, shown in (
        ("1000", "1000..."),
        ("12345678901234567890", "123456789012..."),
        ("9" * 5000, "999999999999..."),  # past 4,300 digits int() itself would refuse
    ):
        with pytest.raises(TrackerError) as caught:
            parse_severity(text)
        assert caught.value.message == (
            f"Severity must be from 0 (none) to 10 (worst), not {shown}."
        )
    assert parse_severity("+010") == 10
