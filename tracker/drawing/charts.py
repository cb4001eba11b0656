"""Recovery charts drawn with matplotlib's object API on Agg; no pyplot state.

Everything here takes plain data (``SessionView``) and returns a ``Figure``; the
caller decides where it goes. Imported only by the commands that draw.

Legible before fast: every margin is worked out from the measured size of the text it
holds (symptom names, the legend, the title, the day markers' words), so that nothing is
cut or drawn over something else, whatever the names, the number of symptoms (up to the
whole catalogue) or the number of days (1 to 365). Measuring text is cheap next to a
layout engine's extra drawing pass, which the session chart does without.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, BinaryIO

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from tracker.domain.care import CARE_BY_KEY, care_name
from tracker.domain.catalog import kind_words, symptom_name
from tracker.domain.courses import gone_day
from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.records import EntryRecord
from tracker.domain.severity import BANDS
from tracker.domain.summaries import SessionView
from tracker.domain.text import visible
from tracker.domain.words import Words
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
DEFAULT_WIDTH = 11.0  # inches
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
# Sizes in points and inches.
TITLE_SIZE, LEGEND_SIZE, LANE_SIZE, SMALL_SIZE, TICK_SIZE = 12.0, 9.0, 8.0, 8.0, 10.0
SLACK = 1.06  # measured widths, plus what hinting adds in a PNG
PAD = 0.12  # between a text block and what is next to it
GAP = 0.5  # between two panels: room for the lower one's title
MAIN_HEIGHT = 4.6  # the severity panel, when the figure's height is ours to choose
LANE = 0.27  # one symptom's lane in the expected-course panel, or one care action's
MIN_LANE = 0.17  # on a fixed page with many symptoms, lanes get this narrow at the least
# Past this many symptoms their lines hide each other (equal values, flag rings in a solid
# band): each symptom gets a small panel of its own instead (small_multiples.py).
OVERLAID_AT_MOST = 6
COMPARE_PANEL_WIDTH = 2.6  # inches: --compare puts fewer panels in a row below this


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


def chart_format(path_suffix: str) -> str:
    fmt = FORMATS.get(path_suffix.lower())
    if fmt is None:
        raise TrackerError.malformed(
            f"Cannot draw a {path_suffix or 'file without extension'}: name the file .png, "
            ".svg or .pdf."
        )
    return fmt


def _label(symptom: str) -> str:
    return drawable(visible(symptom_name(symptom)))


def _broken(
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


def _shade_bands(ax: Axes, *, words: bool = True) -> None:
    lower = 0.5
    for upper, word in BANDS[1:]:
        ax.axhspan(lower, upper + 0.5, color=BAND_SHADES[word], zorder=0, linewidth=0)
        if words:
            ax.text(
                1.0,
                (lower + min(upper + 0.5, 10)) / 2,
                f" {word}",
                transform=ax.get_yaxis_transform(),
                va="center",
                ha="left",
                fontsize=SMALL_SIZE,
                color="#555555",
            )
        lower = upper + 0.5


def _whole_days(ax: Axes, first: float, last: float, room: float, measure: Measure) -> None:
    """Whole days only, as many labels as fit ``room`` inches without touching."""
    ax.set_xlim(first, last)
    label = measure.width(str(int(last)), TICK_SIZE) * SLACK
    bins = max(1, int(room / (label + 0.25)))
    ax.xaxis.set_major_locator(
        MaxNLocator(nbins=bins, integer=True, min_n_ticks=1, steps=[1, 2, 5, 10])
    )


def _care_actions(view: SessionView) -> list[str]:
    order = list(CARE_BY_KEY)
    return sorted(
        {c.action for c in view.care}, key=lambda a: order.index(a) if a in order else len(order)
    )


def _forecast_ends(view: SessionView) -> list[int]:
    return [s.forecast.gone_day for s in view.summaries if s.forecast and s.expected.has_course]


def _last_day(view: SessionView) -> int:
    """The last day drawn: the data, today, the follow-up, and the expected courses and
    forecasts unless one runs for months past the data (CO2 redness)."""
    session = view.session
    last_day = max([e.day for e in view.entries] + [session.day_of(view.as_of)])
    if session.follow_up is not None:
        last_day = max(last_day, session.day_of(session.follow_up))
    longest = max((s.expected.max_days for s in view.summaries if s.expected.has_course), default=0)
    last_day = max(last_day, min(longest, last_day + COURSE_MARGIN_DAYS))
    gone = _forecast_ends(view)
    return max(last_day, min(max(gone, default=0), last_day + COURSE_MARGIN_DAYS))


def _flagged(view: SessionView) -> set[tuple[str, int]]:
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


def session_figure(
    view: SessionView,
    *,
    width: float = DEFAULT_WIDTH,
    size: tuple[float, float] | None = None,
    top_margin: float = 0.0,
    bottom_margin: float = 0.0,
) -> Figure:
    """One line per symptom against the day after the session, with its expected course;
    past ``OVERLAID_AT_MOST`` symptoms, one small panel per symptom."""
    if not view.entries:
        raise TrackerError(
            Words.NOTHING_TO_DRAW.format(session_id=view.session.id, what="chart"),
            field="session",
            hint=Hint("other-session"),
        )
    if len(view.summaries) > OVERLAID_AT_MOST:
        from tracker.drawing.small_multiples import grid_figure

        return grid_figure(
            view, width=width, size=size, top_margin=top_margin, bottom_margin=bottom_margin
        )
    session = view.session
    summaries = view.summaries
    care_actions = _care_actions(view)
    today_day = session.day_of(view.as_of)
    last_day = _last_day(view)
    gone = _forecast_ends(view)

    fig_width = size[0] if size else width
    figure = Figure(figsize=(fig_width, size[1] if size else 8.0), dpi=DPI)
    measure = Measure(figure)

    # The legend: one entry per symptom, and the flag ring when a day is flagged.
    flagged = _flagged(view)
    handles: list[Any] = [
        Line2D([], [], linewidth=2, markersize=6, **style(i)) for i in range(len(summaries))
    ]
    labels = [_label(s.symptom) for s in summaries]
    if flagged:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                markersize=12,
                markerfacecolor="none",
                markeredgecolor=FLAG_RING,
                linestyle="none",
            )
        )
        labels.append("flagged day")
    if gone:
        handles.append(Line2D([], [], color="#555555", linestyle=FORECAST_DASH, linewidth=1.3))
        labels.append("at this pace")

    # Margins from the text they hold (with a little slack: a PNG's hinted glyphs run wider).
    lane_names = [_label(s.symptom) for s in summaries] + [care_name(a) for a in care_actions]
    lane_width = max(measure.width(name, LANE_SIZE) for name in lane_names) * SLACK
    axis_width = measure.width("10", TICK_SIZE) + measure.size("Severity", TICK_SIZE)[1] + 0.3
    left = max(lane_width + 0.15, axis_width) + PAD
    band_width = measure.width(" moderate", SMALL_SIZE) * SLACK
    course_width = max(
        measure.width(f" {s.expected.chart_label(-1)}", SMALL_SIZE) * SLACK for s in summaries
    )
    lanes = len(summaries)
    bottom = 0.6 + bottom_margin
    marker_words = [(today_day, "today")]
    if session.follow_up is not None:
        marker_words.append((session.day_of(session.follow_up), "follow-up"))
    word_height = measure.size("follow-up", SMALL_SIZE)[1]
    title = measure.wrap(_title(view), TITLE_SIZE, fig_width - 2 * PAD)
    title_height = measure.size(title, TITLE_SIZE)[1]

    def legend_size(columns: int) -> tuple[float, float]:
        trial = figure.legend(handles, labels, fontsize=LEGEND_SIZE, ncols=columns)
        box = trial.get_window_extent(measure.renderer)
        trial.remove()
        return box.width / DPI * SLACK, box.height / DPI

    # Beside the severity panel, past its band words, where it leaves the plot most of the
    # width and fits its height; otherwise under it, in as many columns as fit.
    legend_width, legend_height = legend_size(1)
    beside_right = max(band_width + PAD + legend_width, course_width) + PAD
    beside = fig_width - left - beside_right >= 0.55 * fig_width
    right = beside_right if beside else max(band_width, course_width) + PAD
    columns = 1
    if not beside:
        while columns < len(labels):
            wider = legend_size(columns + 1)
            if wider[0] > fig_width - left - PAD:
                break
            columns += 1
            legend_width, legend_height = wider
    room = fig_width - left - right
    rows = 1 + max(row for _, row in _place_markers(marker_words, measure, room, last_day))
    top = top_margin + PAD + title_height + PAD + rows * (word_height + 0.05) + 0.05
    under = 0.0 if beside else legend_height + 2 * PAD

    lane = LANE
    while True:
        course_height = lane * lanes + 0.15
        care_height = lane * len(care_actions) + 0.15 if care_actions else 0.0
        panels = course_height + care_height + GAP * (2 if care_actions else 1) + under
        if size is None:
            main_height = max(MAIN_HEIGHT, legend_height if beside else 0.0)
            fig_height = top + main_height + panels + bottom
            break
        fig_height = size[1]
        main_height = fig_height - top - bottom - panels
        if main_height >= 3.2 or lane <= MIN_LANE:
            break
        lane = max(MIN_LANE, lane - 0.02)  # narrower lanes before a squeezed plot
    if beside and legend_height > main_height:
        main_height = legend_height  # only when the figure's height is ours to grow
        fig_height = top + main_height + panels + bottom
    figure.set_size_inches(fig_width, fig_height)

    def box(y_top: float, height: float) -> tuple[float, float, float, float]:
        return (
            left / fig_width,
            (y_top - height) / fig_height,
            room / fig_width,
            height / fig_height,
        )

    y = fig_height - top
    main = figure.add_axes(box(y, main_height))
    y -= main_height
    if beside:
        anchor = ((left + room + band_width + PAD) / fig_width, (fig_height - top) / fig_height)
    else:
        anchor = (left / fig_width, (y - PAD) / fig_height)
        y -= under
    figure.legend(
        handles,
        labels,
        fontsize=LEGEND_SIZE,
        ncols=columns,
        loc="upper left",
        bbox_to_anchor=anchor,
        borderaxespad=0,
        framealpha=0.95,
    )
    y -= GAP
    course = figure.add_axes(box(y, course_height), sharex=main)
    y -= course_height
    axes = [main, course]
    care_ax = None
    if care_actions:
        y -= GAP
        care_ax = figure.add_axes(box(y, care_height), sharex=main)
        axes.append(care_ax)

    _shade_bands(main)
    dodge_step = min(0.06, 0.5 / max(len(summaries), 1))
    for index, summary in enumerate(summaries):
        # A small sideways dodge keeps lines with equal values from hiding each other.
        dodge = (index - (len(summaries) - 1) / 2) * dodge_step
        real = [e.day for e in summary.series]
        xs, ys = _broken([d + dodge for d in real], [e.severity for e in summary.series], real)
        main.plot(xs, ys, linewidth=2, markersize=6, zorder=3, **style(index))
        ahead = summary.forecast if summary.expected.has_course else None
        if ahead is not None:  # from the last value to 0 at the pace since the peak
            main.plot(
                [ahead.from_day + dodge, ahead.gone_day + dodge],
                [ahead.from_value, 0],
                color=PALETTE[index % len(PALETTE)],
                linestyle=FORECAST_DASH,
                linewidth=1.3,
                zorder=2,
            )
        ringed = [
            (e.day + dodge, e.severity) for e in summary.series if (e.symptom, e.day) in flagged
        ]
        if ringed:
            main.scatter(
                [d for d, _ in ringed],
                [v for _, v in ringed],
                s=190,
                facecolors="none",
                edgecolors=FLAG_RING,
                linewidths=1.6,
                zorder=4,
            )
    main.set_ylim(-0.3, 10.3)
    main.set_yticks(range(0, 11))
    main.set_ylabel("Severity (0 none - 10 worst)")
    _whole_days(main, -0.6, last_day + 0.6, room, measure)
    main.grid(axis="x", color=GRID, linewidth=0.6)
    main.set_axisbelow(True)
    main.tick_params(labelbottom=False)
    draw_title(figure, title, top_margin)

    # Expected course: a lane per symptom, light to the typical day, lighter to the maximum.
    for index, summary in enumerate(summaries):
        colour = PALETTE[index % len(PALETTE)]
        expected = summary.expected
        if expected.has_course:  # a red flag or a patch has none to draw
            course.barh(
                index, expected.max_days + 0.5, left=-0.5, color=colour, alpha=0.22, height=0.6
            )
        if expected.has_course and expected.typical_days is not None:
            course.barh(
                index, expected.typical_days + 0.5, left=-0.5, color=colour, alpha=0.45, height=0.6
            )
        course.text(
            1.0,
            index,
            f" {expected.chart_label(last_day)}",
            transform=course.get_yaxis_transform(),
            va="center",
            ha="left",
            fontsize=SMALL_SIZE,
            color="#333333",
        )
    course.set_yticks(range(lanes), [_label(s.symptom) for s in summaries], fontsize=LANE_SIZE)
    course.set_ylim(lanes - 0.5, -0.5)
    course.set_title(
        "Expected course (darker: usually gone by; lighter: at the latest)",
        loc="left",
        fontsize=9,
    )
    course.grid(axis="x", color=GRID, linewidth=0.6)
    course.set_axisbelow(True)

    if care_ax is not None:
        care_lanes(care_ax, view, care_actions, lane, tick_width=2)
        care_ax.set_title("Care log", loc="left", fontsize=9)
    for ax in axes[1:-1]:
        ax.tick_params(labelbottom=False)
    axes[-1].set_xlabel("Day after the session (session day = day 0)")

    placed = _place_markers(marker_words, measure, room, last_day)
    for (day, word), row in placed:
        for ax in axes:
            ax.axvline(
                day, color="#444444", linestyle=":" if word == "today" else "--", linewidth=1
            )
        main.annotate(
            word,
            xy=(day, 1.0),
            xycoords=main.get_xaxis_transform(),
            xytext=(0, 3 + row * (word_height + 0.06) * 72),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=SMALL_SIZE,
            color="#333333",
            annotation_clip=False,
        )
    return figure


def _title(view: SessionView) -> str:
    session = view.session
    where = f" · {drawable(visible(session.area))}" if session.area else ""
    name = drawable(visible(kind_words(session.kind)))
    return (
        f"Recovery after {name} on {session.date}{where}\n"
        f"day {session.day_of(view.as_of)} on {view.as_of}"
    )


def _place_markers(
    words: list[tuple[int, str]], measure: Measure, room: float, last_day: int
) -> list[tuple[tuple[int, str], int]]:
    """Each marker's words and the row they go on: a second row when two would touch."""
    per_day = room / (last_day + 1.2)
    placed: list[tuple[tuple[int, str], int]] = []
    spans: list[tuple[float, float, int]] = []
    for day, word in sorted(words):
        centre = (day + 0.6) * per_day
        half = measure.width(word, SMALL_SIZE) / 2 + 0.05
        row = 0
        while any(row == r and centre - half < b and centre + half > a for a, b, r in spans):
            row += 1
        spans.append((centre - half, centre + half, row))
        placed.append(((day, word), row))
    return placed


