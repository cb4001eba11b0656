"""Recovery charts drawn with matplotlib's object API on Agg; no pyplot state.

Everything here takes plain data (``SessionView``) and returns a ``Figure``; the
caller decides where it goes. Imported only by the commands that draw.

Legible before fast: every margin is worked out from the measured size of the text it
holds (symptom names, the legend, the title, the day markers' words), so that nothing is
cut or drawn over something else, whatever the names, the number of symptoms (up to the
whole catalogue) or the number of days (1 to 365). Measuring text is cheap next to a
layout engine's extra drawing pass, which the session chart does without.

A chart is made in two steps: it is measured (``_measure``: every margin, panel height and
the row of each day marker's word, into a ``_Layout``), then drawn from that layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from tracker.domain.care import care_name
from tracker.domain.catalog import kind_words
from tracker.domain.courses import gone_day
from tracker.domain.errors import TrackerError
from tracker.domain.records import ValueRecord
from tracker.domain.summaries import SessionView, SymptomSummary
from tracker.domain.text import visible
from tracker.drawing.glyphs import drawable
from tracker.drawing.measure import Measure
from tracker.drawing.parts import (
    COURSE_MARGIN_DAYS,
    DPI,
    FLAG_RING,
    FORECAST_DASH,
    GAP,
    GRID,
    LANE,
    LANE_SIZE,
    LEGEND_SIZE,
    MAIN_HEIGHT,
    MIN_LANE,
    PAD,
    PALETTE,
    PHOTO_WORDS,
    SLACK,
    SMALL_SIZE,
    TICK_SIZE,
    TITLE_SIZE,
    broken_line,
    care_lanes,
    chart_title,
    draw_title,
    flagged_days,
    forecast_ends,
    last_day_drawn,
    legend_size,
    logged_care,
    photo_key,
    photo_marks,
    shade_bands,
    style,
    symptom_label,
    whole_days,
    words_right,
)

DEFAULT_WIDTH = 11.0  # inches
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
# Past this many symptoms their lines hide each other (equal values, flag rings in a solid
# band): each symptom gets a small panel of its own instead (small_multiples.py).
OVERLAID_AT_MOST = 6
COMPARE_PANEL_WIDTH = 2.6  # inches: --compare puts fewer panels in a row below this
# A phone's chart: drawn this narrow (with the same point sizes), it is shown about 1.5
# times its size on a phone's page (~326 CSS px at 360 px), so that its smallest text, 8
# points, reads at 12 CSS px; panels stacked one per symptom, day numbers under each.
PHONE_WIDTH = 3.0
PHONE_SMALLEST = 8.0  # points: no text of a phone's chart is smaller

Key = tuple[list[Any], list[str]]  # a legend's handles and their labels
Placed = list[tuple[tuple[int, str], int]]  # each day marker (day, word) and its row


def chart_format(path_suffix: str) -> str:
    fmt = FORMATS.get(path_suffix.lower())
    if fmt is None:
        raise TrackerError.malformed(
            f"Cannot draw a {path_suffix or 'file without extension'}: name the file .png, "
            ".svg or .pdf."
        )
    return fmt


def session_figure(
    view: SessionView,
    *,
    width: float = DEFAULT_WIDTH,
    size: tuple[float, float] | None = None,
    top_margin: float = 0.0,
    bottom_margin: float = 0.0,
    phone: bool = False,
) -> Figure:
    """One line per symptom against the day after the session, with its expected course;
    past ``OVERLAID_AT_MOST`` symptoms, one small panel per symptom. A ``phone``'s chart
    has one small panel per symptom whatever their number, stacked (``PHONE_WIDTH``)."""
    view.require_values("chart")
    if phone or len(view.summaries) > OVERLAID_AT_MOST:
        from tracker.drawing.small_multiples import grid_figure

        if phone:
            return grid_figure(view, width=PHONE_WIDTH, phone=True)
        return grid_figure(
            view, width=width, size=size, top_margin=top_margin, bottom_margin=bottom_margin
        )
    fig_width = size[0] if size else width
    figure = Figure(figsize=(fig_width, size[1] if size else 8.0), dpi=DPI)
    measure = Measure(figure)
    flagged = flagged_days(view)
    key = _key(view, flagged)
    layout = _measure(view, figure, measure, key, size, top_margin, bottom_margin)
    figure.set_size_inches(layout.width, layout.height)
    _draw(figure, measure, view, layout, key, flagged)
    return figure


@dataclass(frozen=True)
class _Layout:
    """Where everything of a single chart goes, in inches (the figure's top is y = height)."""

    title: str  # wrapped to the width
    top_margin: float
    last_day: int
    care_actions: list[str]
    markers: Placed  # today and the follow-up, each word on its row
    word_height: float
    width: float
    height: float
    left: float  # the symptom and care names, or the severity axis
    room: float  # the plots' width
    band_width: float  # the band words right of the severity panel
    top: float  # the margin, the title and the day markers' words
    main_height: float  # the severity panel
    course_height: float  # the expected-course panel: a lane per symptom
    care_height: float  # the care log: a lane per action (0 without one)
    lane: float
    beside: bool  # the legend beside the severity panel, else under it
    legend_columns: int
    under: float  # the legend under the severity panel (0 when beside it)


@dataclass(frozen=True)
class _Across:
    left: float
    room: float
    band_width: float
    beside: bool
    legend_columns: int
    legend_height: float


def _key(view: SessionView, flagged: set[tuple[str, int]]) -> Key:
    """The legend: one entry per symptom, the flag ring when a day is flagged, and the
    forecast's dash when there is one."""
    handles: list[Any] = [
        Line2D([], [], linewidth=2, markersize=6, **style(i)) for i in range(len(view.summaries))
    ]
    labels = [symptom_label(s.symptom) for s in view.summaries]
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
    if forecast_ends(view):
        handles.append(Line2D([], [], color="#555555", linestyle=FORECAST_DASH, linewidth=1.3))
        labels.append("at this pace")
    if view.photo_days:
        handles.append(photo_key())
        labels.append(PHOTO_WORDS)
    for fever, (face, label) in TEMPERATURE_MARKS.items():
        if any(t.fever == fever for t in view.temperatures):
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="D",
                    markersize=7,
                    markerfacecolor=face,
                    markeredgecolor=FEVER_COLOUR if fever else "#555555",
                    linestyle="none",
                )
            )
            labels.append(label)
    return handles, labels


