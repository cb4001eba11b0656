"""The recovery chart of a crowded session: one small panel per symptom, in a grid.

Past ``charts.OVERLAID_AT_MOST`` symptoms, lines on one plot hide each other (equal values
on the same days, flag rings merging into a band) and no one symptom can be followed. Here
each symptom has its own panel, all on the same day axis and 0-10 scale, so panels compare
at a glance: its line, its flagged days ringed, its expected course as a tint behind it
("gone by day N" in its title), where it is heading at its pace, today and the follow-up.
The care log stays one strip under the grid, as in the single chart.

Margins come from measured text, as in ``charts``; no layout engine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import offset_copy

from tracker.domain.care import care_name
from tracker.domain.summaries import SessionView, SymptomSummary
from tracker.drawing import parts
from tracker.drawing.measure import Measure

LINE = "#0072B2"  # one colour: the panel, not the colour, says which symptom it is
COURSE = "#009E73"
PHOTO_SIZE = 6.0  # a day with a photo's caret, in points
FLAGGED, FLAGGED_SIZE = "#D55E00", 4.5  # vermillion: told from the blue by colour-blind eyes
TYPICAL_ALPHA, LATEST_ALPHA = 0.30, 0.13
PANEL_TITLE_SIZE = 9.0
PANEL_TICK_SIZE = 8.0
MIN_PANEL_WIDTH = 1.8  # inches: below it a panel's day ticks and title get too cramped
MAX_COLUMNS = 4
COLUMN_GAP = 0.22
ROW_GAP = 0.12
PANEL_HEIGHT = 1.35  # when the figure's height is ours to choose
MIN_PANEL_HEIGHT = 0.6  # on a fixed page, panels get this low at the least
Y_TICKS = (0, 3, 6, 10)  # the tops of none, mild, moderate and severe


def grid_figure(
    view: SessionView,
    *,
    width: float,
    size: tuple[float, float] | None = None,
    top_margin: float = 0.0,
    bottom_margin: float = 0.0,
    phone: bool = False,
) -> Figure:
    """A panel per symptom in a grid, the care log under it; measured, then drawn. On a
    ``phone`` every panel has its own day numbers (stacked, the bottom one is screens away)
    and no text is smaller than the ticks'."""
    session = view.session
    today_day = session.day_of(view.as_of)
    follow_day = session.day_of(session.follow_up) if session.follow_up is not None else None
    flagged = parts.flagged_days(view)

    fig_width = size[0] if size else width
    figure = Figure(figsize=(fig_width, size[1] if size else 8.0), dpi=parts.DPI)
    measure = Measure(figure)
    key = _fitted(figure, measure, _key(view, today_day, follow_day, flagged), fig_width)
    layout = _measure(view, figure, measure, key, size, top_margin, bottom_margin, phone)
    figure.set_size_inches(layout.width, layout.height)
    _heading(figure, layout, key)
    photo_days = [d for d in view.photo_days if d <= layout.last_day]
    first = _panels(figure, layout, view.summaries, flagged, (today_day, follow_day), photo_days)
    first.set_ylim(-0.5, 10.5)
    first.set_yticks(Y_TICKS)
    parts.whole_days(first, -0.6, layout.last_day + 0.6, layout.panel_width, measure)
    _below(figure, measure, layout, view, today_day, follow_day)
    return figure


@dataclass(frozen=True)
class _Layout:
    """Where everything of the grid goes, in inches (the figure's top is y = height)."""

    width: float
    height: float
    left: float  # the severity axis's words
    care_left: float  # the care names, when they are wider
    right: float  # the band words at the right of the last column
    columns: int
    rows: int
    panel_width: float
    panel_height: float
    row_extra: float  # a panel's title, its day ticks and the gap to the next row
    titles: list[str]  # each panel's, as wide as it
    title_height: float  # the tallest panel title
    title: str  # the chart's, wrapped to the width
    heading: float  # the chart's title's height
    legend_columns: int
    top: float  # the margin, the title and the legend
    top_margin: float
    bottom_margin: float
    care_height: float
    lane: float
    last_day: int
    care_actions: list[str]
    phone: bool = False

    def box(self, x: float, y_top: float, w: float, h: float) -> tuple[float, float, float, float]:
        return (x / self.width, (y_top - h) / self.height, w / self.width, h / self.height)

    @property
    def room(self) -> float:
        return self.width - self.left - self.right

    @property
    def grid_bottom(self) -> float:
        return self.height - self.top - self.rows * (self.panel_height + self.row_extra) + ROW_GAP


