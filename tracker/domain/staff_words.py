"""What the clinic's staff read on a patient's record (hosted, read-only): the patient's own
pages, with what was said to the patient framed as what the patient was told, never as if it
were said to the reader ("Contact your clinic now" is the patient's advice, not the staff's)."""

from __future__ import annotations

import enum


class StaffWords(enum.Enum):
    # The urgent box, for staff: why, from the flags' own facts; the patient's advice quoted.
    TOLD_URGENT = "Urgent: the patient was told to contact the clinic now"
    WHY = "Why: {why}"
    TOLD = "What the patient was told"
    TOLD_LINE = "The patient was told: “{advice}”"
    OPEN_FLAG = "Open a flag for what it is about and what the patient was told."
    CARE_SHOWN = "Care the patient is shown today"

    def format(self, **values: object) -> str:
        return self.value.format(**values)

    def __str__(self) -> str:
        return self.value
