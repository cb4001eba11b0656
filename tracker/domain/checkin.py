"""What a check-in may fill in for the patient: only what the patient asks to keep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tracker.domain.records import ValueRecord
from tracker.domain.severity import can_be_urgent


def may_keep(symptom: str, severity: int) -> bool:
    """A warning sign is said again by the patient or not at all: a red-flag symptom's value,
    or any severe one (either could make a flag urgent), is never copied by a shortcut."""
    return not can_be_urgent(symptom, severity)


def same_as_last(
    questions: Iterable[tuple[str, ValueRecord | None]], date: dt.date
) -> dict[str, int]:
    """What "Same as last time" fills in on a day: each symptom's latest value before it,
    except a warning sign (see may_keep)."""
    return {
        symptom: last.severity
        for symptom, last in questions
        if last is not None and last.date < date and may_keep(symptom, last.severity)
    }
