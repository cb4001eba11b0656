"""The 0-10 numeric rating scale and its bands (NRS-11)."""

from __future__ import annotations

import re

from tracker.domain.catalog import SYMPTOMS_BY_KEY
from tracker.domain.errors import TrackerError

MIN_SEVERITY = 0
MAX_SEVERITY = 10
# Upper bound of each band: 0 none, 1-3 mild, 4-6 moderate, 7-10 severe.
BANDS: tuple[tuple[int, str], ...] = ((0, "none"), (3, "mild"), (6, "moderate"), (10, "severe"))
SEVERE_FROM = 7
# ASCII digits only (int() would also take Arabic-Indic or fullwidth ones), after at most
# one sign: "--5" is no number.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def band(severity: int) -> str:
    """The word for a severity: none, mild, moderate or severe."""
    for upper, word in BANDS:
        if MIN_SEVERITY <= severity <= upper:
            return word
    raise ValueError(f"severity out of range: {severity}")


def parse_severity(text: str, *, symptom: str = "") -> int:
    """A whole number 0-10 from what the person typed."""
    cleaned = text.strip()
    what = f" for {symptom}" if symptom else ""
    if not _WHOLE_NUMBER.fullmatch(cleaned):
        raise TrackerError.malformed(
            f"Severity{what} must be a whole number from 0 (none) to 10 (worst), not {text!r}."
        )
    # Past 3 digits it cannot be a severity (and past 4,300 Python refuses to read it).
    readable = len(cleaned.lstrip("+-")) <= 3
    value = int(cleaned) if readable else MAX_SEVERITY + 1
    if not MIN_SEVERITY <= value <= MAX_SEVERITY:
        shown = str(value) if readable else cleaned[:12] + "..."
        raise TrackerError.malformed(
            f"Severity{what} must be from 0 (none) to 10 (worst), not {shown}."
        )
    return value


# SNOMED CT codes for the bands, as in FHIR's condition-severity value set
# (the moderate code there is 6736007), plus "absent" for 0.
BAND_SNOMED: dict[str, tuple[str, str]] = {
    "none": ("2667000", "Absent"),
    "mild": ("255604002", "Mild"),
    "moderate": ("6736007", "Moderate"),
    "severe": ("24484000", "Severe"),
}


def can_be_urgent(symptom: str, severity: int) -> bool:
    """Only a severe value, or any value of a red-flag symptom, can make a flag urgent.
    (Here, not beside the flag rules: a day's log asks it before it needs them.)"""
    known = SYMPTOMS_BY_KEY.get(symptom)
    return severity >= SEVERE_FROM or (
        severity > 0 and known is not None and known.group == "red-flag"
    )
