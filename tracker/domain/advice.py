"""Advice said once: the sentences several flags of one level share, said once at the
head of the level, and each flag left with only what is its own."""

from __future__ import annotations

import re
from collections.abc import Sequence

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def sentences(text: str) -> list[str]:
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]


def said_once(advices: Sequence[str], already: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """(what two or more of ``advices`` say, in the order first said; what is left of each).

    A sentence in ``already`` (said higher up the page) is said by neither. Nothing is
    dropped otherwise: every sentence of every advice is in the head or in its own."""
    said = {s for text in already for s in sentences(text)}
    split = [[s for s in sentences(text) if s not in said] for text in advices]
    counts: dict[str, int] = {}
    for own in split:
        for sentence in dict.fromkeys(own):
            counts[sentence] = counts.get(sentence, 0) + 1
    shared = [s for s, n in counts.items() if n > 1]
    left = [" ".join(s for s in own if s not in shared) for own in split]
    return shared, left
