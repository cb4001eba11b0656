"""Care actions a patient can record: what they did for their skin, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tracker.domain.catalog import normalise
from tracker.domain.errors import TrackerError
from tracker.domain.records import clean_text


@dataclass(frozen=True)
class CareAction:
    key: str
    name: str
    aliases: tuple[str, ...] = ()


CARE_ACTIONS: tuple[CareAction, ...] = (
    CareAction("ice-pack", "Ice pack", ("ice", "cold-pack", "cold-compress")),
    CareAction("moisturizer", "Moisturiser", ("moisturiser", "lotion", "emollient")),
    CareAction("petroleum-jelly", "Petroleum jelly", ("vaseline", "ointment")),
    CareAction("prescribed-cream", "Cream the doctor prescribed", ("cream", "prescription")),
    CareAction("sunscreen", "Sunscreen", ("spf", "sunblock")),
    CareAction("pain-relief", "Pain relief", ("painkiller", "paracetamol", "ibuprofen")),
    CareAction("other", "Other (say what in the note)"),
)
CARE_BY_KEY = {action.key: action for action in CARE_ACTIONS}
_INDEX = {
    normalise(word): action.key for action in CARE_ACTIONS for word in (action.key, *action.aliases)
}


def care_key(word: str) -> str:
    key = _INDEX.get(normalise(word))
    if key is None:
        raise TrackerError.malformed(
            f"Unknown care action {word!r}. Known actions: {', '.join(CARE_BY_KEY)}."
        )
    return key


def check_note(action: str, note: str | None) -> str | None:
    note = clean_text(note)
    if action == "other" and note is None:
        raise TrackerError.malformed("Say what you did with --note when the action is 'other'.")
    return note


@dataclass(frozen=True)
class CareRecord:
    id: int
    session_id: int
    date: dt.date
    day: int
    action: str
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "session_id": self.session_id,
            "date": self.date.isoformat(),
            "day": self.day,
            "action": self.action,
            "note": self.note,
        }
