"""The follow-up report: a multi-page A4 PDF with real, searchable text.

Drawn with matplotlib's object API (TrueType text, so it can be searched and
copied), from plain data. Imported only by the commands that write reports.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import BinaryIO

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from tracker.domain.care import care_name
from tracker.domain.catalog import agreement, kind_name, kind_words, symptom_name
from tracker.domain.clock import at
from tracker.domain.flags import Flag
from tracker.domain.limits import REPORT_TEXT_CHARS
from tracker.domain.photos import REPORT_MAX_PHOTOS, ReportPhoto
from tracker.domain.profiles import DEFAULT_PROFILE
from tracker.domain.records import ProfileRecord
from tracker.domain.severity import band
from tracker.domain.summaries import SessionView
from tracker.domain.text import shortened, visible
from tracker.drawing.charts import session_figure
from tracker.drawing.glyphs import drawable
from tracker.drawing.measure import Measure
from tracker.drawing.photo_page import draw_photos

PAGE = (8.27, 11.69)  # A4 portrait, inches; prints on Letter with little loss
MARGIN = 0.7
TEXT_WIDTH = PAGE[0] - 2 * MARGIN
FOOTER = (
    "Information, not a diagnosis: this record was kept by the patient. Ask your skin "
    "specialist about anything that worries you."
)
# A report of bounded size, whatever the history (README "The report"): the daily log
# shows each day up to DAILY_DAYS, then weeks up to WEEKLY_UNTIL_DAY, then four weeks a
# row; the last MAX_NOTES notes and MAX_RESOLVED_FLAGS resolved flags. The exports hold all.
DAILY_DAYS = 42
WEEKLY_UNTIL_DAY = 182
MAX_NOTES = 60
MAX_RESOLVED_FLAGS = 12
GRID_COLUMNS = 6  # symptoms per daily-log table before it splits: room for their names


# Which flag of a symptom its question is about: what needs an answer now comes first.
ASKED_FIRST = (
    ("red-flag", True),
    ("red-flag", False),
    ("worsening", True),
    ("severe", True),
    ("persisting", True),
    ("pigment", True),
    ("pigment", False),
    ("worsening", False),
    ("severe", False),
    ("persisting", False),
)


def questions(flags: Sequence[Flag]) -> list[str]:
    """Questions for the visit: one per symptom with a flag worth asking about, then the
    usual ones. A symptom still severe is asked about as it is now, not as a past event."""
    by_symptom: dict[str, list[Flag]] = {}
    for flag in flags:
        by_symptom.setdefault(flag.symptom, []).append(flag)
    asked: list[str] = []
    for found in by_symptom.values():
        chosen = next(
            (
                f
                for rule, active in ASKED_FIRST
                for f in found
                if (f.rule, f.active) == (rule, active)
            ),
            None,
        )
        if chosen is not None:
            asked.append(_question(chosen))
    asked.append("When can I have my next session, and should the settings or aftercare change?")
    asked.append("Which moisturiser, creams and sun protection should I use from now on?")
    return asked


def _question(flag: Flag) -> str:
    name = symptom_name(flag.symptom).lower()
    agree = agreement(flag.symptom)
    was, has = agree.was, agree.has
    if flag.rule == "red-flag":
        return f"I had {name} from day {flag.first_day}. Does it need treatment?"
    if flag.rule == "pigment":
        return f"I noticed {name} from day {flag.first_day}. Will it fade, and how can I help it?"
    if flag.rule == "worsening":
        return f"My {name} came back stronger from day {flag.first_day}. Could it be an infection?"
    if flag.rule == "severe" and flag.active:
        return (
            f"My {name} {has} been severe since day {flag.first_day} and {was} still severe "
            f"on day {flag.last_day}. What should I do about it now?"
        )
    if flag.rule == "severe":
        return f"My {name} {was} severe on {flag.days}. What should I do if that happens again?"
    if flag.active:
        return (
            f"My {name} {was} still there on day {flag.last_day}, later than expected. Is "
            "that normal for my skin, and what should I do about it?"
        )
    return (
        f"My {name} lasted until day {flag.last_day}, longer than expected. Is that normal "
        "for my skin, and should the aftercare change next time?"
    )


def _patient_facts(profile: ProfileRecord | None) -> list[tuple[str, str]]:
    """Who and what skin: the profile's name only where there is more than the default one
    to tell apart, and what is not recorded said as not recorded."""
    if profile is None:
        return [("Skin", "not recorded")]
    skin = [
        f"Fitzpatrick type {profile.skin_type}" if profile.skin_type else "skin type not recorded",
        "sensitive skin" if profile.sensitive_skin else "not marked as sensitive",
    ]
    facts = [("Skin", "; ".join(skin))]
    if profile.name != DEFAULT_PROFILE:
        facts.insert(0, ("Patient profile", profile.name))
    return facts


def day_ranges(days: Sequence[int]) -> str:
    """Days as compact ranges: [0, 1, 2, 5] -> "0-2, 5"."""
    ordered = sorted(set(days))
    parts: list[str] = []
    start = previous = ordered[0]
    for day in [*ordered[1:], None]:
        if day is not None and day == previous + 1:
            previous = day
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if day is not None:
            start = previous = day
    return ", ".join(parts)


class Pages:
    """Lays out text top to bottom on A4 figures, starting new pages as needed."""

    def __init__(self, heading: str) -> None:
        self.heading = heading
        self.figures: list[Figure] = []
        self.y = 0.0
        self.page: Figure | None = None

    def new_page(self) -> Figure:
        self.page = Figure(figsize=PAGE)
        self.figures.append(self.page)
        self.page.text(
            MARGIN / PAGE[0],
            1 - 0.45 / PAGE[1],
            self.heading,
            fontsize=8,
            color="#555555",
            va="top",
        )
        self.y = PAGE[1] - MARGIN - 0.15
        return self.page

    def _room(self, height: float) -> Figure:
        if self.page is None or self.y - height < MARGIN + 0.3:
            return self.new_page()
        return self.page

    def text(
        self,
        content: str,
        *,
        size: float = 10,
        weight: str = "normal",
        indent: float = 0,
        colour: str = "black",
        gap: float = 0.04,
        width: float | None = None,
        x: float | None = None,
    ) -> None:
        line_height = size * 1.45 / 72
        lines = _wrap(content, size, (width or TEXT_WIDTH) - indent, weight)
        for line in lines:
            page = self._room(line_height)
            left = (x if x is not None else MARGIN) + indent
            page.text(
                left / PAGE[0],
                self.y / PAGE[1],
                line,
                fontsize=size,
                fontweight=weight,
                color=colour,
                va="top",
            )
            self.y -= line_height
        self.y -= gap

    def space(self, inches: float) -> None:
        self.y -= inches

    def title(self, content: str) -> None:
        self._room(0.8)
        self.space(0.08)
        self.text(content, size=13, weight="bold", gap=0.08)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        size: float = 8.5,
    ) -> None:
        """Columns at fixed widths (inches); long cells wrap within their column."""
        line_height = size * 1.45 / 72

        def draw_row(cells: Sequence[str], weight: str) -> None:
            wrapped = [
                _wrap(cell, size, w - COLUMN_GAP, weight)
                for cell, w in zip(cells, widths, strict=True)
            ]
            height = max(len(lines) for lines in wrapped) * line_height
            fresh = self.page is None or self.y - height < MARGIN + 0.3
            page = self._room(height)
            if fresh and weight == "normal":
                draw_row(headers, "bold")
                page = self._room(height)
            left = MARGIN
            for lines, w in zip(wrapped, widths, strict=True):
                for number, line in enumerate(lines):
                    page.text(
                        left / PAGE[0],
                        (self.y - number * line_height) / PAGE[1],
                        line,
                        fontsize=size,
                        fontweight=weight,
                        va="top",
                    )
                left += w
            self.y -= height + 0.03

        draw_row(headers, "bold")
        for row in rows:
            draw_row(row, "normal")
        self.y -= 0.1


def _shown(content: str) -> str:
    # A note can be megabytes long: wrapping and drawing it whole would take minutes and
    # hundreds of pages. The report shows its start; the export holds all of it.
    return visible(shortened(content, REPORT_TEXT_CHARS))


COLUMN_GAP = 0.1  # inches between a table's columns
# Text is wrapped at its measured width: an estimate per character let wide letters and
# stand-ins such as [LOTION BOTTLE] run into the margin or the next column.
_MEASURE = Measure(Figure(figsize=PAGE))


def _wrap(content: str, size: float, room: float, weight: str = "normal") -> list[str]:
    """The lines a text takes at this size within ``room`` inches, as it will be drawn:
    characters the font lacks written as their names."""
    return list(_wrapped(content, size, room, weight))


@lru_cache(maxsize=4096)
def _wrapped(content: str, size: float, room: float, weight: str) -> tuple[str, ...]:
    # A daily log repeats the same cells ("3", "") thousands of times: each is measured once.
    shown = " ".join(drawable(_shown(content)).split())
    if _word_width(shown, size, weight) <= room:
        return (shown,)
    lines: list[str] = []
    line, width = "", 0.0
    space = _word_width(" ", size, weight)
    for word in shown.split(" "):
        # Measured word by word, each word once (a line re-measured at every word took
        # minutes for a long flag list); WRAP_SLACK keeps the sum on the safe side.
        needed = _word_width(word, size, weight)
        if line and width + space + needed <= room * WRAP_SLACK:
            line, width = f"{line} {word}", width + space + needed
            continue
        if line:
            lines.append(line)
        if needed <= room * WRAP_SLACK:
            line, width = word, needed
            continue
        # A word longer than a line is split where it must be.
        pieces = _MEASURE.wrap(word, size, room * WRAP_SLACK, weight).split("\n")
        lines.extend(pieces[:-1])
        line, width = pieces[-1], _word_width(pieces[-1], size, weight)
    lines.append(line)
    return tuple(lines)


WRAP_SLACK = 0.97  # a line of measured words is at most this share of its room


@lru_cache(maxsize=16384)
def _word_width(word: str, size: float, weight: str) -> float:
    return _MEASURE.width(word, size, weight)


def _first_page(pages: Pages, view: SessionView, generated: dt.date) -> None:
    pages.new_page()
    pages.text("Recovery report for the follow-up visit", size=18, weight="bold", gap=0.06)
    pages.text(
        f"Kept by the patient with the recovery tracker; made on {generated}. Values are how "
        "strong each symptom felt that day, from 0 (none) to 10 (worst): 1-3 mild, 4-6 "
        "moderate, 7-10 severe.",
        size=9,
        colour="#333333",
        gap=0.15,
    )
    _treatment(pages, view)
    _at_a_glance(pages, view)
    shown = _open_flags(pages, view)
    _resolved_flags(pages, [f for f in shown if not f.active])
    pages.title("Questions to ask at your visit")
    for question in questions(shown):
        pages.text(f"•  {question}", size=10, indent=0.15)


def _treatment(pages: Pages, view: SessionView) -> None:
    """The patient, the treatment and its dates, as a two-column list."""
    s = view.session
    pages.title("Treatment")
    follow = "not set"
    if s.follow_up is not None:
        follow = f"{s.follow_up} (day {s.day_of(s.follow_up)})"
    facts = [
        *_patient_facts(view.profile),
        ("Treatment", kind_name(s.kind)),
        ("Session date", f"{s.date}: day 0"),
        ("Report as of", f"{view.as_of}: day {s.day_of(view.as_of)}"),
        ("Area", s.area or "-"),
        ("Clinic", s.clinic or "-"),
        ("Follow-up", follow),
        ("Session notes", s.notes or "-"),
    ]
    for label, value in facts:
        top = pages.y
        pages.text(label, size=10, weight="bold", gap=0)
        pages.y = top
        pages.text(value, size=10, indent=1.5, gap=0.02)


def _at_a_glance(pages: Pages, view: SessionView) -> None:
    """A line per symptom, the late ones first: its peak, its outcome and its course."""
    pages.title("At a glance")
    late_first = sorted(view.summaries, key=lambda item: "on course" in item.outcome)
    for summary in late_first:
        peak = summary.peak
        course = (
            summary.expected.plain_course
            if summary.expected.has_course
            else "No expected course: raise it with your clinic."
        )
        extra = [note for note in (summary.personal_note,) if note]
        if summary.forecast is not None and summary.expected.has_course:
            extra.append(summary.forecast.describe())
        pages.text(
            f"{symptom_name(summary.symptom)}: peak {peak.severity}/10 ({band(peak.severity)}) "
            f"on day {peak.day}; {summary.outcome}"
            + "".join(f"; {note}" for note in extra)
            + f". {course}",
            size=10,
            indent=0.15,
        )
    if view.temperatures:
        highest = max(view.temperatures, key=lambda t: t.typed.celsius)
        latest = view.temperatures[-1]
        pages.text(
            f"Temperature ({len(view.temperatures)} taken): highest {highest.describe()}; "
            f"latest {latest.describe()}.",
            size=10,
            indent=0.15,
        )


def _open_flags(pages: Pages, view: SessionView) -> list[Flag]:
    """The open flags, each with its message and advice; returns every flag but the
    missing days' (the resolved ones and the questions come from them)."""
    pages.title("Flags")
    shown = [f for f in view.flags if f.rule != "missing"]
    active = [f for f in shown if f.active]
    if not active:
        pages.text(f"None open on {view.as_of}.", size=10)
    for flag in active:
        pages.text(
            f"{flag.level.upper()}: {symptom_name(flag.symptom)} "
            f"({flag.no_data_words or flag.rule}, {flag.days})",
            size=10,
            weight="bold",
            gap=0.01,
        )
        pages.text(flag.message, size=10, indent=0.15, gap=0.01)
        for reason in flag.reasons:  # the symptom's other reasons, under its one flag
            pages.text(f"Also: {reason}", size=9.5, indent=0.3, gap=0.01)
        pages.text(flag.advice, size=9.5, indent=0.15, colour="#333333", gap=0.08)
    return shown


