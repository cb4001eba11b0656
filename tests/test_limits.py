"""The limits of what the tracker accepts, at their edges."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.errors import MALFORMED, TrackerError
from tracker.domain.limits import EARLIEST_DATE, LATEST_DATE, check_date

DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    "date", [EARLIEST_DATE, EARLIEST_DATE + DAY, LATEST_DATE - DAY, LATEST_DATE]
)
def test_the_first_and_last_dates_are_accepted(date: dt.date) -> None:
    assert check_date(date) == date


@pytest.mark.parametrize(
    ("date", "said"),
    [(EARLIEST_DATE - DAY, "1899-12-31"), (LATEST_DATE + DAY, "3000-01-01")],
)
def test_a_day_beyond_either_end_is_malformed_and_says_the_range(date: dt.date, said: str) -> None:
    with pytest.raises(TrackerError) as refused:
        check_date(date)
    assert refused.value.kind == MALFORMED
    assert refused.value.message == f"A date must be between 1900-01-01 and 2999-12-31, not {said}."
    with pytest.raises(TrackerError) as named:
        check_date(date, "The follow-up")
    assert named.value.message.startswith("The follow-up must be between 1900-01-01 and ")


@given(st.dates())
def test_a_date_is_accepted_exactly_when_it_is_within_the_limits(date: dt.date) -> None:
    inside = EARLIEST_DATE <= date <= LATEST_DATE
    try:
        assert check_date(date) == date
    except TrackerError:
        assert not inside
    else:
        assert inside
