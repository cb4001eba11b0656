"""How long each symptom is expected to last after each treatment kind.

The shipped figures live in ``tracker/data/expected_recovery.csv`` with their basis
and source; a patient or clinic can override any (kind, symptom) pair.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from tracker.domain.catalog import DEFAULT_KIND, SYMPTOMS

DEFAULT_MAX_DAYS = 7
DEFAULT_SOURCE = "no figure for this treatment and symptom: the tracker's general default"
OVERRIDE_SOURCE = "your own setting (tracker protocol set)"


@dataclass(frozen=True)
class Expectation:
    kind: str
    symptom: str
    typical_days: int | None
    max_days: int
    basis: str  # published, inferred, default or custom
    source: str
    overridden: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "symptom": self.symptom,
            "typical_days": self.typical_days,
            "max_days": self.max_days,
            "basis": self.basis,
            "source": self.source,
            "overridden": self.overridden,
        }


@dataclass(frozen=True)
class Override:
    kind: str
    symptom: str
    max_days: int
    typical_days: int | None = None


_ORDER = {symptom.key: index for index, symptom in enumerate(SYMPTOMS)}
Table = Mapping[tuple[str, str], Expectation]


def parse_table(text: str) -> dict[tuple[str, str], Expectation]:
    lines = (line for line in io.StringIO(text) if not line.startswith("#"))
    table: dict[tuple[str, str], Expectation] = {}
    for row in csv.DictReader(lines):
        item = Expectation(
            kind=row["kind"],
            symptom=row["symptom"],
            typical_days=int(row["typical_days"]),
            max_days=int(row["max_days"]),
            basis=row["basis"],
            source=row["source"],
        )
        table[(item.kind, item.symptom)] = item
    return table


@cache
def shipped_table() -> dict[tuple[str, str], Expectation]:
    text = resources.files("tracker.data").joinpath("expected_recovery.csv").read_text("utf-8")
    return parse_table(text)


class Expectations:
    """Shipped figures with overrides applied, and the fallbacks for missing pairs."""

    def __init__(self, table: Table, overrides: Iterable[Override] = ()) -> None:
        self._table = table
        self._overrides = {(o.kind, o.symptom): o for o in overrides}

    def for_pair(self, kind: str, symptom: str) -> Expectation:
        override = self._overrides.get((kind, symptom))
        if override is not None:
            return Expectation(
                kind,
                symptom,
                override.typical_days,
                override.max_days,
                "custom",
                OVERRIDE_SOURCE,
                overridden=True,
            )
        own = self._table.get((kind, symptom))
        if own is not None:
            return own
        generic = self._table.get((DEFAULT_KIND, symptom))
        if generic is not None:
            return replace(
                generic,
                kind=kind,
                source=f"{DEFAULT_KIND} figure, used for {kind}: {generic.source}",
            )
        return Expectation(kind, symptom, None, DEFAULT_MAX_DAYS, "default", DEFAULT_SOURCE)

    def rows(self, kinds: Iterable[str]) -> list[Expectation]:
        """Every pair with a figure of its own, a generic figure or an override."""
        listed: list[Expectation] = []
        for kind in kinds:
            symptoms = {s for (k, s) in self._table if k in (kind, DEFAULT_KIND)}
            symptoms |= {s for (k, s) in self._overrides if k == kind}
            for symptom in sorted(symptoms, key=lambda s: _ORDER.get(s, len(_ORDER))):
                listed.append(self.for_pair(kind, symptom))
        return listed
