"""Care advice by treatment and stage, for a normal course as much as inside a flag.

After a treatment that opens the skin (``tracker/data/aftercare.csv``), petroleum jelly or
the clinic's ointment only until the skin has closed, then a gentle moisturiser; sun
protection after every treatment; an ice pack wrapped in a cloth for swelling and itching.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tracker.domain.catalog import kind_words

COOLING = ("swelling", "itching", "burning")
SKIN_CARE = ("rash", "redness", "dryness", "peeling", "crusting", "oozing", "breakouts")
ICE = (
    "An ice pack wrapped in a cloth (never ice on bare skin), a few minutes at a time, eases "
    "swelling and itching."
)
CLINIC_CREAMS = "Use any cream your doctor suggested."


@dataclass(frozen=True)
class OpenSkin:
    """How long the skin stays open after a treatment, with where the figure is from."""

    kind: str
    closed_by_day: int
    basis: str
    source: str


def parse_open_skin(text: str) -> dict[str, OpenSkin]:
    rows = csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#"))
    return {
        row["kind"]: OpenSkin(row["kind"], int(row["closed_by_day"]), row["basis"], row["source"])
        for row in rows
    }


@cache
def open_skin() -> dict[str, OpenSkin]:
    text = resources.files("tracker.data").joinpath("aftercare.csv").read_text("utf-8")
    return parse_open_skin(text)


def skin_line(kind: str, day: int) -> str:
    """What to put on the skin on this day after this treatment."""
    found = open_skin().get(kind)
    if found is None:
        return (
            "A gentle moisturiser or petroleum jelly soothes the treated skin; do not pick or "
            "scrub."
        )
    if day <= found.closed_by_day:
        return (
            f"Until the skin has closed (usually by day {found.closed_by_day} after "
            f"{kind_words(kind)}): petroleum jelly or the ointment your clinic gave you only, no "
            "moisturiser or other creams (thick creams can cause milia); do not pick crusts."
        )
    return (
        "The skin should have closed by now: a gentle moisturiser; do not pick or scrub what "
        "is still flaking."
    )


def sun_line(kind: str, day: int) -> str:
    found = open_skin().get(kind)
    if found is not None and day <= found.closed_by_day:
        return (
            "Keep the treated skin out of the sun (shade, a wide hat) while it heals, and "
            "sunscreen once your clinic says it has closed."
        )
    return "Protect the treated skin from the sun: shade, and a broad-spectrum sunscreen daily."


def care_for(kind: str, day: int, symptoms: Iterable[str], *, sun: bool = True) -> list[str]:
    """The care lines for these symptoms on this day after this treatment, each once: the
    skin care, the ice pack where it helps, sun protection, and the clinic's creams."""
    present = set(symptoms)
    lines = []
    if present & set(SKIN_CARE) or not present & set(COOLING):
        lines.append(skin_line(kind, day))
    if present & set(COOLING):
        lines.append(ICE)
    if sun:
        lines.append(sun_line(kind, day))
    lines.append(CLINIC_CREAMS)
    return lines
