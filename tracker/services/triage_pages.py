"""A clinic's triage list a page at a time, from the kept lines (tracker.domain.triage_kept).

Judging every open recovery on every request made the list take seconds at 2,000 patients,
and the patients' check-ins waited behind it. Instead each patient's line is kept, with the
days it holds, and judged again only when it does not hold on the day asked: a write to
the record since (the store counts every write), other rules (a new version of the
tracker), or a day outside the days it was kept for. Why this and not a query computing
the order from stored facts: the order depends on the whole flag engine (an aged alarm, a
course outlasted, a follow-up window, a review's cover), which SQL would have to say a
second time; judging lazily keeps one engine, and the kept days are checked by judging
the line on their last day too (tracker.domain.triage_kept).

A request then (``stale_lines`` and ``keep`` in one unit of work, ``page`` in the same or
the next): one query finds the stale lines, a few per 500 of them read what judging them
needs, one statement keeps them, and one reads the page in the list's order for the day
asked (waiting times that grow with the days are computed by that query), one the counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.triage import CATEGORIES
from tracker.domain.triage_kept import KeptLine, kept_line
from tracker.services import triage
from tracker.storage.store import Store

PAGE_SIZE = 50
LOG = logging.getLogger(__name__)


def _rules() -> str:
    """What a kept line was judged by: the rules' code and figures (the domain's modules,
    the shipped tables, the triage services). Another version of any of them, and every
    line is judged anew on the next load."""
    digest = hashlib.sha256()
    for package in ("tracker.domain", "tracker.data"):
        root = resources.files(package)
        for item in sorted(root.iterdir(), key=lambda found: found.name):
            if item.name.endswith((".py", ".csv")):
                digest.update(item.name.encode())
                digest.update(item.read_bytes())
    for module in (__file__, triage.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:16]


RULES = _rules()


JUDGE_PART = 500  # stale lines judged and kept per unit of work (a part's locks held briefly)


def stale(store: Store, as_of: dt.date) -> list[tuple[int, int]]:
    """(profile id, count of writes) of each line that does not hold on ``as_of``, by
    profile id: one query."""
    return sorted(store.stale_triage_lines(as_of, RULES))


def judge(store: Store, stale: list[tuple[int, int]], as_of: dt.date) -> list[tuple[KeptLine, int]]:
    """These stale lines judged anew (any number: read a few queries per 500), each with
    the count of writes read before its facts were (``stale``, in this unit of work or an
    earlier one): a write after that leaves the line stale once kept."""
    if not stale:
        return []
    counts = dict(stale)
    table = shipped_table()
    built: dict[tuple[object, ...], Expectations] = {}
    courses = triage.course_days()
    judged = []
    for facts in store.triage_facts(sorted(counts), as_of):
        key = (facts.skin.skin_type, facts.skin.sensitive_skin, facts.overrides)
        expectations = built.get(key)
        if expectations is None:
            expectations = built[key] = Expectations(table, facts.overrides, skin=facts.skin)
        _, kept = kept_line(facts, expectations.for_pair, courses, as_of)
        judged.append((kept, counts[facts.profile_id]))
    return judged


def stale_lines(store: Store, as_of: dt.date) -> list[tuple[KeptLine, int]]:
    """Every line that does not hold on ``as_of``, judged anew, in this unit of work."""
    return judge(store, stale(store, as_of), as_of)


def keep(store: Store, judged: list[tuple[KeptLine, int]]) -> None:
    store.keep_triage_lines(judged, RULES)


def keep_written(store: Store, profile_ids: set[int], as_of: dt.date) -> None:
    """The writer pays: the lines of the patients whose records this unit of work wrote,
    judged and kept in its own transaction before it commits (a clinic's server does this
    after every write), so that the list's next load reads them as kept instead of judging
    them while the clinician waits. One patient's line costs a few queries.

    The patient's write never fails for the clinic's list: an error judging leaves the
    lines stale (logged), and the list's next load judges them (and shows the error
    there)."""
    try:
        judged = judge(store, store.triage_write_counts(profile_ids), as_of)
    except Exception:  # the record written matters more than the list: see above
        LOG.exception("judging the triage lines of profiles %s after a write", sorted(profile_ids))
        return
    keep(store, judged)


def forget(store: Store) -> int:
    """Every kept line judged anew when next asked for (after a hand edit of the database,
    which counted no write); returns how many lines there were."""
    return store.forget_triage_lines()


@dataclass(frozen=True)
class ShownLine:
    """One patient's line as the list shows it."""

    kept: KeptLine
    profile: str
    email: str
    disabled: bool
    as_of: dt.date

    @property
    def day(self) -> int | None:
        session = self.kept.session
        return None if session is None else session.day_of(self.as_of)


@dataclass(frozen=True)
class TriagePage:
    as_of: dt.date
    lines: list[ShownLine]
    counts: dict[str, int]  # patients in each category, in CATEGORIES order
    number: int  # from 1
    size: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """The position of the page's first line in the whole list (from 1)."""
        return (self.number - 1) * self.size + 1


def page(store: Store, as_of: dt.date, number: int = 1, size: int | None = None) -> TriagePage:
    """Page ``number`` (from 1) of the patients' lines, worst first, as kept (PAGE_SIZE
    lines a page unless ``size``): call after the stale lines were judged and kept
    (``stale_lines``, ``keep``)."""
    size = size or PAGE_SIZE
    number = max(1, number)
    found = store.triage_page(as_of, (number - 1) * size, size)
    counted = store.triage_counts()
    counts = {category: counted[category] for category in CATEGORIES if category in counted}
    lines = [ShownLine(kept, name, email, off, as_of) for kept, name, email, off in found]
    return TriagePage(as_of, lines, counts, number, size)
