"""Reading other trackers' exports and converting their values, without a database.

(tests/test_other_trackers.py runs the import command on each project's sample files.)
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest

from tracker.domain.errors import MALFORMED, TrackerError
from tracker.domain.other_trackers import (
    BEFORE,
    FUTURE,
    LOWER,
    NOT_A_SYMPTOM,
    NOT_A_VALUE,
    Converted,
    ForeignFile,
    ForeignValue,
    _severity,
    convert,
    parse_map,
    read_bearable,
    read_flaredown,
    read_trackandgraph,
)

D = dt.date(2026, 11, 1)


def lines(*rows: str) -> list[str]:
    return [row + "\n" for row in rows]


def refused_words(call, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(TrackerError) as caught:
        call(*args)
    assert caught.value.kind == MALFORMED
    return caught.value.message


# --- reading ----------------------------------------------------------------------------


def test_flaredown_reads_each_column_of_a_day_but_tags_and_foods() -> None:
    found = read_flaredown(
        lines(
            "Date, Itch ,Redness,Tags,Foods",
            "2026-11-01, 2 ,,a,b",
            " 2026-11-02 ,,,a,",
            "2026-11-03,1",  # a short row: the missing cells are empty
            "2026-11-04,,3,a,b,4,5",  # cells past the header have no name: not read
        )
    )
    assert found == ForeignFile(
        "flaredown",
        rows=4,
        values=[
            ForeignValue(2, "Itch", D, "2"),
            ForeignValue(4, "Itch", dt.date(2026, 11, 3), "1"),
            ForeignValue(5, "Redness", dt.date(2026, 11, 4), "3"),
        ],
        empty_rows=1,
    )


@pytest.mark.parametrize(
    ("reader", "header", "message"),
    [
        (read_flaredown, "Date,Tags", "line 1: not a Flaredown export (missing columns Foods)"),
        (read_flaredown, "", "line 1: not a Flaredown export (missing columns Date, Foods, Tags)"),
        (
            read_bearable,
            "date,category",
            "line 1: not a Bearable export (missing columns detail, rating/amount)",
        ),
        (
            read_trackandgraph,
            "FeatureName, Value",
            "line 1: not a Track & Graph export (missing columns Timestamp)",
        ),
    ],
)
def test_a_file_without_the_columns_is_refused(reader, header: str, message: str) -> None:  # type: ignore[no-untyped-def]
    assert refused_words(reader, lines(header, "x")) == message


def test_a_broken_csv_and_a_bad_date_are_refused_with_their_line() -> None:
    limit = csv.field_size_limit(10)  # the process-wide limit: other code may raise it
    try:
        assert refused_words(
            read_flaredown, lines("Date,Tags,Foods", f"2026-11-01,{'x' * 11},")
        ) == ("line 2: field larger than field limit (10)")
    finally:
        csv.field_size_limit(limit)
    assert refused_words(read_flaredown, lines("Date,Tags,Foods", "2026-11-01,,", "1/11/26,,")) == (
        "line 3: date '1/11/26' is not YYYY-MM-DD"
    )


BEARABLE = "date,weekday,time of day,category,rating/amount,detail,notes"


def test_bearable_reads_symptom_rows_and_sets_the_others_aside() -> None:
    found = read_bearable(
        lines(
            BEARABLE,
            "8th Dec 2021,Wed,am,Symptom,,Itchy skin (Moderate), worse at night ",
            "1 January 2022,Sat,pm,symptom,3,Redness (Mild),",
            "2022-01-03,Mon,pm, SYMPTOM ,2,Pain,",
            "2022-01-03,Mon,pm,Mood,4,Happy,",
            "2022-01-03,Mon,pm,Sleep,7:30,,",
        )
    )
    assert (found.source, found.rows) == ("bearable", 5)
    assert found.values == [
        ForeignValue(2, "Itchy skin", dt.date(2021, 12, 8), "Moderate", "worse at night"),
        ForeignValue(3, "Redness", dt.date(2022, 1, 1), "3", None),
        ForeignValue(4, "Pain", dt.date(2022, 1, 3), "2", None),
    ]
    assert found.set_aside == Counter({NOT_A_SYMPTOM: 2})


@pytest.mark.parametrize("date", ["8th Foo 2021", "32nd Dec 2021", "Dec 8 2021", "2021-02-30"])
def test_a_bearable_date_that_is_not_one_is_refused(date: str) -> None:
    assert refused_words(read_bearable, lines(BEARABLE, f"{date},Wed,am,Symptom,1,Itch,")) == (
        f"line 2: date {date!r} is not a date like 8th Dec 2021"
    )


def test_track_and_graph_keeps_the_day_of_the_timestamps_own_offset() -> None:
    found = read_trackandgraph(
        lines(
            "FeatureName,Timestamp,Value,Label,Note",
            "Itch,2026-11-01T23:30:00-05:00,4,, scratchy ",
            "Itch,2026-11-02T00:30:00+02:00,2.5,,",
        )
    )
    assert (found.source, found.rows) == ("trackandgraph", 2)
    assert found.values == [
        ForeignValue(2, "Itch", D, "4", "scratchy"),
        ForeignValue(3, "Itch", dt.date(2026, 11, 2), "2.5", None),
    ]
    header = "FeatureName,Timestamp,Value"
    assert refused_words(read_trackandgraph, lines(header, "Itch,yesterday,4")) == (
        "line 2: timestamp 'yesterday' is not an ISO date-time"
    )


# --- converting -------------------------------------------------------------------------


def test_a_map_takes_their_name_in_any_case_to_one_of_our_symptoms() -> None:
    assert parse_map(["Itchy Skin=Itch", "a=b=redness"]) == {
        "itchy-skin": "itching",
        "a=b": "redness",
    }
    for pair in ["itching", "=itching", "name=", " = "]:
        assert refused_words(parse_map, [pair]) == (
            f"A name is matched to a symptom as NAME=SYMPTOM, like 'Itchy skin=itching', "
            f"not {pair!r}."
        )


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        ("flaredown", "0", (0, True)),
        ("flaredown", "1", (2, True)),
        ("flaredown", " 2 ", (5, True)),
        ("flaredown", "3.0", (8, True)),
        ("flaredown", "4", (10, True)),
        ("flaredown", "5", None),
        ("flaredown", "-1", None),
        ("flaredown", "2.5", None),
        ("flaredown", "mild", None),
        ("bearable", "Mild", (2, True)),
        ("bearable", "NONE", (0, True)),
        ("bearable", "moderate", (5, True)),
        ("bearable", "severe", (8, True)),
        ("bearable", " Unbearable ", (10, True)),
        ("bearable", "3", (8, True)),
        ("bearable", "awful", None),
        ("trackandgraph", "0", (0, False)),
        ("trackandgraph", "7", (7, False)),
        ("trackandgraph", "10", (10, False)),
        ("trackandgraph", "2.5", (3, True)),
        ("trackandgraph", "2.49", (2, True)),
        ("trackandgraph", "0.5", (1, True)),
        ("trackandgraph", "10.5", None),
        ("trackandgraph", "-0.5", None),
        ("trackandgraph", "nan", None),
        ("trackandgraph", "inf", None),
        ("trackandgraph", "1:30:00", None),
        ("trackandgraph", "mild", None),
    ],
)
def test_values_onto_the_0_to_10_scale(
    source: str, text: str, expected: tuple[int, bool] | None
) -> None:
    assert _severity(source, text) == expected


def value(name: str, day: int, text: str, note: str | None = None, line: int = 2) -> ForeignValue:
    return ForeignValue(line, name, D + dt.timedelta(days=day), text, note)


def test_convert_keeps_one_value_a_symptom_and_day_and_accounts_for_the_rest() -> None:
    found = ForeignFile(
        "bearable",
        rows=9,
        values=[
            value(" Wobbly ", 0, "x"),
            value("Wobbly", 1, "1"),
            value("Itchy", 1, "mild", "after the shower", line=3),
            value("itchy", 1, "severe", line=4),  # higher: replaces
            value("Itchy", 1, "1", line=5),  # lower: dropped
            value("Redness", -1, "2"),
            value("Redness", 0, "2", line=7),  # the session day: kept
            value("Redness", 23, "2", line=8),  # today: kept
            value("Redness", 24, "2"),
            value("Pain", 2, "lots"),
        ],
        set_aside=Counter({NOT_A_SYMPTOM: 3}),
    )
    result = convert(found, {"itchy": "itching"}, session_date=D, today=D + dt.timedelta(days=23))
    assert result.unmapped == Counter({"Wobbly": 2})
    assert result.skipped == Counter(
        {NOT_A_SYMPTOM: 3, BEFORE: 1, FUTURE: 1, NOT_A_VALUE: 1, LOWER: 2}
    )
    assert result.kept == {
        ("itching", D + dt.timedelta(days=1)): Converted(
            "itching",
            D + dt.timedelta(days=1),
            8,
            True,
            "[from Bearable: itchy severe, 0-4, converted]",
            4,
        ),
        ("redness", D): Converted(
            "redness", D, 5, True, "[from Bearable: Redness 2, 0-4, converted]", 7
        ),
        ("redness", D + dt.timedelta(days=23)): Converted(
            "redness",
            D + dt.timedelta(days=23),
            5,
            True,
            "[from Bearable: Redness 2, 0-4, converted]",
            8,
        ),
    }
    assert result.converted == 3


def test_a_note_is_kept_and_a_value_as_written_is_not_marked() -> None:
    found = ForeignFile(
        "trackandgraph",
        values=[
            value(" Itch ", 0, " 2.5 ", "scratchy"),
            value("Redness", 0, "4"),
            value("Pain", 0, "4", "sharp"),
        ],
    )
    kept = convert(found, {}, session_date=D, today=D).kept
    assert kept[("itching", D)].note == "scratchy [from Track & Graph: Itch 2.5, rounded]"
    assert (kept[("itching", D)].severity, kept[("itching", D)].converted) == (3, True)
    assert kept[("redness", D)] == Converted("redness", D, 4, False, None, 2)
    assert kept[("pain", D)].note == "sharp"
    found = ForeignFile("flaredown", values=[value("Itch", 0, "2", "n")])
    assert convert(found, {}, session_date=D, today=D).kept[("itching", D)].note == (
        "n [from Flaredown: Itch 2, 0-4, converted]"
    )


def test_optional_columns_may_be_absent() -> None:
    bearable = read_bearable(
        lines("date,category,rating/amount,detail", "2022-01-03,Symptom,,Itch")
    )
    assert bearable.values == [ForeignValue(2, "Itch", dt.date(2022, 1, 3), "", None)]
    graph = read_trackandgraph(lines("FeatureName,Timestamp,Value", "Itch,2026-11-01T08:00:00,4"))
    assert graph.values == [ForeignValue(2, "Itch", D, "4", None)]


def test_every_skipped_value_is_counted_and_a_map_is_used_first() -> None:
    found = ForeignFile(
        "trackandgraph",
        values=[
            value("Wobbly", 0, "x"),
            value("Wobbly", 0, "y"),
            value("Wobbly", -1, "4"),
            value("Wobbly", -2, "4"),
            value("Wobbly", 3, "4"),
            value("Wobbly", 4, "4"),
            value("Itch", 0, "4", line=7),
            value("Itch", 0, "4", line=8),  # the same value again: the first stays
            value("Wobbly", 0, "2", line=9),
        ],
    )
    result = convert(found, {"wobbly": "pain"}, session_date=D, today=D + dt.timedelta(days=2))
    assert result.skipped == Counter({NOT_A_VALUE: 2, BEFORE: 2, FUTURE: 2, LOWER: 1})
    assert result.kept == {
        ("itching", D): Converted("itching", D, 4, False, None, 7),
        ("pain", D): Converted("pain", D, 2, False, None, 9),
    }
    assert result.unmapped == Counter()