# A temperature taken: a diamond along the top of the severity panel on its day, filled
# for 38 °C (100.4 °F) or more (its own measure: not on the 0-10 scale; the photo days'
# carets are along the bottom).
FEVER_COLOUR = "#b2182b"
TEMPERATURE_MARKS = {
    True: (FEVER_COLOUR, "temperature 38 °C (100.4 °F) or more"),
    False: ("none", "temperature below 38 °C"),
}


def _temperature_marks(main: Axes, view: SessionView) -> None:
    for fever in (False, True):
        days = sorted({t.day for t in view.temperatures if t.fever == fever})
        if not days:
            continue
        face, _ = TEMPERATURE_MARKS[fever]
        main.scatter(
            days,
            [0.965] * len(days),
            transform=main.get_xaxis_transform(),
            marker="D",
            s=42,
            facecolors=face,
            edgecolors=FEVER_COLOUR if fever else "#555555",
            linewidths=1.2,
            zorder=5,
            clip_on=False,
        )


def _measure(
    view: SessionView,
    figure: Figure,
    measure: Measure,
    key: Key,
    size: tuple[float, float] | None,
    top_margin: float,
    bottom_margin: float,
) -> _Layout:
    """Every margin from the text it holds, then the panels' heights; the figure's height
    is ours to choose unless ``size`` gives it."""
    fig_width = figure.get_size_inches()[0]
    care_actions = logged_care(view)
    last_day = last_day_drawn(view)
    across = _across(view, figure, measure, key, care_actions)
    session = view.session
    marker_words = [(session.day_of(view.as_of), "today")]
    if session.follow_up is not None:
        marker_words.append((session.day_of(session.follow_up), "follow-up"))
    word_height = measure.size("follow-up", SMALL_SIZE)[1]
    title = measure.wrap(chart_title(view), TITLE_SIZE, fig_width - 2 * PAD)
    title_height = measure.size(title, TITLE_SIZE)[1]
    markers = _place_markers(marker_words, measure, across.room, last_day)
    rows = 1 + max(row for _, row in markers)
    top = top_margin + PAD + title_height + PAD + rows * (word_height + 0.05) + 0.05
    under = 0.0 if across.beside else across.legend_height + 2 * PAD
    heights = _heights(
        len(view.summaries),
        len(care_actions),
        top=top,
        bottom=0.6 + bottom_margin,
        under=under,
        beside_height=across.legend_height if across.beside else 0.0,
        size=size,
    )
    fig_height, main_height, course_height, care_height, lane = heights
    return _Layout(
        title,
        top_margin,
        last_day,
        care_actions,
        markers,
        word_height,
        fig_width,
        fig_height,
        across.left,
        across.room,
        across.band_width,
        top,
        main_height,
        course_height,
        care_height,
        lane,
        across.beside,
        across.legend_columns,
        under,
    )