def _resolved_flags(pages: Pages, resolved: Sequence[Flag]) -> None:
    """Flags whose cause has ended: kept apart, so the open ones stand out."""
    if not resolved:
        return
    pages.title("Resolved flags")
    for flag in resolved[-MAX_RESOLVED_FLAGS:]:
        pages.text(
            f"{symptom_name(flag.symptom)} ({flag.rule}, {flag.level}, {flag.days}; ended "
            f"{flag.resolved_date})",
            size=10,
            weight="bold",
            gap=0.01,
        )
        pages.text(flag.message, size=10, indent=0.15, gap=0.08)
    if len(resolved) > MAX_RESOLVED_FLAGS:
        pages.text(
            f"{len(resolved) - MAX_RESOLVED_FLAGS} earlier resolved flags are not listed here "
            "(the tracker's flag history has them all).",
            size=9,
            colour="#444444",
        )


CHART_TOP = 0.75  # the page heading above the chart, as on the other pages
CHART_BOTTOM = 0.65  # the footer below it
# Its sides: inside what a printer leaves blank (about 0.25 in), a little wider than the
# text pages' margin so that a crowded chart keeps three panels to a row.
CHART_SIDE = 0.4


def _chart_page(pages: Pages, view: SessionView) -> None:
    # Laid out in the page's text width, then set on the A4 page inside its margins: the
    # chart's title and axis words then sit where every other page's text does, not at the
    # paper's edge where a printer cuts.
    inner = (PAGE[0] - 2 * CHART_SIDE, PAGE[1] - CHART_TOP - CHART_BOTTOM)
    figure = session_figure(view, size=inner)
    _onto_page(figure, left=CHART_SIDE, bottom=CHART_BOTTOM)
    figure.text(
        MARGIN / PAGE[0], 1 - 0.45 / PAGE[1], pages.heading, fontsize=8, color="#555555", va="top"
    )
    pages.figures.append(figure)
    pages.page = None


