from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.dates import parse_date, relative_day
from tracker.domain.errors import MALFORMED, TrackerError
from tracker.domain.limits import EARLIEST_DATE, LATEST_DATE

TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01", dt.date(2026, 11, 1)),
        ("today", TODAY),
        ("  Today ", TODAY),
        ("yesterday", dt.date(2026, 11, 23)),
        ("tomorrow", dt.date(2026, 11, 25)),
        ("3 days ago", dt.date(2026, 11, 21)),
        ("1 day ago", dt.date(2026, 11, 23)),
        ("-3", dt.date(2026, 11, 21)),
        ("+14", dt.date(2026, 12, 8)),
        ("in 2 days", dt.date(2026, 11, 26)),
    ],
)
def test_accepted_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    ["", "2026-02-30", "2026/11/01", "next week", "3 weeks ago", "-", "-99999999", "2026-1-1"],
)
def test_refused_forms_are_malformed(text: str) -> None:
    with pytest.raises(TrackerError) as caught:
        parse_date(text, TODAY)
    assert caught.value.kind == MALFORMED


def test_too_far_back_is_a_clear_error() -> None:
    with pytest.raises(TrackerError, match="too far"):
        parse_date("999999 days ago", dt.date(5, 1, 1))


@given(
    st.dates(min_value=EARLIEST_DATE + dt.timedelta(days=3000), max_value=LATEST_DATE),
    st.integers(min_value=0, max_value=3000),
)
def test_days_ago_counts_back_from_today(today: dt.date, days: int) -> None:
    expected = today - dt.timedelta(days=days)
    assert parse_date(f"{days} days ago", today) == expected
    assert parse_date(f"-{days}", today) == expected


@given(st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE), st.dates())
def test_iso_dates_round_trip_whatever_today_is(date: dt.date, today: dt.date) -> None:
    assert parse_date(date.isoformat(), today) == date


def test_messages_quote_what_was_typed_and_say_what_is_accepted() -> None:
    for text, message in (
        ("2026-02-30", "'2026-02-30' is not a real calendar date."),
        (
            "next week",
            "Cannot read the date 'next week'. Use YYYY-MM-DD, today, yesterday, "
            "'N days ago' or -N; ahead: tomorrow, 'in N days' or +N.",
        ),
        ("in 999999 days", "'in 999999 days' is too far from today."),
    ):
        with pytest.raises(TrackerError) as caught:
            parse_date(text, dt.date(9999, 1, 1))
        assert caught.value.message == message
        assert caught.value.kind == MALFORMED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("YESTERDAY", dt.date(2026, 11, 23)),
        ("Tomorrow ", dt.date(2026, 11, 25)),
        ("in 1 day", dt.date(2026, 11, 25)),
        ("0 days ago", TODAY),
        ("2  days   ago", dt.date(2026, 11, 22)),
        ("+0", TODAY),
    ],
)
def test_words_in_any_case_and_spacing(text: str, expected: dt.date) -> None:
    assert parse_date(text, TODAY) == expected


@given(st.dates().filter(lambda d: not EARLIEST_DATE <= d <= LATEST_DATE), st.dates())
def test_dates_beyond_the_limits_are_malformed_never_an_overflow(
    date: dt.date, today: dt.date
) -> None:
    for text in (date.isoformat(), f"{abs((today - date).days)} days ago"):
        try:
            parse_date(text, today)
        except TrackerError as exc:
            assert exc.kind == MALFORMED
        else:
            assert EARLIEST_DATE <= parse_date(text, today) <= LATEST_DATE


@pytest.mark.parametrize(
    ("days", "said"),
    [
        (0, "today"),
        (1, "tomorrow"),
        (-1, "yesterday"),
        (2, "in 2 days"),
        (-2, "2 days ago"),
        (30, "in 30 days"),
        (-30, "30 days ago"),
    ],
)
def test_a_day_said_from_today_reads_back_as_the_same_day(days: int, said: str) -> None:
    date = TODAY + dt.timedelta(days=days)
    assert relative_day(date, TODAY) == said
    assert parse_date(said, TODAY) == date


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("25/11/2026", "did you mean 2026-11-25?"),
        ("11/25/2026", "did you mean 2026-11-25?"),
        ("25.11.2026", "did you mean 2026-11-25?"),
        ("2026-11-5", "did you mean 2026-11-05?"),
        ("2026/11/05", "did you mean 2026-11-05?"),
        ("2026-1-1", "did you mean 2026-01-01?"),
        ("05/11/2026", "did you mean 2026-11-05 (day first) or 2026-05-11 (month first)?"),
    ],
)
def test_near_misses_are_refused_with_the_iso_date_they_likely_mean(text: str, meant: str) -> None:
    with pytest.raises(TrackerError) as caught:
        parse_date(text, TODAY)
    assert caught.value.kind == MALFORMED
    assert meant in caught.value.message


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-40", "next week"])
def test_no_guess_where_nothing_real_is_close(text: str) -> None:
    with pytest.raises(TrackerError) as caught:
        parse_date(text, TODAY)
    assert "did you mean" not in caught.value.message


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_a_day_first_date_is_answered_with_itself(date: dt.date) -> None:
    with pytest.raises(TrackerError) as caught:
        parse_date(f"{date.day}/{date.month}/{date.year}", TODAY)
    assert date.isoformat() in caught.value.message


def test_days_after_the_session_in_words() -> None:
    from tracker.domain.dates import day_span

    assert day_span(9, 9) == "day 9"
    assert day_span(8, 12) == "days 8-12"
    assert day_span(0, 1) == "days 0-1"


def test_a_near_miss_and_a_date_out_of_range_are_said_in_full() -> None:
    from tracker.domain.dates import likely_meant

    with pytest.raises(TrackerError) as near:
        parse_date("2026-2-3", TODAY)
    assert near.value.message == (
        "Cannot read the date '2026-2-3': did you mean 2026-02-03? Dates are written "
        "YYYY-MM-DD, with two-digit months and days."
    )
    assert likely_meant("2026-2-30") == []  # no such day: nothing to suggest
    with pytest.raises(TrackerError) as far:
        parse_date(" 1899-12-31 ", TODAY)
    assert far.value.message == (
        "The date '1899-12-31' must be between 1900-01-01 and 2999-12-31, not 1899-12-31."
    )
