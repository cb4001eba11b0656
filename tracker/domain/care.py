"""Care actions a patient can record: what they did for their skin, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from tracker.domain.catalog import normalise
from tracker.domain.errors import TrackerError
from tracker.domain.records import clean_text
from tracker.domain.suggestions import suggest


@dataclass(frozen=True)
class CareAction:
    """``key`` is the stored and exported code; ``word`` the one spelling a patient types
    and reads in lists, ``name`` the label in charts and reports."""

    key: str
    word: str
    name: str
    aliases: tuple[str, ...] = ()


# British spelling, as the rest of the text. The key "moisturizer" predates that choice and
# stays as the stored code (changing it would need a migration); people never see it.
CARE_ACTIONS: tuple[CareAction, ...] = (
    CareAction("ice-pack", "ice-pack", "Ice pack", ("ice", "cold-pack", "cold-compress")),
    CareAction("moisturizer", "moisturiser", "Moisturiser", ("moisturizer", "lotion", "emollient")),
    CareAction("petroleum-jelly", "petroleum-jelly", "Petroleum jelly", ("vaseline", "ointment")),
    CareAction(
        "prescribed-cream", "prescribed-cream", "Prescribed cream", ("cream", "prescription")
    ),
    CareAction("sunscreen", "sunscreen", "Sunscreen", ("spf", "sunblock")),
    CareAction(
        "pain-relief", "pain-relief", "Pain relief", ("painkiller", "paracetamol", "ibuprofen")
    ),
    CareAction("other", "other", "Other care"),
)
CARE_BY_KEY = {action.key: action for action in CARE_ACTIONS}


@cache  # cleared by the tests, so that a mutation run sees a changed index
def _care_index() -> dict[str, str]:
    return {
        normalise(word): action.key
        for action in CARE_ACTIONS
        for word in (action.key, action.word, *action.aliases)
    }


def care_name(key: str) -> str:
    """The label for a stored care action; an unknown code is shown as it is."""
    known = CARE_BY_KEY.get(key)
    return known.name if known else key


def care_word(key: str) -> str:
    known = CARE_BY_KEY.get(key)
    return known.word if known else key


def care_key(word: str) -> str:
    key = _care_index().get(normalise(word))
    if key is None:
        known = ", ".join(action.word for action in CARE_ACTIONS)
        hint = suggest(word, _care_index(), care_word)
        if hint:
            raise TrackerError.malformed(f"Unknown care action {word!r}.{hint} (Known: {known}.)")
        raise TrackerError.malformed(f"Unknown care action {word!r}. Known actions: {known}.")
    return key


def check_note(action: str, note: str | None) -> str | None:
    note = clean_text(note)
    if action == "other" and note is None:
        raise TrackerError.malformed(
            "Say what you did, in a note, when the action is 'other'.", field="note"
        )
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