def _onto_page(figure: Figure, *, left: float, bottom: float) -> None:
    """Make the figure an A4 page with its drawing, as laid out, at (left, bottom) inches.

    Sizes in points (text, lines) stay as they were measured; only positions, which are
    fractions of the figure, are moved.
    """
    width, height = figure.get_size_inches()

    def moved(x: float, y: float) -> tuple[float, float]:
        return (left + x * width) / PAGE[0], (bottom + y * height) / PAGE[1]

    anchors = []
    for legend in figure.legends:
        corner = legend.get_bbox_to_anchor()
        anchors.append(figure.transFigure.inverted().transform((corner.x0, corner.y1)))
    figure.set_size_inches(*PAGE)
    for ax in figure.axes:
        box = ax.get_position()
        x, y = moved(box.x0, box.y0)
        ax.set_position((x, y, box.width * width / PAGE[0], box.height * height / PAGE[1]))
    for text in figure.texts:
        text.set_position(moved(*text.get_position()))
    for legend, (x, y) in zip(figure.legends, anchors, strict=True):
        legend.set_bbox_to_anchor(moved(x, y), transform=figure.transFigure)


def _tables(pages: Pages, view: SessionView) -> None:
    pages.new_page()
    pages.title("Each symptom against its expected course")
    rows = []
    for summary in view.summaries:
        peak = summary.peak
        expected = summary.expected
        rows.append(
            (
                symptom_name(summary.symptom),
                f"{peak.severity}/10 on day {peak.day}",
                summary.outcome,
                expected.course_words,
                (
                    ("no figure" if expected.no_figure else expected.basis)
                    + (" (your setting)" if expected.overridden else "")
                )
                if expected.has_course
                else "-",
            )
        )
    pages.table(
        ("Symptom", "Peak", "Course", "Expected course", "Basis"),
        rows,
        (1.45, 1.0, 1.75, 1.75, 0.9),
    )
    pages.text(
        "Basis: 'published' figures come from cited aftercare and clinical sources; "
        "'inferred' ones were reasoned from nearby figures; 'no figure': no source gives one "
        "for this treatment and symptom, so it is judged by the general course. Most people "
        "are gone by the first day named; later than the second is unusual, and the tracker "
        "then flags it.",
        size=8,
        colour="#444444",
        gap=0.15,
    )
    pages.title("Care log")
    if not view.care:
        pages.text("Nothing recorded.", size=10)
    else:
        care_rows: list[tuple[str, ...]] = []
        for action in dict.fromkeys(c.action for c in view.care):
            done = [c for c in view.care if c.action == action]
            notes = "; ".join(dict.fromkeys(c.note for c in done if c.note))
            care_rows.append(
                (
                    care_name(action),
                    day_ranges([c.day for c in done]),
                    str(len(done)),
                    notes,
                )
            )
        pages.table(("Care", "Days", "Times", "Notes"), care_rows, (2.0, 1.6, 0.6, 2.65))


