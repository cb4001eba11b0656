"""The web's way of saying what to do next: a link to the page that does it, prefilled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for

from tracker.domain.catalog import symptom_name
from tracker.domain.hints import Hint
from tracker.web.app import today


@dataclass(frozen=True)
class Link:
    href: str
    label: str


def link(hint: Hint) -> Link:
    """Where a hint's step is done: "log redness as 0" opens today's check-in with 0 chosen."""
    assert hint.symptom is not None
    name = symptom_name(hint.symptom)
    if hint.value is None:
        href = url_for("today", date=today().isoformat(), _anchor=f"value-{hint.symptom}")
        return Link(href, f"Log {name} today")
    values: dict[str, Any] = {"date": today().isoformat(), f"value-{hint.symptom}": hint.value}
    href = url_for("today", _anchor=f"value-{hint.symptom}", **values)
    return Link(href, f"Log {name} as {hint.value} today")