@dataclass(frozen=True)
class _Across:
    left: float
    care_left: float
    right: float
    columns: int
    rows: int
    panel_width: float


def _across(measure: Measure, fig_width: float, symptoms: int, care_actions: list[str]) -> _Across:
    """The severity axis's words at the left (and the care names, when the care log shares
    the left edge), the band words at the right of the last column, as many columns of
    panels as fit between."""
    tick_width = measure.width("10", PANEL_TICK_SIZE) * parts.SLACK
    axis_label = measure.size("Severity", parts.SMALL_SIZE)[1]
    care_width = max(
        (measure.width(care_name(a), parts.LANE_SIZE) for a in care_actions), default=0.0
    )
    left = tick_width + 0.08 + axis_label + 0.1 + parts.PAD
    care_left = max(left, care_width * parts.SLACK + 0.15 + parts.PAD)
    right = measure.width(" moderate", parts.SMALL_SIZE) * parts.SLACK + parts.PAD
    room = fig_width - left - right
    columns = max(1, min(MAX_COLUMNS, int((room + COLUMN_GAP) / (MIN_PANEL_WIDTH + COLUMN_GAP))))
    columns = min(columns, symptoms)
    rows = -(-symptoms // columns)
    panel_width = (room - (columns - 1) * COLUMN_GAP) / columns
    return _Across(left, care_left, right, columns, rows, panel_width)


def _measure(
    view: SessionView,
    figure: Figure,
    measure: Measure,
    key: tuple[list[Any], list[str]],
    size: tuple[float, float] | None,
    top_margin: float,
    bottom_margin: float,
    phone: bool = False,
) -> _Layout:
    summaries = view.summaries
    care_actions = parts.logged_care(view)
    last_day = parts.last_day_drawn(view)
    fig_width = figure.get_size_inches()[0]
    across = _across(measure, fig_width, len(summaries), care_actions)

    # Each panel's title: its name, and when its expected course ends; on two lines where
    # one is too narrow. Every title gets the height of the tallest.
    titles = [_panel_title(s, last_day, measure, across.panel_width, True) for s in summaries]
    if any("\n" in t for t in titles):  # all alike, so that the rows read the same way
        titles = [_panel_title(s, last_day, measure, across.panel_width, False) for s in summaries]
    title_height = max(measure.size(t, PANEL_TITLE_SIZE)[1] for t in titles) + 0.06
    tick_height = measure.size("0123456789", PANEL_TICK_SIZE)[1] + 0.08

    title = measure.wrap(parts.chart_title(view), parts.TITLE_SIZE, fig_width - 2 * parts.PAD)
    heading = measure.size(title, parts.TITLE_SIZE)[1]
    legend_columns, legend_height = _legend_fit(figure, measure, *key, fig_width - 2 * parts.PAD)
    top = top_margin + parts.PAD + heading + parts.PAD + legend_height + parts.PAD
    x_label = measure.size("Day", parts.SMALL_SIZE + 1)[1]
    bottom = bottom_margin + parts.PAD + x_label + 0.1
    row_extra = title_height + tick_height + ROW_GAP
    fig_height, panel_height, care_height, lane = _heights(
        across.rows,
        len(care_actions),
        top=top,
        bottom=bottom,
        row_extra=row_extra,
        care_words=measure.size("Care log", PANEL_TITLE_SIZE)[1],
        tick_height=tick_height,
        size=size,
    )
    return _Layout(
        fig_width,
        fig_height,
        across.left,
        across.care_left,
        across.right,
        across.columns,
        across.rows,
        across.panel_width,
        panel_height,
        row_extra,
        titles,
        title_height,
        title,
        heading,
        legend_columns,
        top,
        top_margin,
        bottom_margin,
        care_height,
        lane,
        last_day,
        care_actions,
        phone,
    )


def _heights(
    rows: int,
    care_rows: int,
    *,
    top: float,
    bottom: float,
    row_extra: float,
    care_words: float,
    tick_height: float,
    size: tuple[float, float] | None,
) -> tuple[float, float, float, float]:
    """The figure's height, a panel's, the care log's and a lane's. On a fixed page the
    care lanes get narrower before the panels are squeezed; a page too short for so many
    panels grows, legibly."""
    lane = parts.LANE
    while True:
        care_height = (lane * care_rows + 0.15) if care_rows else 0.0
        care_block = care_height + care_words + 0.12 + tick_height if care_rows else 0.0
        if size is None:
            panel_height = PANEL_HEIGHT
            fig_height = top + rows * (panel_height + row_extra) + care_block + bottom
            break
        fig_height = size[1]
        panel_height = (fig_height - top - bottom - care_block) / rows - row_extra
        if panel_height >= 1.1 or lane <= parts.MIN_LANE:
            break
        lane = max(parts.MIN_LANE, lane - 0.02)
    if panel_height < MIN_PANEL_HEIGHT:
        panel_height = MIN_PANEL_HEIGHT
        fig_height = top + rows * (panel_height + row_extra) + care_block + bottom
    return fig_height, panel_height, care_height, lane


def _heading(figure: Figure, layout: _Layout, key: tuple[list[Any], list[str]]) -> None:
    """The chart's title, and the legend under it across the width."""
    parts.draw_title(figure, layout.title, layout.top_margin)
    figure.legend(
        *key,
        fontsize=parts.LEGEND_SIZE,
        ncols=layout.legend_columns,
        loc="upper left",
        bbox_to_anchor=(
            parts.PAD / layout.width,
            1 - (layout.top_margin + parts.PAD + layout.heading + parts.PAD) / layout.height,
        ),
        borderaxespad=0,
        framealpha=0.95,
    )


def _panels(
    figure: Figure,
    layout: _Layout,
    summaries: list[SymptomSummary],
    flagged: set[tuple[str, int]],
    marker_days: tuple[int, int | None],
    photo_days: Sequence[int],
) -> Axes:
    """A panel per symptom, row by row, sharing the first one's scales (returned)."""
    today_day, follow_day = marker_days
    columns = layout.columns
    first: Axes | None = None
    for index, summary in enumerate(summaries):
        row, column = divmod(index, columns)
        x = layout.left + column * (layout.panel_width + COLUMN_GAP)
        y_top = (
            layout.height
            - layout.top
            - row * (layout.panel_height + layout.row_extra)
            - layout.title_height
        )
        ax = figure.add_axes(
            layout.box(x, y_top, layout.panel_width, layout.panel_height),
            sharex=first,
            sharey=first,
        )
        first = first or ax
        _panel(ax, summary, flagged, today_day, follow_day, photo_days)
        _title_over(figure, ax, layout.titles[index])
        last_in_column = layout.phone or index + columns >= len(summaries)
        ax.tick_params(
            labelsize=PANEL_TICK_SIZE,
            labelbottom=last_in_column,
            labelleft=column == 0,
            length=2.5,
            pad=2,
        )
        # An axis with neither words nor grid is not drawn at all: ticks are most of a
        # panel's drawing time, and the shared scales make them once per row and column.
        ax.xaxis.set_visible(last_in_column)
        ax.yaxis.set_visible(column == 0)
        if column == columns - 1 or index == len(summaries) - 1:
            _band_words(ax, parts.SMALL_SIZE if layout.phone else parts.SMALL_SIZE - 1)
    assert first is not None
    return first


def _below(
    figure: Figure,
    measure: Measure,
    layout: _Layout,
    view: SessionView,
    today_day: int,
    follow_day: int | None,
) -> None:
    """The severity axis's words beside the grid; under it the care log (or only the day
    axis's words)."""
    grid_top = layout.height - layout.top
    grid_bottom = layout.grid_bottom
    figure.text(
        parts.PAD / layout.width,
        (grid_top + grid_bottom) / 2 / layout.height,
        "Severity (0 none - 10 worst)",
        rotation=90,
        va="center",
        ha="left",
        fontsize=parts.SMALL_SIZE,
    )
    x_words = "Day after the session (session day = day 0)"
    if not layout.care_actions:
        figure.text(
            (layout.left + layout.room / 2) / layout.width,
            (layout.bottom_margin + parts.PAD) / layout.height,
            x_words,
            ha="center",
            va="bottom",
            fontsize=parts.SMALL_SIZE + 1,
        )
        return
    care_top = grid_bottom - ROW_GAP - measure.size("Care log", PANEL_TITLE_SIZE)[1] - 0.06
    care_room = layout.width - layout.care_left - layout.right
    care_ax = figure.add_axes(layout.box(layout.care_left, care_top, care_room, layout.care_height))
    _care(care_ax, view, layout.care_actions, layout.lane, today_day, follow_day)
    _title_over(figure, care_ax, "Care log")
    parts.whole_days(care_ax, -0.6, layout.last_day + 0.6, care_room, measure)
    care_ax.tick_params(labelsize=PANEL_TICK_SIZE)
    care_ax.set_xlabel(x_words, fontsize=parts.SMALL_SIZE + 1)


def _panel_title(
    summary: SymptomSummary, last_day: int, measure: Measure, room: float, one_line: bool
) -> str:
    expected = summary.expected
    course = expected.chart_label(last_day)
    name = parts.symptom_label(summary.symptom)
    if one_line and measure.width(f"{name} · {course}", PANEL_TITLE_SIZE) * parts.SLACK <= room:
        return f"{name} · {course}"
    return measure.wrap(name, PANEL_TITLE_SIZE, room / parts.SLACK) + "\n" + course


def _panel(
    ax: Axes,
    summary: SymptomSummary,
    flagged: set[tuple[str, int]],
    today_day: int,
    follow_day: int | None,
    photo_days: Sequence[int] = (),
) -> None:
    parts.shade_bands(ax, words=False)
    expected = summary.expected
    if expected.has_course:  # a red flag or a patch has no course to tint
        ax.axvspan(-0.5, expected.max_days + 0.5, color=COURSE, alpha=LATEST_ALPHA, lw=0, zorder=1)
    if expected.has_course and expected.typical_days is not None:
        ax.axvspan(
            -0.5, expected.typical_days + 0.5, color=COURSE, alpha=TYPICAL_ALPHA, lw=0, zorder=1
        )
    real = [e.day for e in summary.series]
    xs, ys = parts.broken_line(real, [e.severity for e in summary.series], real)
    ax.plot(xs, ys, color=LINE, linewidth=1.6, marker="o", markersize=3, zorder=3)
    ahead = summary.forecast if expected.has_course else None
    if ahead is not None:
        ax.plot(
            [ahead.from_day, ahead.gone_day],
            [ahead.from_value, 0],
            color=LINE,
            linestyle=parts.FORECAST_DASH,
            linewidth=1.1,
            zorder=2,
        )
    ringed = [(e.day, e.severity) for e in summary.series if (e.symptom, e.day) in flagged]
    if ringed:
        # A point of another colour, not a ring: rings on nearby days merge into a band at
        # a panel's scale, a point stays the size of the day's own.
        ax.scatter(
            [d for d, _ in ringed],
            [v for _, v in ringed],
            s=FLAGGED_SIZE**2,
            color=FLAGGED,
            edgecolors=parts.FLAG_RING,
            linewidths=0.5,
            zorder=4,
        )
    _day_lines(ax, today_day, follow_day)
    parts.photo_marks(ax, photo_days, size=PHOTO_SIZE)


def _title_over(figure: Figure, ax: Axes, words: str) -> None:
    # A text over the panel rather than set_title, whose placement measures every tick
    # label of the panel and of each panel sharing its axes: a fifth of the drawing time.
    ax.text(
        0.0,
        1.0,
        words,
        transform=offset_copy(ax.transAxes, fig=figure, y=3, units="points"),
        fontsize=PANEL_TITLE_SIZE,
        ha="left",
        va="bottom",
        gid="panel-title",
    )
    ax.set_label(words)


def _band_words(ax: Axes, size: float) -> None:
    # The band words once per row, at its right end, as the single chart has them.
    for word, y in (("mild", 2.0), ("moderate", 5.0), ("severe", 8.5)):
        parts.words_right(ax, y, f" {word}", size=size)


def _day_lines(ax: Axes, today_day: int, follow_day: int | None) -> None:
    ax.axvline(today_day, color="#444444", linestyle=":", linewidth=1, zorder=2)
    if follow_day is not None:
        ax.axvline(follow_day, color="#444444", linestyle="--", linewidth=1, zorder=2)


def _care(
    ax: Axes,
    view: SessionView,
    actions: list[str],
    lane: float,
    today_day: int,
    follow_day: int | None,
) -> None:
    parts.care_lanes(ax, view, actions, lane, tick_width=1.5)
    _day_lines(ax, today_day, follow_day)


def _key(
    view: SessionView, today_day: int, follow_day: int | None, flagged: set[tuple[str, int]]
) -> tuple[list[Any], list[str]]:
    """What the marks mean, once for every panel."""
    handles: list[Any] = [Line2D([], [], color=LINE, linewidth=1.6, marker="o", markersize=3)]
    labels = ["severity logged"]
    if flagged:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                markersize=FLAGGED_SIZE,
                markerfacecolor=FLAGGED,
                markeredgecolor=parts.FLAG_RING,
                markeredgewidth=0.5,
                linestyle="none",
            )
        )
        labels.append("flagged day")
    if parts.forecast_ends(view):
        handles.append(Line2D([], [], color=LINE, linestyle=parts.FORECAST_DASH, linewidth=1.1))
        labels.append("at this pace")
    if view.photo_days:
        handles.append(parts.photo_key(PHOTO_SIZE))
        labels.append(parts.PHOTO_WORDS)
    handles.append(Patch(facecolor=COURSE, alpha=TYPICAL_ALPHA + LATEST_ALPHA, linewidth=0))
    labels.append("expected: most people gone by its end")
    handles.append(Patch(facecolor=COURSE, alpha=LATEST_ALPHA, linewidth=0))
    labels.append("flagged after its end")
    handles.append(Line2D([], [], color="#444444", linestyle=":", linewidth=1))
    labels.append(f"today (day {today_day})")
    if follow_day is not None:
        handles.append(Line2D([], [], color="#444444", linestyle="--", linewidth=1))
        labels.append(f"follow-up (day {follow_day})")
    return handles, labels