def _across(
    view: SessionView, figure: Figure, measure: Measure, key: Key, care_actions: list[str]
) -> _Across:
    """The widths: margins from the text they hold (with a little slack: a PNG's hinted
    glyphs run wider), and the legend beside the severity panel, past its band words, where
    it leaves the plot most of the width; otherwise under it, in as many columns as fit."""
    fig_width = figure.get_size_inches()[0]
    summaries = view.summaries
    handles, labels = key
    lane_names = [symptom_label(s.symptom) for s in summaries] + [
        care_name(a) for a in care_actions
    ]
    lane_width = max(measure.width(name, LANE_SIZE) for name in lane_names) * SLACK
    axis_width = measure.width("10", TICK_SIZE) + measure.size("Severity", TICK_SIZE)[1] + 0.3
    left = max(lane_width + 0.15, axis_width) + PAD
    band_width = measure.width(" moderate", SMALL_SIZE) * SLACK
    course_width = max(
        measure.width(f" {s.expected.chart_label(-1)}", SMALL_SIZE) * SLACK for s in summaries
    )
    legend_width, legend_height = legend_size(figure, measure, handles, labels, 1)
    beside_right = max(band_width + PAD + legend_width, course_width) + PAD
    beside = fig_width - left - beside_right >= 0.55 * fig_width
    right = beside_right if beside else max(band_width, course_width) + PAD
    columns = 1
    if not beside:
        while columns < len(labels):
            wider = legend_size(figure, measure, handles, labels, columns + 1)
            if wider[0] > fig_width - left - PAD:
                break
            columns += 1
            legend_width, legend_height = wider
    return _Across(left, fig_width - left - right, band_width, beside, columns, legend_height)


def _heights(
    lanes: int,
    care_rows: int,
    *,
    top: float,
    bottom: float,
    under: float,
    beside_height: float,
    size: tuple[float, float] | None,
) -> tuple[float, float, float, float, float]:
    """The figure's height, the severity panel's, the expected course's, the care log's
    and a lane's. On a fixed page lanes get narrower before the severity panel is squeezed;
    a legend beside the panel taller than it makes it (and the figure) taller."""
    lane = LANE
    while True:
        course_height = lane * lanes + 0.15
        care_height = lane * care_rows + 0.15 if care_rows else 0.0
        panels = course_height + care_height + GAP * (2 if care_rows else 1) + under
        if size is None:
            main_height = max(MAIN_HEIGHT, beside_height)
            fig_height = top + main_height + panels + bottom
            break
        fig_height = size[1]
        main_height = fig_height - top - bottom - panels
        if main_height >= 3.2 or lane <= MIN_LANE:
            break
        lane = max(MIN_LANE, lane - 0.02)  # narrower lanes before a squeezed plot
    if beside_height and beside_height > main_height:
        main_height = beside_height  # only when the figure's height is ours to grow
        fig_height = top + main_height + panels + bottom
    return fig_height, main_height, course_height, care_height, lane


def _place_markers(
    words: list[tuple[int, str]], measure: Measure, room: float, last_day: int
) -> Placed:
    """Each marker's words and the row they go on: a second row when two would touch."""
    per_day = room / (last_day + 1.2)
    placed: Placed = []
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