def log_periods(days: Sequence[int]) -> list[tuple[int, int]]:
    """The rows of the daily log, as (first day, last day): each of the first DAILY_DAYS
    days after the session on its own row, then a week a row up to WEEKLY_UNTIL_DAY, then
    four weeks a row; only periods holding a logged day. A record of years stays a few
    pages (the exports hold every day)."""
    periods: dict[tuple[int, int], None] = {}
    for day in sorted(days):
        if day < DAILY_DAYS:
            first, length = day, 1
        elif day < WEEKLY_UNTIL_DAY:
            first, length = DAILY_DAYS + (day - DAILY_DAYS) // 7 * 7, 7
        else:
            first = WEEKLY_UNTIL_DAY + (day - WEEKLY_UNTIL_DAY) // 28 * 28
            length = 28
        periods[(first, first + length - 1)] = None
    return list(periods)


def _daily_log(pages: Pages, view: SessionView) -> None:
    pages.new_page()
    pages.title("Daily log (0-10)")
    highest: dict[tuple[int, str], int] = {}
    periods = log_periods([e.day for e in view.entries])
    starts = [first for first, _ in periods]
    for entry in view.entries:
        period = periods[bisect.bisect_right(starts, entry.day) - 1]
        key = (period[0], entry.symptom)
        highest[key] = max(highest.get(key, 0), entry.severity)
    symptoms = view.symptoms
    for start in range(0, len(symptoms), GRID_COLUMNS):
        chunk = symptoms[start : start + GRID_COLUMNS]
        column = min(0.8, (TEXT_WIDTH - 1.65) / len(chunk))
        rows = [
            (
                _period_dates(view, first, last),
                str(first) if first == last else f"{first}-{last}",
                *(str(highest.get((first, s), "")) for s in chunk),
            )
            for first, last in periods
        ]
        # The names, as on every other page, wrapped at their words: a key cut as
        # "blisterin/g" read as a typo.
        headers = ("Date", "Day", *(symptom_name(s) for s in chunk))
        pages.table(headers, rows, (1.05, 0.6, *([column] * len(chunk))))
    summary = (
        f" From day {DAILY_DAYS} a row is a week, from day {WEEKLY_UNTIL_DAY} four weeks, "
        "with the highest value logged in it; the exports hold every day."
        if any(first != last for first, last in periods)
        else ""
    )
    pages.text(f"A blank cell: not logged that day.{summary}", size=8, colour="#444444", gap=0.1)
    notes = []
    seen: set[tuple[dt.date, str]] = set()
    for entry in view.entries:
        if entry.note and (entry.date, entry.note) not in seen:
            seen.add((entry.date, entry.note))
            notes.append((str(entry.date), str(entry.day), entry.note))
    pages.title("Notes")
    if not notes:
        pages.text("No notes.", size=10)
    else:
        if len(notes) > MAX_NOTES:
            pages.text(
                f"The last {MAX_NOTES} of {len(notes)} notes; the exports hold them all.",
                size=8,
                colour="#444444",
            )
        pages.table(("Date", "Day", "Note"), notes[-MAX_NOTES:], (1.0, 0.5, 5.35))
    _temperatures(pages, view)
    _corrections(pages, view)