def _fitted(
    figure: Figure, measure: Measure, key: tuple[list[Any], list[str]], fig_width: float
) -> tuple[list[Any], list[str]]:
    """The legend's labels, each on as many lines as it takes for one column to fit the
    figure's width (a phone's chart: "expected: most people gone by its end" ran past the
    frame)."""
    handles, labels = key
    room = fig_width - 2 * parts.PAD
    if parts.legend_size(figure, measure, handles, labels, 1)[0] <= room:
        return key
    frame = parts.legend_size(figure, measure, handles[:1], [""], 1)[0]  # handle, pads, box
    text_room = max(room - frame, 0.5)
    return handles, [measure.wrap(label, parts.LEGEND_SIZE, text_room) for label in labels]


def _legend_fit(
    figure: Figure, measure: Measure, handles: list[Any], labels: list[str], room: float
) -> tuple[int, float]:
    """The most columns that fit ``room`` inches, and the legend's height then."""
    columns = len(labels)
    while columns > 1:
        wide, high = parts.legend_size(figure, measure, handles, labels, columns)
        if wide <= room:
            return columns, high
        # One row more each time, and always a column fewer: with 6 labels in 2 columns
        # a row more is still 2 columns, which looped for ever when 2 did not fit.
        columns = min(columns - 1, math.ceil(len(labels) / (math.ceil(len(labels) / columns) + 1)))
    return 1, parts.legend_size(figure, measure, handles, labels, 1)[1]
