"""Expected courses in detail: where each figure comes from, what it says in JSON, and the
windows read from onset_peak.csv. Small hand-made tables keep each rule in view."""

from __future__ import annotations

import pytest

from tracker.domain.expectations import (
    DEFAULT_SOURCE,
    OVERRIDE_SOURCE,
    PIGMENT_WATCH_SOURCE,
    SENSITIVE_SOURCE,
    Expectation,
    Expectations,
    Override,
    Window,
    Windows,
    group_rule,
    parse_table,
    parse_windows,
    shipped_table,
)
from tracker.domain.records import ProfileRecord

STUDY = Window(2, 5, "published", "a study")


def test_a_window_holds_from_its_first_to_its_last_day_and_says_so() -> None:
    assert [day for day in range(8) if STUDY.holds(day)] == [2, 3, 4, 5]
    assert STUDY.days == "days 2-5"
    assert Window(4, 4, "inferred", "x").days == "day 4"
    assert STUDY.to_json() == {
        "first_day": 2,
        "last_day": 5,
        "basis": "published",
        "source": "a study",
        "from_kind": None,
    }


def test_a_severe_phase_is_expected_up_to_and_on_its_last_day() -> None:
    course = Expectation(
        "k", "swelling", 1, 5, "published", "s", severe_until=Window(0, 3, "published", "s")
    )
    assert [course.severe_expected_on(day) for day in (0, 3, 4)] == [True, True, False]
    assert not Expectation("k", "swelling", 1, 5, "published", "s").severe_expected_on(0)


def test_a_course_in_json_with_its_windows() -> None:
    course = Expectation(
        "ipl",
        "redness",
        2,
        6,
        "published",
        "a study",
        onsets=(STUDY,),
        severe_until=Window(0, 1, "inferred", "a guess", "laser-rejuvenation"),
        adjusted=("why",),
        watch=Window(14, 56, "inferred", "watch"),
    )
    assert course.to_json() == {
        "kind": "ipl",
        "symptom": "redness",
        "typical_days": 2,
        "max_days": 6,
        "basis": "published",
        "source": "a study",
        "overridden": False,
        "from_kind": None,
        "onsets": [STUDY.to_json()],
        "severe_latest": None,
        "envelope": (
            f"starts or rises on {STUDY.days}; strong up to day 1; most people gone by day 2; "
            "flagged after day 6"
        ),
        "no_figure": False,
        "severe_until": {
            "first_day": 0,
            "last_day": 1,
            "basis": "inferred",
            "source": "a guess",
            "from_kind": "laser-rejuvenation",
        },
        "adjusted": ["why"],
        "watch": {
            "first_day": 14,
            "last_day": 56,
            "basis": "inferred",
            "source": "watch",
            "from_kind": None,
        },
    }


@pytest.mark.parametrize(
    ("symptom", "group", "rule"),
    [
        (
            "fever",
            "red-flag",
            "no expected course: any value above 0 means contact your clinic now",
        ),
        (
            "darkening",
            "pigment",
            "no expected course: any value above 0 is raised at your follow-up",
        ),
    ],
)
def test_a_symptom_without_a_course_says_its_rule_in_json(
    symptom: str, group: str, rule: str
) -> None:
    assert group_rule(group) == rule
    course = Expectation(
        "ipl", symptom, 3, 9, "published", "a study", overridden=True, from_kind="x"
    )
    assert (course.group, course.has_course) == (group, False)
    found = course.to_json()
    assert (found["typical_days"], found["max_days"]) == (None, None)
    assert (found["basis"], found["source"]) == (group, rule)
    assert (found["overridden"], found["from_kind"]) == (True, "x")
    assert (found["onsets"], found["severe_until"], found["adjusted"], found["watch"]) == (
        [],
        None,
        [],
        None,
    )


def test_a_symptom_the_catalog_does_not_know_is_common() -> None:
    course = Expectation("ipl", "tingling", None, 7, "default", DEFAULT_SOURCE)
    assert (course.group, course.has_course) == ("common", True)


# --- where a course comes from ----------------------------------------------------------

LENDER = {
    ("laser-rejuvenation", "rash"): Expectation(
        "laser-rejuvenation", "rash", 2, 6, "published", "a study"
    )
}


def test_a_borrowed_course_is_inferred_and_names_its_lender_and_basis() -> None:
    course = Expectations(LENDER, windows={}).for_pair("ipl", "rash")
    assert course == Expectation(
        "ipl",
        "rash",
        2,
        6,
        "inferred",
        "laser-rejuvenation figure (published), used for ipl as a related kind: a study",
        from_kind="laser-rejuvenation",
    )


def test_an_override_is_the_patients_own_setting_for_that_kind() -> None:
    overrides = [Override("ipl", "rash", 10), Override("ipl", "redness", 4, 2)]
    expectations = Expectations(LENDER, overrides, windows={})
    assert expectations.for_pair("ipl", "rash") == Expectation(
        "ipl", "rash", None, 10, "custom", OVERRIDE_SOURCE, overridden=True
    )
    assert OVERRIDE_SOURCE == "your own setting"
    assert (
        expectations.for_pair("ipl", "redness").typical_days,
        expectations.for_pair("ipl", "redness").max_days,
    ) == (2, 4)


@pytest.mark.parametrize("kind", ["tattoo-removal", "microneedling"])
def test_a_kind_with_nothing_to_borrow_gets_the_general_default(kind: str) -> None:
    course = Expectations(LENDER, windows={}).for_pair(kind, "rash")
    assert course == Expectation(kind, "rash", None, 7, "default", DEFAULT_SOURCE)
    assert DEFAULT_SOURCE.startswith(
        "no figure for this symptom after this treatment or a related one: judged by the "
        "general course"
    )


