"""'Did you mean ...?': the closest known names to a word that was not recognised."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping

# Similarity (difflib's ratio) a name needs to be offered: "swellng" is 0.93 from
# "swelling", while "sneezing" is 0.63 from it and is better left without a guess.
CLOSE = 0.75


def closest(
    word: str, index: Mapping[str, str], *, limit: int = 3, cutoff: float = CLOSE
) -> list[str]:
    """The keys whose names (key or alias, in ``index``) are closest to ``word``."""
    typed = "-".join(word.strip().lower().replace("_", " ").split())
    found = difflib.get_close_matches(typed, list(index), n=limit * 3, cutoff=cutoff)
    return list(dict.fromkeys(index[name] for name in found))[:limit]


def did_you_mean(names: Iterable[str]) -> str:
    """ " Did you mean swelling?" (a leading space), or "" when there is nothing close."""
    shown = list(names)
    if not shown:
        return ""
    if len(shown) == 1:
        return f" Did you mean {shown[0]}?"
    return f" Did you mean {', '.join(shown[:-1])} or {shown[-1]}?"


def suggest(
    word: str, index: Mapping[str, str], shown: Callable[[str], str] = lambda key: key
) -> str:
    return did_you_mean(shown(key) for key in closest(word, index))