def _temperatures(pages: Pages, view: SessionView) -> None:
    """Every temperature taken, as the patient gave it (°C, or °F with °C beside)."""
    rows = [
        (str(t.date), str(t.day), t.words() + (" · fever" if t.fever else ""), t.note or "")
        for t in view.temperatures
    ]
    if not rows:
        return
    pages.title("Temperatures")
    if len(rows) > MAX_NOTES:
        pages.text(f"The last {MAX_NOTES} of {len(rows)} temperatures.", size=8, colour="#444444")
    pages.table(("Date", "Day", "Temperature", "Note"), rows[-MAX_NOTES:], (1.0, 0.5, 2.0, 3.35))


def _corrections(pages: Pages, view: SessionView) -> None:
    """Every value changed or removed after it was logged, and when (undone ones too):
    the log above is what the patient says now; this is what they said before."""
    rows = [
        (
            str(c.date),
            symptom_name(c.symptom),
            f"{c.before} to {c.after}" if c.after is not None else f"{c.before} removed",
            at(c.changed_at, view.zone) + (" (undone)" if c.undone_at else ""),
        )
        for c in view.changes
        if c.before is not None and c.before != c.after
    ]
    if not rows:
        return
    pages.title("Corrections")
    if len(rows) > MAX_NOTES:
        pages.text(f"The last {MAX_NOTES} of {len(rows)} corrections.", size=8, colour="#444444")
    pages.table(
        ("Value of", "Symptom", "Changed", "When"), rows[-MAX_NOTES:], (1.0, 2.0, 1.4, 2.45)
    )


