"""What recovery is expected to look like after each treatment kind, for this person.

Three kinds of figure, each with its basis and source:
- the course: how long a symptom usually lasts and when it is expected gone
  (``tracker/data/expected_recovery.csv``; a patient or clinic can override it);
- onset windows: days in which a symptom is expected to appear or rise
  (``tracker/data/onset_peak.csv``), so a rise there is not "worsening";
- the severe window: the last day a severe value (7-10) is still expected.

A kind without a figure borrows one from a related kind (``RELATED``), never from an
unrelated one; with no related figure the general default applies, listed with basis
``default``. Skin settings adjust the figures where a source supports it (``modifiers``).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from tracker.domain.catalog import SYMPTOMS, SYMPTOMS_BY_KEY
from tracker.domain.dates import day_span, gone_by
from tracker.domain.records import ProfileRecord
from tracker.domain.words import Words

DEFAULT_MAX_DAYS = 7
DEFAULT_SOURCE = (
    "no figure for this symptom after this treatment or a related one: judged by the general "
    "course (the treatment's own shortest course, 7 days at most, mild values only)"
)
# The envelope: the highest value expected on a day, by stage.
STRONG_CEILING = 10  # inside the strong stage
COURSE_CEILING = 6  # the rest of a sourced course: moderate at most
NO_FIGURE_CEILING = 3  # a course with no figure: mild at most (a cautious default)
OVERRIDE_SOURCE = str(Words.OVERRIDE_SOURCE)

# Related kinds to borrow a missing figure from, nearest first. Only kinds of the same
# family: lasers that remove the surface borrow from each other, the gentler lasers and
# light (IPL) from each other, a peel from the next lighter peel. Microneedling has none.
RELATED: dict[str, tuple[str, ...]] = {
    "laser-rejuvenation": ("nonablative-fractional",),
    "nonablative-fractional": ("laser-rejuvenation",),
    "ipl": ("laser-rejuvenation", "nonablative-fractional"),
    "co2-ablative": ("erbium-yag", "co2-fractional"),
    "erbium-yag": ("co2-ablative", "co2-fractional"),
    "co2-fractional": ("erbium-yag", "co2-ablative"),
    "peel-deep": ("peel-medium",),
    "peel-medium": ("peel-superficial",),
    "peel-superficial": (),
    "microneedling": (),
}

SENSITIVE_STRETCH = 1.5
SENSITIVE_SYMPTOMS = ("redness", "itching")
SENSITIVE_SOURCE = (
    "sensitive skin: courses x1.5 (inferred; no study measures it). Mayo Clinic, laser "
    "resurfacing risks: an existing skin condition such as rosacea can add redness lasting "
    "months; redness after microneedling 24-48 h, up to a week in sensitive skin (aggregator, "
    "weak); sensitive skin needs longer healing after peels (clinic page, weak)"
)
DARK_SKIN_TYPES = ("IV", "V", "VI")
PIGMENT_WATCH = (14, 56)
PIGMENT_WATCH_SOURCE = (
    "Fitzpatrick IV-VI: watch for darker patches in weeks 2-8 (inferred from "
    "hyperpigmentation 'typically seen within 3-6 weeks' after resurfacing, more often in "
    "darker skin: skin-disease-care.com adverse effects textbook excerpt; 3-4 weeks in 33%: "
    "ophthalmologyweb.com; Mayo Clinic laser resurfacing risks), widened a week each side"
)


@dataclass(frozen=True)
class Window:
    """Days (after the session) in which something is expected, with where the figure is from."""

    first_day: int
    last_day: int
    basis: str
    source: str
    from_kind: str | None = None  # the related kind the figure was borrowed from

    def holds(self, day: int) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def days(self) -> str:
        return day_span(self.first_day, self.last_day)

    def to_json(self) -> dict[str, Any]:
        return {
            "first_day": self.first_day,
            "last_day": self.last_day,
            "basis": self.basis,
            "source": self.source,
            "from_kind": self.from_kind,
        }


@dataclass(frozen=True)
class Expectation:
    kind: str
    symptom: str
    typical_days: int | None
    max_days: int
    basis: str  # published, inferred, default or custom
    source: str
    overridden: bool = False
    from_kind: str | None = None  # the related kind the course was borrowed from
    onsets: tuple[Window, ...] = ()
    severe_until: Window | None = (
        None  # the strong stage: severe values expected, easing by its end
    )
    severe_latest: Window | None = None  # after its last day a severe value is urgent
    adjusted: tuple[str, ...] = field(default=())  # why the figures differ for this person
    watch: Window | None = None  # days to look out for it (darker patches on darker skin)

    @property
    def group(self) -> str:
        known = SYMPTOMS_BY_KEY.get(self.symptom)
        return known.group if known else "common"

    @property
    def has_course(self) -> bool:
        """Red-flag and pigment symptoms are never judged against an expected course."""
        return self.group == "common"

    @property
    def course_words(self) -> str:
        """When it is expected gone, in short words read the same by a patient and a doctor:
        "most people gone by day 3; flagged after day 7" (the day most are gone by, then the
        day after which it is unusual and the tracker then flags it); a symptom with no course
        says what to do. ``plain_course`` says it in sentences."""
        if self.group == "red-flag":
            return "no expected course: contact your clinic now"
        if self.group == "pigment":
            return "no expected course: raise it at your follow-up"
        flagged = f"flagged after day {self.max_days}"
        if self.no_figure:
            return f"no figure: {flagged}"
        if self.typical_days is None:
            return flagged
        return f"most people {gone_by(self.typical_days)}; {flagged}"

    @property
    def plain_course(self) -> str:
        """The expected course in sentences, the same on Status, the report and the chart:
        "Most people: gone by day 3. Later than day 7 is unusual: the tracker then flags it." """
        if not self.has_course:
            return self.course_words[0].upper() + self.course_words[1:] + "."
        later = f"Later than day {self.max_days} is unusual: the tracker then flags it."
        if self.no_figure:
            return (
                "No figure for this symptom after this treatment: judged by the general course. "
                f"Later than day {self.max_days}: the tracker then flags it."
            )
        if self.typical_days is None:
            return later
        return f"Most people: {gone_by(self.typical_days)}. {later}"

    def chart_label(self, last_day: int) -> str:
        """A chart's short word for it: "flagged after day 7" (the darker bar shows when most
        people are gone), with an arrow when that day lies past the chart's last day; a
        symptom with no course says what to do instead."""
        if self.group == "red-flag":
            return "no course: contact clinic"
        if self.group == "pigment":
            return "no course: ask at follow-up"
        return f"flagged after day {self.max_days}" + (" →" if self.max_days > last_day else "")

    def onset_at(self, day: int) -> Window | None:
        return next((w for w in self.onsets if w.holds(day)), None)

    @property
    def no_figure(self) -> bool:
        """No source gives a course for it after this treatment, nor after a related one."""
        return self.basis == "default"

    @property
    def ease_by(self) -> int | None:
        """The last day of the strong stage: a severe value should ease by then (never past
        the end of the course, which a borrowed stage could otherwise outlast)."""
        if self.severe_until is None:
            return None
        return min(self.severe_until.last_day, self.max_days)

    @property
    def latest_strong(self) -> int | None:
        """The last day a severe value may still be easing before it is urgent."""
        if self.severe_latest is not None:
            return min(self.severe_latest.last_day, self.max_days)
        return self.ease_by

    @property
    def onset_ends(self) -> int | None:
        """The last day it usually starts or rises; None when it is there from the start."""
        return max((w.last_day for w in self.onsets), default=None)

    def ceiling(self, day: int) -> int:
        """The highest value of its expected course on a day (the envelope); 0 after it."""
        if self.ease_by is not None and day <= self.ease_by:
            return STRONG_CEILING
        if day > self.max_days:
            return 0
        return NO_FIGURE_CEILING if self.no_figure else COURSE_CEILING

    def envelope_words(self) -> str:
        """The whole expected course in words: start, strong stage, usual end and latest."""
        if not self.has_course:
            return self.course_words
        parts = []
        if self.onsets:
            parts.append("starts or rises on " + ", ".join(w.days for w in self.onsets))
        if self.ease_by is not None:
            strong = f"strong up to day {self.ease_by}"
            if self.latest_strong != self.ease_by:
                strong += f", eased by day {self.latest_strong} at the latest"
            parts.append(strong)
        parts.append(self.course_words)
        if self.no_figure:
            parts.append(
                "no figure for this symptom after this treatment: judged by the "
                "general course, mild values only"
            )
        return "; ".join(parts)

    def severe_expected_on(self, day: int) -> bool:
        return self.ease_by is not None and day <= self.ease_by

    def to_json(self) -> dict[str, Any]:
        course = self.has_course
        return {
            "kind": self.kind,
            "symptom": self.symptom,
            "typical_days": self.typical_days if course else None,
            "max_days": self.max_days if course else None,
            "basis": self.basis if course else self.group,
            "source": self.source if course else group_rule(self.group),
            "overridden": self.overridden,
            "from_kind": self.from_kind,
            "onsets": [w.to_json() for w in self.onsets],
            "severe_until": self.severe_until.to_json() if self.severe_until else None,
            "severe_latest": self.severe_latest.to_json() if self.severe_latest else None,
            "envelope": self.envelope_words(),
            "no_figure": self.no_figure and course,
            "adjusted": list(self.adjusted),
            "watch": self.watch.to_json() if self.watch else None,
        }


def group_rule(group: str) -> str:
    if group == "red-flag":
        return "no expected course: any value above 0 means contact your clinic now"
    return "no expected course: any value above 0 is raised at your follow-up"


@dataclass(frozen=True)
class Override:
    kind: str
    symptom: str
    max_days: int
    typical_days: int | None = None


class Windows(NamedTuple):
    """The days of one (kind, symptom) in onset_peak.csv."""

    onsets: tuple[Window, ...]
    severe: Window | None  # the strong stage
    latest: Window | None = None  # the latest day a strong stage may still be easing


Table = Mapping[tuple[str, str], Expectation]
WindowTable = Mapping[tuple[str, str], Windows]


def _comment_free(text: str) -> Iterable[str]:
    return (line for line in io.StringIO(text) if not line.startswith("#"))


def parse_table(text: str) -> dict[tuple[str, str], Expectation]:
    table: dict[tuple[str, str], Expectation] = {}
    for row in csv.DictReader(_comment_free(text)):
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


def parse_windows(text: str) -> dict[tuple[str, str], Windows]:
    """Onset windows, the strong stage and its latest day of each (kind, symptom) in
    onset_peak.csv (a file without the latest columns: the strong stage's own last day)."""
    onsets: dict[tuple[str, str], list[Window]] = {}
    severe: dict[tuple[str, str], Window] = {}
    latest: dict[tuple[str, str], Window] = {}
    for row in csv.DictReader(_comment_free(text)):
        key = (row["kind"], row["symptom"])
        onsets.setdefault(key, [])
        if row["onset_from_day"]:
            onsets[key].append(
                Window(
                    int(row["onset_from_day"]),
                    int(row["onset_to_day"]),
                    row["basis"],
                    row["source"],
                )
            )
        if row["severe_expected_to_day"]:
            severe[key] = Window(0, int(row["severe_expected_to_day"]), row["basis"], row["source"])
        if row.get("severe_latest_day"):
            latest[key] = Window(
                0, int(row["severe_latest_day"]), row["latest_basis"], row["latest_source"]
            )
    return {
        key: Windows(tuple(found), severe.get(key), latest.get(key))
        for key, found in onsets.items()
    }


def _data(name: str) -> str:
    return resources.files("tracker.data").joinpath(name).read_text("utf-8")


@cache
def shipped_table() -> dict[tuple[str, str], Expectation]:
    return parse_table(_data("expected_recovery.csv"))


@cache
def shipped_windows() -> dict[tuple[str, str], Windows]:
    return parse_windows(_data("onset_peak.csv"))


def _borrowed(window: Window, kind: str) -> Window:
    return replace(window, from_kind=kind)


class Expectations:
    """Shipped figures, related-kind fallbacks, overrides and skin adjustments."""

    def __init__(
        self,
        table: Table,
        overrides: Iterable[Override] = (),
        *,
        windows: WindowTable | None = None,
        skin: ProfileRecord | None = None,
    ) -> None:
        self._table = table
        self._windows = shipped_windows() if windows is None else windows
        self._overrides = {(o.kind, o.symptom): o for o in overrides}
        self._skin = skin
        self._cache: dict[tuple[str, str], Expectation] = {}

    def for_pair(self, kind: str, symptom: str) -> Expectation:
        key = (kind, symptom)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._build(kind, symptom)
        return found

    def _course(self, kind: str, symptom: str) -> Expectation:
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
        for related in RELATED.get(kind, ()):
            borrowed = self._table.get((related, symptom))
            if borrowed is not None:
                return replace(
                    borrowed,
                    kind=kind,
                    basis="inferred",
                    from_kind=related,
                    source=(
                        f"{related} figure ({borrowed.basis}), used for {kind} as a related "
                        f"kind: {borrowed.source}"
                    ),
                )
        return Expectation(kind, symptom, None, self._default_days(kind), "default", DEFAULT_SOURCE)

    def _default_days(self, kind: str) -> int:
        """No figure: the treatment's own shortest course, 7 days at most (at least day 1),
        so that a default is never more lenient than what is known of the treatment."""
        own = [e.max_days for (k, _), e in self._table.items() if k == kind]
        return max(1, min([DEFAULT_MAX_DAYS, *own]))

    def _windows_for(self, kind: str, symptom: str) -> Windows:
        own = self._windows.get((kind, symptom))
        if own is not None:  # a row of its own, even without a rise: present from day 0
            return own
        # Borrowed whole, as a course is: the rise, the strong stage and its latest day, from
        # the nearest related kind that has any of them (never from an unrelated kind).
        for related in RELATED.get(kind, ()):
            theirs = self._windows.get((related, symptom))
            if theirs is not None and (theirs.onsets or theirs.severe):
                return Windows(
                    tuple(_borrowed(w, related) for w in theirs.onsets),
                    _borrowed(theirs.severe, related) if theirs.severe else None,
                    _borrowed(theirs.latest, related) if theirs.latest else None,
                )
        return Windows((), None)

    def _build(self, kind: str, symptom: str) -> Expectation:
        course = self._course(kind, symptom)
        onsets, severe, latest = self._windows_for(kind, symptom)
        adjusted: list[str] = []
        skin = self._skin
        stretch = skin is not None and skin.sensitive_skin and symptom in SENSITIVE_SYMPTOMS
        if stretch and not course.overridden:
            course = replace(
                course,
                typical_days=(
                    math.ceil(course.typical_days * SENSITIVE_STRETCH)
                    if course.typical_days is not None
                    else None
                ),
                max_days=math.ceil(course.max_days * SENSITIVE_STRETCH),
            )
            adjusted.append(SENSITIVE_SOURCE)
        watch = None
        if skin is not None and skin.skin_type in DARK_SKIN_TYPES and symptom == "darkening":
            watch = Window(*PIGMENT_WATCH, "inferred", PIGMENT_WATCH_SOURCE)
        return replace(
            course,
            onsets=onsets,
            severe_until=severe,
            severe_latest=latest,
            adjusted=tuple(adjusted),
            watch=watch,
        )

    def longest_course_bound(self) -> int:
        """Days no course of any kind lasts longer than (shipped, borrowed, overridden or
        stretched for sensitive skin, and the 7-day default): how far back a treatment can
        still be within its recovery window, without building every kind's courses."""
        longest = max(
            [DEFAULT_MAX_DAYS]
            + [e.max_days for e in self._table.values()]
            + [o.max_days for o in self._overrides.values()]
        )
        return math.ceil(longest * SENSITIVE_STRETCH)

    def rows(self, kinds: Iterable[str]) -> list[Expectation]:
        """Every symptom the tracker knows, for each kind, in catalog order."""
        return [self.for_pair(kind, s.key) for kind in kinds for s in SYMPTOMS]
