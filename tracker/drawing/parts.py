"""What every recovery chart shares: its look (colours, sizes, margins), its marks (lines
broken where days were not logged, severity bands, care lanes, whole-day ticks) and what it
reads from a session (the days drawn, the flagged days, its title).

Used by the single chart and the compare chart (``charts``) and by the small multiples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import CARETUPBASE
from matplotlib.ticker import MaxNLocator

from tracker.domain.care import CARE_BY_KEY, care_name
from tracker.domain.catalog import kind_words, symptom_name
from tracker.domain.severity import BANDS
from tracker.domain.summaries import SessionView
from tracker.domain.text import visible
from tracker.drawing.glyphs import drawable
from tracker.drawing.measure import Measure

# Okabe-Ito: told apart by colour-blind readers; markers and dashes add a second cue.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999933")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
DASHES = ("-", "--", "-.", ":")
FORECAST_DASH = (0, (4, 3))  # thin, no markers: where a falling symptom is heading
BAND_SHADES = {"mild": "#f3f3f3", "moderate": "#e6e6e6", "severe": "#d6d6d6"}
FLAG_RING = "#222222"
GRID = "#dddddd"
DPI = 150  # what the PNG is written at, and what text is measured at
COURSE_MARGIN_DAYS = 14
# Sizes in points and inches.
TITLE_SIZE, LEGEND_SIZE, LANE_SIZE, SMALL_SIZE, TICK_SIZE = 12.0, 9.0, 8.0, 8.0, 10.0
SLACK = 1.06  # measured widths, plus what hinting adds in a PNG
PAD = 0.12  # between a text block and what is next to it
GAP = 0.5  # between two panels: room for the lower one's title
MAIN_HEIGHT = 4.6  # the severity panel, when the figure's height is ours to choose
LANE = 0.27  # one symptom's lane in the expected-course panel, or one care action's
MIN_LANE = 0.17  # on a fixed page with many symptoms, lanes get this narrow at the least


# A day with a photo: a small dark caret standing on the day axis, under every line.
PHOTO_MARK: dict[str, Any] = {
    "marker": CARETUPBASE,
    "color": "#333333",
    "linestyle": "none",
    "markeredgewidth": 0,
}
PHOTO_WORDS = "day with a photo"


def photo_marks(ax: Axes, days: Sequence[int], size: float = 9.0) -> None:
    """A caret on the day axis (the panel's bottom edge) under each day with a photo."""
    if days:
        ax.plot(
            list(days),
            [0.0] * len(days),
            transform=ax.get_xaxis_transform(),
            markersize=size,
            clip_on=False,
            zorder=5,
            gid="photo-days",
            **PHOTO_MARK,
        )


def photo_key(size: float = 9.0) -> Line2D:
    """The legend's entry for ``photo_marks`` (the same caret, centred on its row)."""
    return Line2D([], [], markersize=size * 0.8, **{**PHOTO_MARK, "marker": "^"})


def style(index: int) -> dict[str, Any]:
    """A symptom's look, unique up to 64 symptoms: past the eighth, the colours come round
    again, so the marker moves on by one and is drawn hollow, as well as the line dashed."""
    round_ = index // len(PALETTE)
    look: dict[str, Any] = {
        "color": PALETTE[index % len(PALETTE)],
        "marker": MARKERS[(index + round_) % len(MARKERS)],
        "linestyle": DASHES[round_ % len(DASHES)],
    }
    if round_ % 2:
        look["markerfacecolor"] = "white"
    return look


def symptom_label(symptom: str) -> str:
    return drawable(visible(symptom_name(symptom)))


def broken_line(
    days: Sequence[float], values: Sequence[float], real_days: Sequence[int]
) -> tuple[list[float], list[float]]:
    """The points with a gap (NaN) wherever 2 days or more were not logged in between,
    so that a line never suggests values on days nobody logged."""
    xs: list[float] = []
    ys: list[float] = []
    for index, (x, y) in enumerate(zip(days, values, strict=True)):
        if index and real_days[index] - real_days[index - 1] >= 2:
            xs.append(math.nan)
            ys.append(math.nan)
        xs.append(x)
        ys.append(y)
    return xs, ys


def care_lanes(
    ax: Axes, view: SessionView, actions: Sequence[str], lane: float, tick_width: float
) -> None:
    """A lane per care action, named on the left, with a tick on each day it was done."""
    for row, action in enumerate(actions):
        days = [c.day for c in view.care if c.action == action]
        ax.scatter(
            days,
            [row] * len(days),
            marker="|",
            s=(lane * 72 * 0.8) ** 2,
            color="#333333",
            linewidths=tick_width,
            zorder=3,
        )
    ax.set_yticks(range(len(actions)), [care_name(a) for a in actions], fontsize=LANE_SIZE)
    ax.set_ylim(len(actions) - 0.5, -0.5)
    ax.grid(axis="x", color=GRID, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)


def shade_bands(ax: Axes, *, words: bool = True) -> None:
    lower = 0.5
    for upper, word in BANDS[1:]:
        ax.axhspan(lower, upper + 0.5, color=BAND_SHADES[word], zorder=0, linewidth=0)
        if words:
            words_right(ax, (lower + min(upper + 0.5, 10)) / 2, f" {word}")
        lower = upper + 0.5


def words_right(
    ax: Axes, y: float, words: str, *, size: float = SMALL_SIZE, colour: str = "#555555"
) -> None:
    """Words just right of a panel, at ``y`` on its scale (band words, expected courses)."""
    ax.text(
        1.0,
        y,
        words,
        transform=ax.get_yaxis_transform(),
        va="center",
        ha="left",
        fontsize=size,
        color=colour,
    )


def whole_days(ax: Axes, first: float, last: float, room: float, measure: Measure) -> None:
    """Whole days only, as many labels as fit ``room`` inches without touching."""
    ax.set_xlim(first, last)
    label = measure.width(str(int(last)), TICK_SIZE) * SLACK
    bins = max(1, int(room / (label + 0.25)))
    ax.xaxis.set_major_locator(
        MaxNLocator(nbins=bins, integer=True, min_n_ticks=1, steps=[1, 2, 5, 10])
    )


def logged_care(view: SessionView) -> list[str]:
    order = list(CARE_BY_KEY)
    return sorted(
        {c.action for c in view.care}, key=lambda a: order.index(a) if a in order else len(order)
    )


def forecast_ends(view: SessionView) -> list[int]:
    return [s.forecast.gone_day for s in view.summaries if s.forecast and s.expected.has_course]


def last_day_drawn(view: SessionView) -> int:
    """The last day drawn: the data, today, the follow-up, and the expected courses and
    forecasts unless one runs for months past the data (CO2 redness)."""
    session = view.session
    last_day = max([e.day for e in view.entries] + [session.day_of(view.as_of)])
    if session.follow_up is not None:
        last_day = max(last_day, session.day_of(session.follow_up))
    longest = max((s.expected.max_days for s in view.summaries if s.expected.has_course), default=0)
    last_day = max(last_day, min(longest, last_day + COURSE_MARGIN_DAYS))
    gone = forecast_ends(view)
    return max(last_day, min(max(gone, default=0), last_day + COURSE_MARGIN_DAYS))


def flagged_days(view: SessionView) -> set[tuple[str, int]]:
    """(symptom, day) of every day a flag covers; a missing day has no value to ring."""
    flagged: set[tuple[str, int]] = set()
    for flag in view.flags:
        if flag.rule == "missing":
            continue
        for day in range(flag.first_day, flag.last_day + 1):
            flagged.add((flag.symptom, day))
    return flagged


def draw_title(figure: Figure, title: str, top_margin: float) -> None:
    """The chart's title at its top left, below ``top_margin`` inches."""
    fig_width, fig_height = figure.get_size_inches()
    figure.text(
        PAD / fig_width,
        1 - (top_margin + PAD) / fig_height,
        title,
        fontsize=TITLE_SIZE,
        va="top",
        ha="left",
    )


def chart_title(view: SessionView) -> str:
    session = view.session
    where = f" · {drawable(visible(session.area))}" if session.area else ""
    name = drawable(visible(kind_words(session.kind)))
    return (
        f"Recovery after {name} on {session.date}{where}\n"
        f"day {session.day_of(view.as_of)} on {view.as_of}"
    )


def legend_size(
    figure: Figure, measure: Measure, handles: list[Any], labels: list[str], columns: int
) -> tuple[float, float]:
    """The legend's width (with slack) and height in inches, in ``columns`` columns."""
    trial = figure.legend(handles, labels, fontsize=LEGEND_SIZE, ncols=columns)
    box = trial.get_window_extent(measure.renderer)
    trial.remove()
    return box.width / DPI * SLACK, box.height / DPI