def _draw(
    figure: Figure,
    measure: Measure,
    view: SessionView,
    layout: _Layout,
    key: Key,
    flagged: set[tuple[str, int]],
) -> None:
    """The chart, as ``layout`` has measured it."""
    axes = _add_axes(figure, layout, key)
    main = axes[0]
    _severity_lines(main, view.summaries, flagged)
    _temperature_marks(main, view)
    main.set_ylim(-0.3, 10.3)
    main.set_yticks(range(0, 11))
    main.set_ylabel("Severity (0 none - 10 worst)")
    whole_days(main, -0.6, layout.last_day + 0.6, layout.room, measure)
    main.grid(axis="x", color=GRID, linewidth=0.6)
    main.set_axisbelow(True)
    main.tick_params(labelbottom=False)
    photo_marks(main, [d for d in view.photo_days if d <= layout.last_day])
    draw_title(figure, layout.title, layout.top_margin)
    _expected_courses(axes[1], view.summaries, layout.last_day)
    if layout.care_actions:
        care_lanes(axes[2], view, layout.care_actions, layout.lane, tick_width=2)
        axes[2].set_title("Care log", loc="left", fontsize=9)
    for ax in axes[1:-1]:
        ax.tick_params(labelbottom=False)
    axes[-1].set_xlabel("Day after the session (session day = day 0)")
    _day_markers(axes, layout)


def _add_axes(figure: Figure, layout: _Layout, key: Key) -> list[Axes]:
    """The severity panel, the legend, the expected course and the care log, top down."""
    fig_width, fig_height = layout.width, layout.height

    def box(y_top: float, height: float) -> tuple[float, float, float, float]:
        return (
            layout.left / fig_width,
            (y_top - height) / fig_height,
            layout.room / fig_width,
            height / fig_height,
        )

    y = fig_height - layout.top
    main = figure.add_axes(box(y, layout.main_height))
    y -= layout.main_height
    if layout.beside:
        anchor = (
            (layout.left + layout.room + layout.band_width + PAD) / fig_width,
            (fig_height - layout.top) / fig_height,
        )
    else:
        anchor = (layout.left / fig_width, (y - PAD) / fig_height)
        y -= layout.under
    figure.legend(
        *key,
        fontsize=LEGEND_SIZE,
        ncols=layout.legend_columns,
        loc="upper left",
        bbox_to_anchor=anchor,
        borderaxespad=0,
        framealpha=0.95,
    )
    y -= GAP
    axes = [main, figure.add_axes(box(y, layout.course_height), sharex=main)]
    y -= layout.course_height
    if layout.care_actions:
        y -= GAP
        axes.append(figure.add_axes(box(y, layout.care_height), sharex=main))
    return axes


def _severity_lines(
    main: Axes, summaries: Sequence[SymptomSummary], flagged: set[tuple[str, int]]
) -> None:
    """Each symptom's line over the severity bands, where it is heading at its pace, and
    its flagged days ringed."""
    shade_bands(main)
    dodge_step = min(0.06, 0.5 / max(len(summaries), 1))
    for index, summary in enumerate(summaries):
        # A small sideways dodge keeps lines with equal values from hiding each other.
        dodge = (index - (len(summaries) - 1) / 2) * dodge_step
        real = [e.day for e in summary.series]
        xs, ys = broken_line([d + dodge for d in real], [e.severity for e in summary.series], real)
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


def _expected_courses(course: Axes, summaries: Sequence[SymptomSummary], last_day: int) -> None:
    """A lane per symptom, light to the typical day, lighter to the maximum."""
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
        words_right(course, index, f" {expected.chart_label(last_day)}", colour="#333333")
    lanes = len(summaries)
    course.set_yticks(
        range(lanes), [symptom_label(s.symptom) for s in summaries], fontsize=LANE_SIZE
    )
    course.set_ylim(lanes - 0.5, -0.5)
    course.set_title(
        "Expected course (darker: most gone by; lighter: flagged after)",
        loc="left",
        fontsize=9,
    )
    course.grid(axis="x", color=GRID, linewidth=0.6)
    course.set_axisbelow(True)


