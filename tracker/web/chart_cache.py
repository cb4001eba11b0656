"""Drawn charts kept in memory by what they show, so an unchanged chart is drawn once.

Drawing is the slow part of the Chart page (a few hundred ms of matplotlib); the data
behind it is read fresh on every request and fingerprinted, so any new value, care
entry, setting or day makes a new drawing. Concurrent requests for the same chart wait
for one drawing instead of each making their own.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from tracker.domain.summaries import SessionView

KEPT = 32  # charts; an SVG is 50-300 KB


def fingerprint(views: Sequence[SessionView], *options: object) -> str:
    # The views are frozen dataclasses and named tuples: their repr is all they hold.
    return hashlib.sha256(repr((list(views), options)).encode()).hexdigest()


class ChartCache:
    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self._charts: OrderedDict[str, bytes] = OrderedDict()
        self._drawing: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: str, draw: Callable[[], bytes]) -> bytes:
        with self._lock:
            found = self._charts.get(key)
            if found is not None:
                self._charts.move_to_end(key)
                return found
            drawing = self._drawing.setdefault(key, threading.Lock())
        with drawing:
            with self._lock:
                found = self._charts.get(key)
            if found is None:
                found = draw()
                with self._lock:
                    self._charts[key] = found
                    while len(self._charts) > self.kept:
                        self._charts.popitem(last=False)
            with self._lock:
                self._drawing.pop(key, None)
            return found
