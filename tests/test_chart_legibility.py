"""Charts and report pages a patient can read: nothing cut, nothing drawn over other text,
for 1 to 365 days and up to every symptom; lines broken where days were not logged."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from legibility import START, panel_problems, shown_texts, text_problems, view
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from tracker.domain.catalog import SYMPTOMS
from tracker.drawing.charts import (
    OVERLAID_AT_MOST,
    PHONE_SMALLEST,
    PHONE_WIDTH,
    compare_figure,
    session_figure,
)
from tracker.drawing.report import PAGE, build_report

WIDE = {}
PAGE_CHART = {"size": PAGE, "top_margin": 0.45, "bottom_margin": 0.65}
NARROW = {"width": 6.0}
PHONE = {"phone": True}  # the web page on a phone: its own layout
SHAPES = {"wide": WIDE, "page": PAGE_CHART, "narrow": NARROW, "phone": PHONE}


# The legibility sweep: every chart, comparison and report page of these grids is drawn and
# measured. The default run draws a sample of each grid (hypothesis, a fixed budget of
# examples: a new one each run, a failing one kept in .hypothesis/ and tried first);
# `pytest -m sweep` (.ci/run) draws them all.
CHART_GRID = [(1, 1), (1, 18), (14, 6), (14, 7), (14, 8), (14, 14), (90, 5), (90, 12), (365, 18)]
COMPARE_GRID = [(1, PHONE_WIDTH), (5, PHONE_WIDTH), (len(SYMPTOMS), PHONE_WIDTH)]
COMPARE_GRID += [(symptoms, 11.0) for symptoms, _ in COMPARE_GRID]
REPORT_GRID = [(1, 1), (14, 8), (90, 18)]
SAMPLED = settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def chart_is_legible(days: int, symptoms: int, shape: str) -> None:
    figure = session_figure(view(days, symptoms), **SHAPES[shape])
    assert text_problems(figure) == []
    assert panel_problems(figure) == []
    if shape == "page":  # the report's page stays A4, however many symptoms
        assert tuple(figure.get_size_inches()) == pytest.approx(PAGE)


@pytest.mark.sweep
@pytest.mark.parametrize(("days", "symptoms"), CHART_GRID)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_no_text_is_cut_or_overlapped(days: int, symptoms: int, shape: str) -> None:
    chart_is_legible(days, symptoms, shape)


@SAMPLED
@given(st.sampled_from(CHART_GRID), st.sampled_from(list(SHAPES)))
def test_no_text_is_cut_or_overlapped_in_a_sample(case: tuple[int, int], shape: str) -> None:
    chart_is_legible(*case, shape)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    days=st.integers(1, 365),
    symptoms=st.integers(1, len(SYMPTOMS)),
    follow_up=st.none() | st.integers(0, 400),
    area=st.none() | st.text(min_size=1, max_size=120),
    shape=st.sampled_from(list(SHAPES)),
    photos=st.frozensets(st.integers(0, 400), max_size=30),
)
def test_no_text_is_cut_whatever_the_data(
    days: int,
    symptoms: int,
    follow_up: int | None,
    area: str | None,
    shape: str,
    photos: frozenset[int],
) -> None:
    chosen = view(
        days,
        symptoms,
        follow_up=follow_up,
        area=area,
        care=days < 120,
        photo_days=tuple(sorted(photos)),
    )
    figure = session_figure(chosen, **SHAPES[shape])
    assert text_problems(figure) == []
    assert panel_problems(figure) == []


def _photo_marks(figure: Figure) -> list[list[float]]:
    """The days each panel marks as having a photo."""
    return [
        [float(x) for x in line.get_xdata()]
        for line in figure.findobj(Line2D)
        if line.get_gid() == "photo-days"
    ]


@pytest.mark.parametrize("symptoms", [3, OVERLAID_AT_MOST + 2])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_days_with_a_photo_are_marked_on_the_day_axis_legibly(symptoms: int, shape: str) -> None:
    """A caret on the day axis under each day with a photo (each panel's, past the
    threshold), named in the legend; none drawn past the last day, nothing cut or over
    a text; a session without photos has neither marks nor the legend's words."""
    figure = session_figure(view(14, symptoms, photo_days=(0, 3, 9, 40)), **SHAPES[shape])
    marks = _photo_marks(figure)
    # A phone's chart has a panel per symptom whatever their number.
    panels = 1 if symptoms <= OVERLAID_AT_MOST and shape != "phone" else symptoms
    assert marks == [[0.0, 3.0, 9.0]] * panels
    assert "day with a photo" in [t.get_text() for t in figure.legends[0].get_texts()]
    assert text_problems(figure) == []
    assert panel_problems(figure) == []
    plain = session_figure(view(14, symptoms), **SHAPES[shape])
    assert _photo_marks(plain) == []
    assert "day with a photo" not in [t.get_text() for t in plain.legends[0].get_texts()]


