"""A clinic's triage list: each patient on one line, worst first, and the clinician's reviews.

A line's category is the worst of what is open for the patient's sessions:

1. ``urgent``: an active urgent flag (an aged red flag stays urgent);
2. ``warning``: an active warning flag still heard of;
3. ``no-data``: a warning or urgent alarm aged: "no data since day N" (the patient has
   not logged the symptom for MISSING_AFTER_DAYS days or more since it was raised);
4. ``follow-up``: the latest session's follow-up date has come (up to FOLLOW_UP_DUE_DAYS
   after it);
5. ``silent``: nothing logged for the latest session since it (or since day N) for
   MISSING_AFTER_DAYS days or more, while its treatment's expected course still runs: a
   patient who stops logging is never "nothing to see";
6. ``info``: only information flags (not logged for a few days, slower than usual, pigment);
7. ``none``: a session, and nothing above;
8. ``no-session``: no session yet.

A review (``seen`` or ``contacted``, with a short note) covers the concerns open when it
was made, each at its level. A line whose every concern is covered by its latest review
moves below every line with an unreviewed concern, keeping its category; a new concern
(another symptom, another session, a follow-up date reached, a new silence) or a concern
now at a higher level than reviewed lifts it back. Lower levels stay covered: an urgent
flag reviewed that ages into "no data since day N" stays down.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.domain.catalog import symptom_name
from tracker.domain.errors import TrackerError
from tracker.domain.flag_words import RULE_WORDS
from tracker.domain.flags import LEVELS, MISSING_AFTER_DAYS, Flag, sort_key
from tracker.domain.records import SessionRecord
from tracker.domain.text import is_text

CATEGORIES = (
    "urgent",
    "warning",
    "no-data",
    "follow-up",
    "silent",
    "info",
    "none",
    "no-session",
)
# Below these, a line has nothing a clinician is asked to look at.
CONCERNING = frozenset(CATEGORIES[:6])
FOLLOW_UP_DUE_DAYS = 30  # a follow-up date that came more than this long ago is history
ACTIONS = ("seen", "contacted")
MAX_NOTE_CHARS = 280


@dataclass(frozen=True)
class Concern:
    """One thing on a patient's line that a review can cover: a symptom's active flag, a
    follow-up date come, or a silence, on one session, at a level (info/warning/urgent)."""

    session_id: int
    about: str  # a symptom, "follow-up 2026-12-01", "silent since 2026-11-20"
    level: str
    rules: tuple[str, ...] = ()  # a flag's rules (its own and those under it)

    def covered_by(self, covered: Iterable[Concern]) -> bool:
        """Reviewed: the same thing on the same session, at this level or a higher one,
        for every rule it holds now (a new kind of flag on the symptom is new)."""
        rank = LEVELS.index(self.level)
        return any(
            c.session_id == self.session_id
            and c.about == self.about
            and LEVELS.index(c.level) >= rank
            and set(self.rules) <= set(c.rules)
            for c in covered
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "about": self.about,
            "level": self.level,
            "rules": list(self.rules),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Concern:
        rules = tuple(str(r) for r in data.get("rules", ()))
        return cls(int(data["session_id"]), str(data["about"]), str(data["level"]), rules)


@dataclass(frozen=True)
class Review:
    """A clinician's mark on a patient's line: what was open then, and what they did."""

    id: int
    session_id: int | None
    action: str  # seen, contacted
    note: str | None
    reviewer_id: int | None
    at: dt.datetime  # UTC, without a zone
    covers: tuple[Concern, ...] = ()

    @property
    def verb(self) -> str:
        return "saw this" if self.action == "seen" else "contacted you about this"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "session_id": self.session_id,
            "action": self.action,
            "note": self.note,
            "reviewer_id": self.reviewer_id,
            "at": self.at.isoformat(),
            "covers": [c.to_json() for c in self.covers],
        }


def check_review(action: str, note: str | None) -> tuple[str, str | None]:
    """The action and note of a review as stored: a known action, a short one-line note
    (or none); anything else is refused, never cut."""
    if action not in ACTIONS:
        raise TrackerError.malformed(
            f"A review is {' or '.join(repr(a) for a in ACTIONS)}, not {action!r}.",
            field="action",
        )
    text = (note or "").strip()
    if not text:
        return action, None
    if not is_text(text) or any(not ch.isprintable() for ch in text):
        raise TrackerError.malformed("A review's note is one line of plain text.", field="note")
    if len(text) > MAX_NOTE_CHARS:
        raise TrackerError.malformed(
            f"A review's note is at most {MAX_NOTE_CHARS} characters ({len(text)} given): "
            "keep it short; the patient sees it.",
            field="note",
        )
    return action, text


@dataclass(frozen=True)
class TriageLine:
    profile: str
    profile_id: int
    session: SessionRecord | None
    as_of: dt.date
    flags: tuple[Flag, ...]  # active, worst first, any session
    last_logged: dt.date | None  # the latest session's last value (up to as_of)
    concerns: tuple[Concern, ...]
    category: str
    words: str
    review: Review | None = None
    waiting: int = 0  # days its worst concern has been open (longer first within a category)

    @property
    def day(self) -> int | None:
        return None if self.session is None else self.session.day_of(self.as_of)

    @property
    def reviewed(self) -> bool:
        """Every concern covered by the latest review (a line with none is not "reviewed")."""
        if self.review is None or not self.concerns:
            return False
        return all(c.covered_by(self.review.covers) for c in self.concerns)

    @property
    def unreviewed(self) -> tuple[Concern, ...]:
        covers = self.review.covers if self.review else ()
        return tuple(c for c in self.concerns if not c.covered_by(covers))

    def sort_key(self) -> tuple[int, int, int, str]:
        rank = CATEGORIES.index(self.category)
        # 0: a concern not reviewed; 1: every concern reviewed; 2: nothing to look at.
        group = (1 if self.reviewed else 0) if self.category in CONCERNING else 2
        return group, rank, -self.waiting, self.profile

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "category": self.category,
            "words": self.words,
            "reviewed": self.reviewed,
            "session": None if self.session is None else self.session.to_json(),
            "day": self.day,
            "last_logged": None if self.last_logged is None else self.last_logged.isoformat(),
            "flags": [f.to_json() for f in self.flags],
            "concerns": [c.to_json() for c in self.concerns],
            "review": None if self.review is None else self.review.to_json(),
        }


PERSONAL_RULES = frozenset({"slower-than-usual"})  # the patient's own comparison: not the clinic's


def flag_concern(flag: Flag) -> Concern | None:
    """An active flag as a concern a review covers (None: only the personal comparison)."""
    rules = {flag.rule, *flag.also} - PERSONAL_RULES
    if not flag.active or not rules:
        return None
    return Concern(flag.session_id, flag.symptom, flag.level, tuple(sorted(rules)))


def covers_flags(review: Review, flags: Iterable[Flag]) -> bool:
    """Whether a review covers every active flag (what the patient's Status page says)."""
    found = (flag_concern(f) for f in flags)
    return all(c.covered_by(review.covers) for c in found if c is not None)


def flag_category(flag: Flag) -> str:
    if flag.level == "urgent":
        return "urgent"
    if flag.silent_since is not None:
        return "no-data"
    return "warning" if flag.level == "warning" else "info"


def flag_words(flag: Flag) -> str:
    """A flag in a few words for a list: the symptom's name and the rule's words (a rule
    the catalogue has no words for is said by its name, never left out)."""
    what = flag.no_data_words or RULE_WORDS.get(flag.rule, flag.rule)
    return f"{symptom_name(flag.symptom)}: {what}"


def follow_up_due(session: SessionRecord | None, as_of: dt.date) -> bool:
    """The follow-up date has come, and not more than FOLLOW_UP_DUE_DAYS ago."""
    if session is None or session.follow_up is None:
        return False
    return 0 <= (as_of - session.follow_up).days <= FOLLOW_UP_DUE_DAYS


def silent_since(
    session: SessionRecord | None, last_logged: dt.date | None, course_days: int, as_of: dt.date
) -> dt.date | None:
    """The day since which nothing was logged for the latest session (its own date when
    nothing at all was), once MISSING_AFTER_DAYS have passed, while the treatment's expected
    course still runs; None otherwise."""
    if session is None or session.day_of(as_of) > course_days:
        return None
    since = last_logged or session.date
    return since if (as_of - since).days >= MISSING_AFTER_DAYS else None


def line(
    profile: tuple[str, int],
    session: SessionRecord | None,
    flags: Sequence[Flag],
    last_logged: dt.date | None,
    course_days: int,
    as_of: dt.date,
    review: Review | None = None,
) -> TriageLine:
    """A patient's triage line from what storage found: their latest session, their active
    flags (any session), the last day logged for the latest session, the longest expected
    course of its treatment, and their latest review."""
    active = sorted((f for f in flags if f.active), key=sort_key)
    concerns = [
        Concern(f.session_id, f.symptom, f.level, tuple(sorted({f.rule, *f.also}))) for f in active
    ]
    found: list[tuple[str, str, int]] = []  # category, words, days waiting
    for flag in active:
        found.append((flag_category(flag), flag_words(flag), flag.last_day - flag.first_day))
    if session is not None and follow_up_due(session, as_of):
        assert session.follow_up is not None
        concerns.append(Concern(session.id, f"follow-up {session.follow_up}", "info"))
        days = (as_of - session.follow_up).days
        when = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
        found.append(("follow-up", f"follow-up due {session.follow_up} ({when})", days))
    quiet = silent_since(session, last_logged, course_days, as_of)
    if session is not None and quiet is not None:
        concerns.append(Concern(session.id, f"silent since {quiet}", "info"))
        if last_logged is None:
            words = f"nothing logged since the session (now day {session.day_of(as_of)})"
        else:
            words = f"nothing logged since day {session.day_of(quiet)}"
        found.append(("silent", words, (as_of - quiet).days))
    if found:
        category, words, waiting = min(found, key=lambda f: (CATEGORIES.index(f[0]), -f[2]))
        more = len(found) - 1
        if more:
            words += f" (+{more} more)"
    elif session is None:
        category, words, waiting = "no-session", "no session yet", 0
    else:
        category, words, waiting = "none", "nothing open", 0
    return TriageLine(
        profile[0],
        profile[1],
        session,
        as_of,
        tuple(active),
        last_logged,
        tuple(concerns),
        category,
        words,
        review,
        waiting,
    )


def ordered(lines: Iterable[TriageLine]) -> list[TriageLine]:
    """Worst first: unreviewed concerns by category, then reviewed ones, then the rest."""
    return sorted(lines, key=TriageLine.sort_key)