def _day_markers(axes: list[Axes], layout: _Layout) -> None:
    """Today and the follow-up: a line down every panel, a word over the severity panel
    on the row measured for it."""
    main = axes[0]
    for (day, word), row in layout.markers:
        for ax in axes:
            ax.axvline(
                day, color="#444444", linestyle=":" if word == "today" else "--", linewidth=1
            )
        main.annotate(
            word,
            xy=(day, 1.0),
            xycoords=main.get_xaxis_transform(),
            xytext=(0, 3 + row * (layout.word_height + 0.06) * 72),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=SMALL_SIZE,
            color="#333333",
            annotation_clip=False,
        )


def _same_area(one: SessionView, other: SessionView) -> bool:
    """Whether two sessions may share skin: the same area, or one of them has none given."""
    a, b = one.session.area, other.session.area
    return not a or not b or a.strip().casefold() == b.strip().casefold()


def _until_next(view: SessionView, later: Sequence[SessionView]) -> list[ValueRecord]:
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
        band_words = index % columns == columns - 1
        _compare_panel(ax, symptom, shown, measure, panel_room, band_words=band_words)
    for index in range(len(symptoms), rows * columns):
        axes[index // columns][index % columns].set_visible(False)
    axes[0][0].set_ylabel("severity 0-10")
    handles, labels = _compare_key(views, measure, width)
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


def _compare_panel(
    ax: Axes,
    symptom: str,
    shown: list[tuple[SessionView, list[ValueRecord]]],
    measure: Measure,
    room: float,
    *,
    band_words: bool,
) -> None:
    """One symptom in every session: each one's line and expected course, and the day
    each reached 0 in its title."""
    shade_bands(ax, words=band_words)
    resolved: list[str] = []
    last = 0
    windows: list[int] = []
    for number, (view, entries) in enumerate(shown):
        summary = next((s for s in view.summaries if s.symptom == symptom), None)
        if summary is None:
            continue
        if summary.expected.has_course:  # a red flag or a patch has no course to shade
            _course_window(ax, summary.expected.max_days, PALETTE[number % len(PALETTE)])
            windows.append(summary.expected.max_days)
        series = [e for e in entries if e.symptom == symptom]
        if series:
            real = [e.day for e in series]
            xs, ys = broken_line(real, [e.severity for e in series], real)
            ax.plot(xs, ys, linewidth=1.8, markersize=4, zorder=3, **style(number))
            last = max(last, *real)
            resolved.append(f"#{view.session.id} {_reached_zero(series)}")
    note = "reached 0: " + ", ".join(resolved) if resolved else "not logged"
    ax.set_title(
        f"{symptom_label(symptom)}\n" + measure.wrap(note, SMALL_SIZE, room),
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
    whole_days(ax, -0.6, last + 0.6, room, measure)


def _course_window(ax: Axes, expected: int, colour: str) -> None:
    """A session's expected course: shaded up to its last day, a dashed line there."""
    ax.axvspan(-0.5, expected + 0.5, color=colour, alpha=0.07, zorder=0)
    ax.axvline(expected + 0.5, color=colour, linewidth=1, linestyle=(0, (2, 2)), zorder=1)


def _reached_zero(series: list[ValueRecord]) -> str:
    """Said of the days drawn: after the next session began, a 0 is that one's too."""
    day = gone_day(series)
    present = any(e.severity > 0 for e in series)
    return f"day {day}" if day is not None else "not yet" if present else "never"


def _compare_key(views: Sequence[SessionView], measure: Measure, width: float) -> Key:
    """A line style per session, and the shaded expected course."""
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
    return handles, labels


def save(figure: Figure, handle: BinaryIO, fmt: str) -> None:
    FigureCanvasAgg(figure)
    figure.savefig(handle, format=fmt, dpi=DPI, metadata=_metadata(fmt))


def _metadata(fmt: str) -> dict[str, str] | None:
    if fmt == "png":
        return {"Software": "tracker"}
    if fmt == "pdf":
        return {"Creator": "tracker", "Title": "Recovery chart"}
    return None