def test_the_checker_finds_a_cut_legend() -> None:
    figure = session_figure(view(14, 14))
    legend = figure.legends[0]
    legend.set_bbox_to_anchor((0.97, 0.9), transform=figure.transFigure)
    assert any("cut" in problem for problem in text_problems(figure))


def _panel_title(panel: object) -> str:
    (title,) = [t.get_text() for t in panel.texts if t.get_gid() == "panel-title"]  # type: ignore[attr-defined]
    return title


def _names(count: int) -> list[str]:
    return [s.name for s in SYMPTOMS[:count]]


def test_up_to_the_threshold_every_symptom_shares_one_plot() -> None:
    figure = session_figure(view(14, OVERLAID_AT_MOST))
    main = figure.axes[0]
    marked = [line for line in _lines(main) if line.get_marker() not in ("", "None", None)]
    assert len(marked) == OVERLAID_AT_MOST
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend[:OVERLAID_AT_MOST] == _names(OVERLAID_AT_MOST)


@pytest.mark.parametrize("symptoms", [OVERLAID_AT_MOST + 1, 12, len(SYMPTOMS)])
def test_past_the_threshold_each_symptom_has_a_panel_of_its_own(symptoms: int) -> None:
    chosen = view(30, symptoms)
    figure = session_figure(chosen)
    panels, care = figure.axes[:-1], figure.axes[-1]
    assert _panel_title(care) == "Care log"
    assert len(panels) == symptoms
    for panel, summary, name in zip(panels, chosen.summaries, _names(symptoms), strict=True):
        title = _panel_title(panel).replace("\n", " · ")
        # A red flag or a patch has no course: it says what to do instead of a day.
        assert title == f"{name} · {summary.expected.chart_label(last_day=10**6)}"
        marked = [line for line in _lines(panel) if line.get_marker() not in ("", "None", None)]
        assert len(marked) == 1  # its own line alone
        days = [round(x) for x in marked[0].get_xdata() if not math.isnan(x)]
        assert days == [e.day for e in summary.series]
    # One day axis and one 0-10 scale for every panel, so that panels compare at a glance.
    assert len({p.get_xlim() for p in panels}) == 1 and len({p.get_ylim() for p in panels}) == 1
    assert panels[0].get_ylim()[0] < 0 and panels[0].get_ylim()[1] > 10


def test_each_panel_marks_its_own_flagged_days_and_draws_today_and_the_follow_up() -> None:
    chosen = view(20, 9, follow_up=18)
    figure = session_figure(chosen)
    marked_any = False
    for panel, summary in zip(figure.axes, chosen.summaries, strict=False):
        flagged = sorted(
            {
                (day, e.severity)
                for f in chosen.flags
                if f.symptom == summary.symptom and f.rule != "missing"
                for day in range(f.first_day, f.last_day + 1)
                for e in summary.series
                if e.day == day
            }
        )
        marks = [c for c in panel.collections if isinstance(c, PathCollection)]
        drawn = sorted(
            (round(float(x)), round(float(y))) for c in marks for x, y in c.get_offsets()
        )
        assert drawn == flagged
        marked_any = marked_any or bool(drawn)
        verticals = {
            line.get_xdata()[0]
            for line in panel.get_lines()
            if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]
        }
        assert {19, 18} <= verticals  # today (as of day 19) and the follow-up (day 18)
    assert marked_any


def test_a_panel_draws_where_its_symptom_is_heading() -> None:
    chosen = view(10, 8, care=False, follow_up=18)
    figure = session_figure(chosen)
    heading = [s for s in chosen.summaries if s.forecast and s.expected.has_course]
    assert 0 < len(heading) < 8
    for panel, summary in zip(figure.axes, chosen.summaries, strict=True):
        dashed = [line for line in _lines(panel) if line.get_linestyle() == "--"]
        ends = [(line.get_xdata()[0], line.get_xdata()[-1]) for line in dashed]
        ahead = summary.forecast if summary.expected.has_course else None
        expected = [(ahead.from_day, ahead.gone_day)] if ahead else []
        assert [e for e in ends if e != (18, 18)] == expected  # not the follow-up line


@pytest.mark.parametrize("days", [1, 2, 14, 365])
def test_panel_day_ticks_are_whole_days(days: int) -> None:
    figure = session_figure(view(days, 9, care=False))
    for ax in figure.axes:
        low, high = ax.get_xlim()
        ticks = [t for t in ax.get_xticks() if low <= t <= high]
        assert ticks and all(float(t).is_integer() for t in ticks)