def _same_area(one: SessionView, other: SessionView) -> bool:
    """Whether two sessions may share skin: the same area, or one of them has none given."""
    a, b = one.session.area, other.session.area
    return not a or not b or a.strip().casefold() == b.strip().casefold()


def _until_next(view: SessionView, later: Sequence[SessionView]) -> list[EntryRecord]:
    """A session's values up to the next session on the same skin: from then on its
    symptoms are that one's as much as its own. A session elsewhere (the neck after the
    face) cuts nothing: each is drawn to its last logged day."""
    following = next((v for v in later if _same_area(view, v)), None)
    if following is None:
        return view.entries
    return [e for e in view.entries if e.date < following.session.date]


def compare_figure(views: Sequence[SessionView], *, width: float = DEFAULT_WIDTH) -> Figure:
    """Every session aligned at day 0, one small chart per symptom.

    Each session is drawn up to the day 0 of the next one on the same area (or one with no
    area given): from then on its symptoms are that one's as much as its own. A session in
    another area is drawn to its last logged day.
    """
    views = sorted((v for v in views if v.entries), key=lambda v: (v.session.date, v.session.id))
    if not views:
        raise TrackerError("Nothing is logged in any session yet, so there is nothing to compare.")
    shown = [(view, _until_next(view, views[i + 1 :])) for i, view in enumerate(views)]
    symptoms: list[str] = []
    for view, _ in shown:
        symptoms.extend(s for s in view.symptoms if s not in symptoms)
    columns = 3 if len(symptoms) > 4 else 2 if len(symptoms) > 1 else 1
    columns = max(1, min(columns, int(width / COMPARE_PANEL_WIDTH)))  # a phone: fewer
    rows = -(-len(symptoms) // columns)
    figure = Figure(figsize=(width, 3.1 * rows + 1.5), layout="constrained", dpi=DPI)
    measure = Measure(figure)
    panel_room = width / columns - 0.9
    axes = figure.subplots(rows, columns, squeeze=False, sharey=True)
    for index, symptom in enumerate(symptoms):
        ax = axes[index // columns][index % columns]
        _shade_bands(ax, words=index % columns == columns - 1)
        resolved: list[str] = []
        last = 0
        windows: list[int] = []
        for number, (view, entries) in enumerate(shown):
            series = [e for e in entries if e.symptom == symptom]
            summary = next((s for s in view.summaries if s.symptom == symptom), None)
            if summary is None:
                continue
            expected = summary.expected.max_days
            if summary.expected.has_course:  # a red flag or a patch has no course to shade
                ax.axvspan(
                    -0.5,
                    expected + 0.5,
                    color=PALETTE[number % len(PALETTE)],
                    alpha=0.07,
                    zorder=0,
                )
                ax.axvline(
                    expected + 0.5,
                    color=PALETTE[number % len(PALETTE)],
                    linewidth=1,
                    linestyle=(0, (2, 2)),
                    zorder=1,
                )
                windows.append(expected)
            if not series:
                continue
            real = [e.day for e in series]
            xs, ys = _broken(real, [e.severity for e in series], real)
            ax.plot(xs, ys, linewidth=1.8, markersize=4, zorder=3, **style(number))
            last = max(last, *real)
            # Said of the days drawn: after the next session began, a 0 is that one's too.
            day = gone_day(series)
            present = any(e.severity > 0 for e in series)
            text = f"day {day}" if day is not None else "not yet" if present else "never"
            resolved.append(f"#{view.session.id} {text}")
        note = "reached 0: " + ", ".join(resolved) if resolved else "not logged"
        ax.set_title(
            f"{_label(symptom)}\n" + measure.wrap(note, SMALL_SIZE, panel_room),
            loc="left",
            fontsize=SMALL_SIZE,
        )
        ax.set_ylim(-0.3, 10.3)
        ax.set_yticks([0, 3, 6, 10])
        ax.grid(color="#eeeeee", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_xlabel("day after session", fontsize=SMALL_SIZE)
        # Expected courses in full, unless one runs for months past the data.
        last = max(last, min(max(windows, default=0) + 1, last + COURSE_MARGIN_DAYS))
        _whole_days(ax, -0.6, last + 0.6, panel_room, measure)
    for index in range(len(symptoms), rows * columns):
        axes[index // columns][index % columns].set_visible(False)
    axes[0][0].set_ylabel("severity 0-10")
    handles: list[Any] = [
        Line2D([], [], **style(number), linewidth=1.8) for number in range(len(views))
    ]
    room = width - 2 * PAD - 0.6  # the legend's frame, handles and padding
    labels = [
        measure.wrap(
            f"session {v.session.id} ({v.session.date}, "
            f"{drawable(visible(kind_words(v.session.kind)))})",
            LEGEND_SIZE,
            room,
        )
        for v in views
    ]
    handles.append(Patch(facecolor="#999999", alpha=0.25, edgecolor="#666666", linestyle="--"))
    labels.append("expected course, up to the dashed line")
    # Two columns where they fit the width, else one (the web page on a phone).
    two = max(measure.width(label, LEGEND_SIZE) for label in labels) * SLACK * 2 + 1.2 <= width
    figure.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=min(len(labels), 2 if two else 1),
        fontsize=LEGEND_SIZE,
    )
    title = (
        "Recovery across sessions, aligned at the session day (day 0); each session until the "
        "next on the same area begins"
    )
    figure.suptitle(
        measure.wrap(title, TITLE_SIZE, (width - 2 * PAD) / SLACK),
        x=0.01,
        ha="left",
        fontsize=TITLE_SIZE,
    )
    return figure


def save(figure: Figure, handle: BinaryIO, fmt: str) -> None:
    FigureCanvasAgg(figure)
    figure.savefig(handle, format=fmt, dpi=DPI, metadata=_metadata(fmt))


def _metadata(fmt: str) -> dict[str, str] | None:
    if fmt == "png":
        return {"Software": "tracker"}
    if fmt == "pdf":
        return {"Creator": "tracker", "Title": "Recovery chart"}
    return None