def test_a_pair_is_built_once() -> None:
    expectations = Expectations(shipped_table())
    assert expectations.for_pair("ipl", "redness") is expectations.for_pair("ipl", "redness")
    assert expectations.for_pair("ipl", "redness") is not expectations.for_pair("ipl", "itching")


# --- windows --------------------------------------------------------------------------

WINDOWS_CSV = """\
# a comment line, then the header
kind,symptom,onset_from_day,onset_to_day,severe_expected_to_day,basis,source
ipl,redness,0,1,,published,"first, 'quoted'"
ipl,redness,3,4,2,inferred,second
ipl,pain,,,3,published,only severe
ipl,burning,,,,inferred,present from day 0
"""


def test_windows_are_read_with_their_days_basis_and_source() -> None:
    assert parse_windows(WINDOWS_CSV) == {
        ("ipl", "redness"): Windows(
            (Window(0, 1, "published", "first, 'quoted'"), Window(3, 4, "inferred", "second")),
            Window(0, 2, "inferred", "second"),
        ),
        ("ipl", "pain"): Windows((), Window(0, 3, "published", "only severe")),
        ("ipl", "burning"): Windows((), None),
    }
    latest = (
        "kind,symptom,onset_from_day,onset_to_day,severe_expected_to_day,basis,source,"
        "severe_latest_day,latest_basis,latest_source\n"
        "ipl,pain,,,3,published,only severe,5,inferred,our line\n"
    )
    pain = Expectations({}, windows=parse_windows(latest)).for_pair("ipl", "pain")
    assert (pain.ease_by, pain.latest_strong) == (3, 5)
    assert pain.severe_latest == Window(0, 5, "inferred", "our line")


def test_courses_are_read_with_their_figures_and_comments_skipped() -> None:
    text = (
        "# comment\nkind,symptom,typical_days,max_days,basis,source\n"
        'ipl,rash,2,6,published,"a, study"\n'
    )
    assert parse_table(text) == {
        ("ipl", "rash"): Expectation("ipl", "rash", 2, 6, "published", "a, study")
    }


def test_a_rise_is_borrowed_from_the_nearest_related_kind_that_has_one() -> None:
    windows = parse_windows(WINDOWS_CSV.replace("ipl,", "nonablative-fractional,"))
    expectations = Expectations(LENDER, windows=windows)
    # laser-rejuvenation borrows from nonablative-fractional; ipl from laser-rejuvenation first
    # (no row) and then nonablative-fractional.
    for kind in ("laser-rejuvenation", "ipl"):
        redness = expectations.for_pair(kind, "redness")
        assert [(w.first_day, w.last_day, w.from_kind) for w in redness.onsets] == [
            (0, 1, "nonablative-fractional"),
            (3, 4, "nonablative-fractional"),
        ]
        # The strong stage is borrowed with the rise, from the same kind.
        assert redness.severe_until == Window(0, 2, "inferred", "second", "nonablative-fractional")
        assert expectations.for_pair(kind, "pain").onsets == ()
    own = Expectations(LENDER, windows=windows).for_pair("nonablative-fractional", "redness")
    assert own.onsets[0].from_kind is None and own.severe_until == Window(
        0, 2, "inferred", "second"
    )
    assert Expectations(LENDER, windows=windows).for_pair("microneedling", "redness").onsets == ()


def test_shipped_itching_after_ipl_borrows_its_rise() -> None:
    itching = Expectations(shipped_table()).for_pair("ipl", "itching")
    assert [(w.first_day, w.last_day, w.from_kind) for w in itching.onsets] == [
        (1, 4, "nonablative-fractional")
    ]


# --- skin ------------------------------------------------------------------------------


def test_sensitive_skin_stretches_a_default_course_without_a_typical_day() -> None:
    sensitive = Expectations(LENDER, windows={}, skin=ProfileRecord("p", None, True))
    redness = sensitive.for_pair("tattoo-removal", "redness")
    assert (redness.typical_days, redness.max_days) == (None, 11)
    assert redness.adjusted == (SENSITIVE_SOURCE,)
    assert sensitive.for_pair("tattoo-removal", "swelling").adjusted == ()


@pytest.mark.parametrize(
    ("skin_type", "watched"),
    [(None, False), ("I", False), ("III", False), ("IV", True), ("V", True), ("VI", True)],
)
def test_darker_skin_is_told_to_watch_for_darker_patches_in_weeks_2_to_8(
    skin_type: str | None, watched: bool
) -> None:
    expectations = Expectations(shipped_table(), skin=ProfileRecord("p", skin_type, False))
    darkening = expectations.for_pair("ipl", "darkening")
    if watched:
        assert darkening.watch == Window(14, 56, "inferred", PIGMENT_WATCH_SOURCE)
    else:
        assert darkening.watch is None
    assert expectations.for_pair("ipl", "lightening").watch is None
    assert expectations.for_pair("ipl", "redness").watch is None
    assert Expectations(shipped_table()).for_pair("ipl", "darkening").watch is None


def test_a_charts_short_word_for_the_course() -> None:
    course = Expectation("ipl", "redness", 2, 7, "published", "s")
    assert course.chart_label(7) == "flagged after day 7"
    assert course.chart_label(6) == "flagged after day 7 →"  # past the chart's last day
    assert Expectation("ipl", "fever", None, 7, "d", "s").chart_label(3) == (
        "no course: contact clinic"
    )
    assert Expectation("ipl", "darkening", None, 7, "d", "s").chart_label(3) == (
        "no course: ask at follow-up"
    )