def _lines(figure_axes: object) -> list[Line2D]:
    return [line for line in figure_axes.get_lines() if len(line.get_xdata()) > 0]  # type: ignore[attr-defined]


def test_lines_break_where_two_days_or_more_were_not_logged() -> None:
    # Logged days 0-3, 5, 6, 9: a one-day hole (day 4) and a two-day hole (7-8).
    figure = session_figure(view(10, 1, skip=frozenset({4, 7, 8}), care=False))
    main = figure.axes[0]
    (line,) = [line for line in _lines(main) if line.get_marker() not in ("", "None", None)]
    xs = [float(x) for x in line.get_xdata()]
    breaks = [i for i, x in enumerate(xs) if math.isnan(x)]
    real = [round(x) for x in xs if not math.isnan(x)]
    assert real == [0, 1, 2, 3, 5, 6, 9]  # every logged point is still marked
    assert len(breaks) == 2  # before day 5 and before day 9
    assert round(xs[breaks[0] + 1]) == 5 and round(xs[breaks[1] + 1]) == 9


@pytest.mark.parametrize("days", [1, 2, 3, 14, 90, 365])
def test_day_ticks_are_whole_days(days: int) -> None:
    figure = session_figure(view(days, 3))
    bottom = figure.axes[-1]
    low, high = bottom.get_xlim()
    ticks = [t for t in bottom.get_xticks() if low <= t <= high]
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_care_ticks_are_drawn_above_the_grid_with_their_names() -> None:
    figure = session_figure(view(6, 2))
    care = figure.axes[-1]
    (marks, *_) = [c for c in care.collections if isinstance(c, PathCollection)]
    grid = care.xaxis.get_gridlines()[0]
    assert marks.get_zorder() > grid.get_zorder()
    names = [label.get_text() for label in care.get_yticklabels()]
    assert names == ["Ice pack", "Moisturiser", "Sunscreen", "Other care"]


def _three_overlapping_sessions() -> list:
    return [
        view(40, 4, session_id=1, as_of_day=60),
        view(25, 3, session_id=2, start=START + dt.timedelta(days=12), kind="ipl", as_of_day=48),
        view(
            12,
            5,
            session_id=3,
            start=START + dt.timedelta(days=20),
            kind="peel-medium",
            as_of_day=40,
        ),
    ]


def test_compare_cuts_each_session_at_the_next_ones_day_0() -> None:
    figure = compare_figure(_three_overlapping_sessions())
    itching = figure.axes[0]
    drawn = [line for line in _lines(itching) if line.get_marker() not in ("", "None", None)]
    last_days = sorted(max(x for x in line.get_xdata() if not math.isnan(x)) for line in drawn)
    # Session 1 until day 11 (session 2 began on its day 12), session 2 until day 7
    # (session 3 began 8 days after it), session 3 to its own last day (11).
    assert last_days == [7, 11, 11]
    assert text_problems(figure) == []


def test_compare_cuts_a_session_only_at_the_next_one_on_the_same_area() -> None:
    face, neck, face_again = _three_overlapping_sessions()
    neck = view(25, 3, session_id=2, start=neck.session.date, kind="ipl", area="Neck ")
    figure = compare_figure([face, neck, face_again])
    itching = figure.axes[0]
    drawn = [line for line in _lines(itching) if line.get_marker() not in ("", "None", None)]
    last_days = sorted(max(x for x in line.get_xdata() if not math.isnan(x)) for line in drawn)
    # The face until day 19 (the face again began on its day 20), the neck (another area:
    # it cuts nothing, and nothing cuts it) to its last logged day (24), the face again to 11.
    assert last_days == [11, 19, 24]
    assert "until the next on the same area begins" in figure.get_suptitle()
    assert text_problems(figure) == []


def test_compare_shows_the_expected_window_and_names_sessions_by_number_and_date() -> None:
    figure = compare_figure(_three_overlapping_sessions())
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels[:3] == [
        "session 1 (2026-01-01, laser skin rejuvenation)",
        "session 2 (2026-01-13, intense pulsed light (IPL, photofacial))",
        "session 3 (2026-01-21, medium-depth chemical peel (e.g. TCA))",
    ]
    assert any("expected course" in label for label in labels)
    assert figure.axes[0].patches  # the shaded expected windows


