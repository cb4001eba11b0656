from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tracker.domain.catalog import KINDS_BY_KEY, SYMPTOMS_BY_KEY
from tracker.domain.expectations import (
    RELATED,
    Expectations,
    Override,
    shipped_table,
    shipped_windows,
)

# The reference facts the shipped tables were made from (the project's shared/reference/,
# copied here as they were on 2026-12-03): the tests need nothing outside the checkout.
REFERENCE = Path(__file__).resolve().parent / "reference"


def test_shipped_figures_cover_known_kinds_and_symptoms_with_basis_and_source() -> None:
    table = shipped_table()
    assert len(table) >= 60
    for (kind, symptom), item in table.items():
        assert kind in KINDS_BY_KEY
        assert symptom in SYMPTOMS_BY_KEY
        assert item.basis in ("published", "inferred")
        assert item.source
        assert item.typical_days is not None and 0 <= item.typical_days <= item.max_days


def test_shipped_figures_match_the_reference() -> None:
    with (REFERENCE / "expected_recovery.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 60
    for row in rows:
        key = (row["treatment"], row["symptom"])
        item = shipped_table()[key]
        found = (item.typical_days, item.max_days, item.basis)
        if key in CORRECTED:
            # Figures the reference's wound_stage.md corrects, each with its source in the data.
            assert found == CORRECTED[key], key
            assert int(row["max_days"]) < item.max_days  # corrected upwards only
            continue
        assert found == (int(row["typical_days"]), int(row["max_days"]), row["basis"]), row


CORRECTED = {
    # Nanni & Alster 1998: 4.5 months is the average, not an upper limit.
    ("co2-ablative", "redness"): (135, 365, "inferred"),
    # Chu et al. 2021, systematic review: expected effects last up to 7 days.
    ("microneedling", "redness"): (3, 7, "published"),
    ("microneedling", "swelling"): (2, 7, "published"),
}


def test_corrected_figures_cite_their_sources() -> None:
    table = shipped_table()
    assert "Nanni" in table[("co2-ablative", "redness")].source
    assert "Chu" in table[("microneedling", "redness")].source
    assert "Cleveland Clinic" in table[("co2-ablative", "breakouts")].source


def test_a_kind_without_a_figure_borrows_from_a_related_kind_then_the_default() -> None:
    expectations = Expectations(shipped_table())
    own = expectations.for_pair("ipl", "redness")
    assert (own.max_days, own.basis, own.from_kind) == (3, "published", None)
    related = expectations.for_pair("ipl", "rash")
    assert (related.kind, related.max_days, related.from_kind) == ("ipl", 7, "laser-rejuvenation")
    assert related.basis == "inferred"
    assert related.source.startswith("laser-rejuvenation figure (inferred), used for ipl")
    deep = expectations.for_pair("peel-deep", "itching")
    assert (deep.max_days, deep.from_kind) == (14, "peel-medium")
    ablative = expectations.for_pair("co2-fractional", "pain")
    assert (ablative.max_days, ablative.from_kind) == (7, "co2-ablative")
    # No figure: the treatment's own shortest course (microneedling burning: day 1), never
    # more lenient than what is known of the treatment, and at most 7 days.
    default = expectations.for_pair("microneedling", "rash")
    assert (default.max_days, default.typical_days, default.basis) == (1, None, "default")
    assert default.no_figure and default.ceiling(1) == 3 and default.ceiling(2) == 0
    assert expectations.for_pair("co2-ablative", "rash").max_days == 7
    assert expectations.for_pair("peel-superficial", "pain").max_days == 3


def test_fallbacks_never_cross_families() -> None:
    families = {
        "laser": {"laser-rejuvenation", "nonablative-fractional", "ipl"},
        "ablative": {"co2-ablative", "co2-fractional", "erbium-yag"},
        "peel": {"peel-superficial", "peel-medium", "peel-deep"},
        "microneedling": {"microneedling"},
    }
    assert set(RELATED) == set(KINDS_BY_KEY)
    for kind, related in RELATED.items():
        family = next(f for f in families.values() if kind in f)
        assert set(related) <= family - {kind}, kind


def test_onset_and_severe_windows_are_loaded_with_basis_and_source() -> None:
    windows = shipped_windows()
    assert len(windows) >= 50
    for (kind, symptom), (onsets, severe, latest) in windows.items():
        assert kind in KINDS_BY_KEY and symptom in SYMPTOMS_BY_KEY
        for window in (*onsets, *([severe] if severe else []), *([latest] if latest else [])):
            assert window.basis in ("published", "inferred") and window.source
            assert 0 <= window.first_day <= window.last_day
        if latest is not None:
            assert severe is not None and latest.last_day >= severe.last_day
    co2_swelling = Expectations(shipped_table()).for_pair("co2-ablative", "swelling")
    assert (co2_swelling.ease_by, co2_swelling.latest_strong) == (3, 7)
    assert co2_swelling.onset_at(2) is not None and co2_swelling.onset_at(4) is None
    # A strong stage is borrowed with the course, from the same related kind.
    pain = Expectations(shipped_table()).for_pair("erbium-yag", "pain")
    assert (pain.from_kind, pain.ease_by, pain.latest_strong) == ("co2-ablative", 2, 4)
    assert pain.severe_until is not None and pain.severe_until.from_kind == "co2-ablative"


@pytest.mark.parametrize(
    ("kind", "symptom", "ease_by", "latest"),
    [
        # The wound stage after ablative lasers and medium/deep peels (wound_stage.md).
        ("co2-ablative", "crusting", 10, 14),
        ("co2-ablative", "peeling", 10, 14),
        ("co2-ablative", "oozing", 2, 5),
        ("co2-fractional", "crusting", 3, 7),
        ("erbium-yag", "crusting", 6, 7),
        ("peel-medium", "crusting", 7, 10),
        ("peel-medium", "peeling", 7, 10),
        ("peel-medium", "oozing", 7, 10),
        ("peel-deep", "oozing", 7, 10),
        ("peel-deep", "crusting", 10, 14),
        ("peel-deep", "peeling", 10, 14),
        # Borrowed consistently: from the kind the course comes from.
        ("co2-fractional", "pain", 2, 4),
        ("co2-ablative", "burning", 0, 1),
        ("nonablative-fractional", "swelling", 3, 7),
        ("erbium-yag", "swelling", 3, 10),
        # A borrowed stage is cut at the course's own end (IPL burning: day 1).
        ("ipl", "burning", 0, 1),
    ],
)
def test_the_strong_stage_of_each_course(
    kind: str, symptom: str, ease_by: int, latest: int
) -> None:
    course = Expectations(shipped_table()).for_pair(kind, symptom)
    assert (course.ease_by, course.latest_strong) == (ease_by, latest)
    assert course.ceiling(ease_by) == 10 and course.ceiling(ease_by + 1) in (0, 6)
    assert latest <= course.max_days  # a strong stage never outlasts its course


def test_onset_windows_match_the_reference() -> None:
    windows = shipped_windows()
    with (REFERENCE / "onset_peak.csv").open() as handle:
        for row in csv.DictReader(handle):
            if row["symptom"] == "blistering":
                continue  # red flags are never an expected course: see the README
            onsets, severe, _ = windows[(row["kind"], row["symptom"])]
            if row["onset_from_day"]:
                assert (int(row["onset_from_day"]), int(row["onset_to_day"])) in {
                    (w.first_day, w.last_day) for w in onsets
                }
            if row["severe_expected_to_day"]:
                # Widened where wound_stage.md gives longer sources, never narrowed.
                assert severe is not None
                assert severe.last_day >= int(row["severe_expected_to_day"])


def test_an_override_wins_and_says_so() -> None:
    expectations = Expectations(shipped_table(), [Override("ipl", "redness", 10, 4)])
    item = expectations.for_pair("ipl", "redness")
    assert (item.max_days, item.typical_days) == (10, 4)
    assert (item.overridden, item.basis) == (True, "custom")
    assert expectations.for_pair("microneedling", "redness").overridden is False


def test_rows_list_own_generic_and_overridden_pairs_in_catalog_order() -> None:
    rows = Expectations(shipped_table(), [Override("ipl", "fever", 2)]).rows(["ipl"])
    symptoms = [row.symptom for row in rows]
    assert symptoms[:3] == ["itching", "swelling", "redness"]
    assert symptoms == list(SYMPTOMS_BY_KEY)  # every symptom the tracker knows
    assert next(r for r in rows if r.symptom == "fever").overridden
    assert all(row.kind == "ipl" for row in rows)


def test_a_symptom_without_a_course_says_what_to_do_instead_of_a_day() -> None:
    """Blisters, hives and darker patches have no course: never 'gone by day 7'."""
    table = Expectations(shipped_table())
    blisters = table.for_pair("laser-rejuvenation", "blistering")
    assert blisters.course_words == "no expected course: contact your clinic now"
    assert blisters.plain_course == "No expected course: contact your clinic now."
    darker = table.for_pair("laser-rejuvenation", "darkening")
    assert darker.course_words == "no expected course: raise it at your follow-up"
    redness = table.for_pair("laser-rejuvenation", "redness")
    assert redness.course_words == (
        f"most people gone by day {redness.typical_days}; flagged after day {redness.max_days}"
    )
    # One plain wording (issue 22), read the same by a patient and a doctor.
    assert redness.plain_course == (
        f"Most people: gone by day {redness.typical_days}. Later than day {redness.max_days} "
        "is unusual: the tracker then flags it."
    )
    no_figure = table.for_pair("peel-superficial", "pain")
    assert no_figure.no_figure and no_figure.course_words.startswith("no figure: ")
    assert no_figure.plain_course.startswith("No figure for this symptom after this treatment")


def test_a_course_that_ends_on_the_session_day_is_said_as_a_person_would() -> None:
    """Burning after fully ablative CO2 is usually gone the same day: never "gone by day 0",
    in the short words, the sentences or a flag's course."""
    from tracker.domain.flag_words import course_words

    burning = Expectations(shipped_table()).for_pair("co2-fractional", "burning")
    assert (burning.typical_days, burning.max_days) == (0, 1)
    assert burning.course_words == "most people gone the same day; flagged after day 1"
    assert burning.plain_course == (
        "Most people: gone the same day. Later than day 1 is unusual: the tracker then flags it."
    )
    said = course_words("co2-fractional", 0, 1, no_figure=False)
    assert "most people are gone the same day; later than day 1" in said
    assert "most people are gone by day 1;" in course_words("ipl", 1, 3, no_figure=False)
    for text in (burning.course_words, burning.plain_course, said):
        assert "day 0" not in text