def _period_dates(view: SessionView, first: int, last: int) -> str:
    start = view.session.date + dt.timedelta(days=first)
    if first == last:
        return str(start)
    return f"{start} +{last - first}"


def _photo_page(pages: Pages, photos: Sequence[ReportPhoto], photo_days: int) -> None:
    page = pages.new_page()
    pages.title("Photos")
    if photo_days > len(photos):
        chosen = (
            f"{len(photos)} of the {photo_days} days with a photo (at most "
            f"{REPORT_MAX_PHOTOS}), chosen evenly from the first to the latest."
        )
    else:
        chosen = "Every day with a photo, one photo a day."
    pages.text(chosen, size=9, colour="#444444")
    draw_photos(page, photos, page_size=PAGE, margin=MARGIN, top=pages.y - 0.1, bottom=0.9)
    pages.page = None  # what follows starts a page of its own


def build_report(
    view: SessionView,
    generated: dt.date,
    version: str,
    photos: Sequence[ReportPhoto] = (),
    photo_days: int = 0,
) -> list[Figure]:
    """The report's pages, in order, each with the footer and page number."""
    s = view.session
    pages = Pages(f"Recovery report · {kind_words(s.kind)} on {s.date} · as of {view.as_of}")
    _first_page(pages, view, generated)
    _chart_page(pages, view)
    if photos:
        _photo_page(pages, photos, photo_days)
    _tables(pages, view)
    _daily_log(pages, view)
    total = len(pages.figures)
    for number, figure in enumerate(pages.figures, start=1):
        figure.text(
            MARGIN / PAGE[0], 0.4 / PAGE[1], FOOTER, fontsize=7.5, color="#444444", va="bottom"
        )
        figure.text(
            1 - MARGIN / PAGE[0],
            0.4 / PAGE[1] - 0.16 / PAGE[1],
            f"tracker {version} · page {number} of {total}",
            fontsize=7.5,
            color="#444444",
            va="bottom",
            ha="right",
        )
    return pages.figures


def write_pdf(figures: Sequence[Figure], handle: BinaryIO, title: str) -> None:
    # TrueType (type 42) fonts keep the text searchable and copyable.
    with (
        matplotlib.rc_context({"pdf.fonttype": 42}),
        PdfPages(handle, metadata={"Title": title, "Creator": "tracker"}) as pdf,
    ):
        for figure in figures:
            pdf.savefig(figure)
