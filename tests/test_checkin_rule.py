"""What a check-in may fill in for the patient (domain.checkin): no database."""

from __future__ import annotations

import datetime as dt

from tracker.domain.checkin import may_keep, same_as_last
from tracker.domain.records import ValueRecord

DAY = dt.date(2026, 11, 24)


def _last(symptom: str, severity: int, date: dt.date) -> tuple[str, ValueRecord]:
    return symptom, ValueRecord(
        1, date, (date - dt.date(2026, 11, 14)).days, symptom, severity, None
    )


def test_a_warning_sign_is_never_kept() -> None:
    assert may_keep("redness", 6)
    assert not may_keep("redness", 7)  # severe
    assert may_keep("blistering", 0)  # gone is not a warning
    assert not may_keep("blistering", 1)  # any red-flag value
    assert not may_keep("fever", 2)


def test_same_as_last_copies_only_earlier_days_and_no_warning_sign() -> None:
    earlier = DAY - dt.timedelta(days=2)
    questions = [
        _last("itching", 3, earlier),
        _last("redness", 8, earlier),
        _last("hives", 1, earlier),
        _last("peeling", 2, DAY),  # already saved for this day: nothing to copy
        ("swelling", None),
    ]
    assert same_as_last(questions, DAY) == {"itching": 3}


def test_pages_default_to_the_latest_session_that_has_started() -> None:
    from tracker.domain.records import SessionRecord, latest_started

    past = SessionRecord(1, DAY - dt.timedelta(days=10), "ipl")
    now = SessionRecord(2, DAY, "laser-rejuvenation")
    ahead = SessionRecord(3, DAY + dt.timedelta(days=7), "microneedling")
    assert latest_started([past, now, ahead], DAY) == now
    assert latest_started([ahead, past], DAY) == past
    assert latest_started([ahead], DAY) == ahead  # none has started: the first ahead
    assert latest_started([], DAY) is None
