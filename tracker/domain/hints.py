"""What a person can do next, as data: each face says it its own way.

Words below the faces never name a command. Where a message has a next step, it carries a
``Hint``; the command line prints it as a command ("Run: tracker log redness=0"), the web as
a link or button that does it ("Log redness as 0").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

# log: give a value for ``symptom`` (``value`` when the hint names one, any value otherwise).
Action = Literal["log"]


@dataclass(frozen=True)
class Hint:
    action: Action
    symptom: str | None = None
    value: int | None = None

    @classmethod
    def log(cls, symptom: str, value: int | None = None) -> Hint:
        return cls("log", symptom=symptom, value=value)

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "symptom": self.symptom, "value": self.value}