def compare_is_legible(symptoms: int, width: float) -> None:
    sessions = [
        view(40, symptoms, session_id=1, as_of_day=60),
        view(25, symptoms, session_id=2, start=START + dt.timedelta(days=12), kind="ipl"),
    ]
    figure = compare_figure(sessions, width=width)
    assert text_problems(figure) == []
    assert panel_problems(figure) == []


@pytest.mark.sweep
@pytest.mark.parametrize(("symptoms", "width"), COMPARE_GRID)
def test_compare_is_legible_at_the_phone_width_too(symptoms: int, width: float) -> None:
    compare_is_legible(symptoms, width)


@settings(SAMPLED, max_examples=2)
@given(st.sampled_from(COMPARE_GRID))
def test_compare_is_legible_at_the_phone_width_too_in_a_sample(case: tuple[int, float]) -> None:
    compare_is_legible(*case)


def test_compare_of_one_day_has_whole_day_ticks() -> None:
    figure = compare_figure([view(1, 1)])
    ax = figure.axes[0]
    low, high = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if low <= t <= high]
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert text_problems(figure) == []


def report_is_legible(days: int, symptoms: int) -> None:
    chosen = view(days, symptoms, note="still pink 🧴 " + "and rather warm " * 12)
    pages = build_report(chosen, dt.date(2026, 11, 24), "1.0")
    for number, page in enumerate(pages, start=1):
        assert text_problems(page, dpi=100) == [], f"page {number}"


@pytest.mark.sweep
@pytest.mark.parametrize(("days", "symptoms"), REPORT_GRID)
def test_every_report_page_is_legible(days: int, symptoms: int) -> None:
    report_is_legible(days, symptoms)


@settings(SAMPLED, max_examples=1)
@given(st.sampled_from(REPORT_GRID))
def test_every_report_page_is_legible_in_a_sample(case: tuple[int, int]) -> None:
    report_is_legible(*case)


def test_a_symptom_without_a_course_is_never_drawn_with_one() -> None:
    """Blisters and darker patches: no 'flagged after day 7' in their panel titles."""
    figure = session_figure(view(14, len(SYMPTOMS)))
    titles = {_panel_title(p).split("\n")[0].split(" · ")[0]: _panel_title(p) for p in figure.axes}
    assert "no course: contact clinic" in titles["Blisters"]
    assert "no course: ask at follow-up" in titles["Darker patches"]
    assert "flagged after day" not in titles["Blisters"] + titles["Darker patches"]
    assert "flagged after day" in titles["Redness"]


@pytest.mark.parametrize(("days", "symptoms"), [(1, 1), (14, 5), (30, len(SYMPTOMS))])
def test_a_phones_chart_is_narrow_stacked_and_no_text_is_smaller_than_8_points(
    days: int, symptoms: int
) -> None:
    """Drawn 3 inches wide and shown ~326 CSS px wide at 360 px, 8 points read at 12 px;
    a panel per symptom, one above the other, each with its own day numbers."""
    figure = session_figure(view(days, symptoms), phone=True)
    assert figure.get_size_inches()[0] == pytest.approx(PHONE_WIDTH)
    assert min(t.get_fontsize() for t in shown_texts(figure)) >= PHONE_SMALLEST
    assert PHONE_SMALLEST * 326 / (PHONE_WIDTH * 72) >= 12
    panels = [ax for ax in figure.axes if ax.get_label() != "Care log"]
    assert len(panels) == symptoms
    assert len({round(ax.get_position().x0, 3) for ax in panels}) == 1  # one column
    assert all(ax.xaxis.get_visible() for ax in panels)
    assert text_problems(figure) == [] and panel_problems(figure) == []


def test_a_phones_comparison_has_no_text_smaller_than_8_points() -> None:
    figure = compare_figure(_three_overlapping_sessions(), width=PHONE_WIDTH)
    assert min(t.get_fontsize() for t in shown_texts(figure)) >= PHONE_SMALLEST
    assert text_problems(figure) == []


@pytest.mark.parametrize(("days", "symptoms"), [(1, 1), (14, 5), (30, len(SYMPTOMS))])
def test_a_phones_legend_stays_inside_the_chart(days: int, symptoms: int) -> None:
    """Fresh eyes 3: at 360 px the legend ("expected: most people gone by its end") ran past
    the chart's right edge; a label too long for the width goes on more lines."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = session_figure(view(days, symptoms), phone=True)
    renderer = FigureCanvasAgg(figure).get_renderer()
    (legend,) = figure.legends
    box = legend.get_window_extent(renderer)
    width = figure.get_size_inches()[0] * figure.dpi
    assert box.x0 >= 0 and box.x1 <= width, (box, width)
    assert any("expected" in t.get_text() for t in legend.get_texts())
