"""Export and import formats as pure functions: cells, rows, the JSON document, and every
check an imported row goes through, with the words of each refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.care import CareRecord
from tracker.domain.errors import MALFORMED, REFUSED, TrackerError
from tracker.domain.exchange import (
    CARE_COLUMNS,
    ENTRY_COLUMNS,
    ENTRY_TYPES,
    OVERRIDE_TYPES,
    ImportedCare,
    ImportedEntry,
    SessionBundle,
    SessionKey,
    care_rows,
    check_types,
    csv_kind,
    csv_line,
    entry_rows,
    from_spreadsheet_safe,
    iso_date,
    json_document,
    json_type,
    note_text,
    parse_care_row,
    parse_entry_row,
    parse_override,
    session_key,
    spreadsheet_safe,
)
from tracker.domain.expectations import Override
from tracker.domain.records import SessionRecord, ValueRecord

D = dt.date(2026, 11, 1)
TODAY = dt.date(2026, 11, 24)


def refused(call: Callable[..., object], *args: object) -> TrackerError:
    with pytest.raises(TrackerError) as caught:
        call(*args)
    return caught.value


# --- cells ------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_gets_a_text_mark_and_loses_it_again(start: str) -> None:
    cell = start + "SUM(A1)"
    assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe("'" + cell) == "''" + cell
    assert spreadsheet_safe("''" + cell) == "'''" + cell
    assert from_spreadsheet_safe("'" + cell) == cell
    assert from_spreadsheet_safe("''" + cell) == "'" + cell
    assert from_spreadsheet_safe(cell) == cell


@pytest.mark.parametrize("text", ["", "itchy", "'quoted'", "a=b", " =1", "'"])
def test_other_cells_are_left_as_they_are(text: str) -> None:
    assert spreadsheet_safe(text) == text
    assert from_spreadsheet_safe(text) == text


@given(st.text())
def test_a_cell_comes_back_exactly(text: str) -> None:
    assert from_spreadsheet_safe(spreadsheet_safe(text)) == text


def test_a_csv_line_quotes_only_what_it_must() -> None:
    assert csv_line([]) == "\n"
    assert csv_line(["a", None, 3, D]) == "a,,3,2026-11-01\n"
    assert csv_line(["x,y", 'say "hi"', "one\rtwo", "one\ntwo"]) == (
        '"x,y","say ""hi""","one\rtwo","one\ntwo"\n'
    )


# --- export -----------------------------------------------------------------------------

SESSION = SessionRecord(7, D, "ipl", "cheeks", "Clinic", "notes", dt.date(2026, 12, 1))
BUNDLE = SessionBundle(
    SESSION,
    [
        ValueRecord(7, D, 0, "redness", 4, None),
        ValueRecord(7, dt.date(2026, 11, 2), 1, "itching", 2, "=cmd"),
    ],
    [
        CareRecord(3, 7, D, 0, "ice-pack", None),
        CareRecord(4, 7, dt.date(2026, 11, 3), 2, "other", "@home"),
    ],
)


def test_rows_of_each_entry_and_care_action_with_safe_notes() -> None:
    assert list(entry_rows([BUNDLE, SessionBundle(SESSION)])) == [
        [D, 7, D, "ipl", 0, "redness", 4, ""],
        [dt.date(2026, 11, 2), 7, D, "ipl", 1, "itching", 2, "'=cmd"],
    ]
    assert list(care_rows([SessionBundle(SESSION), BUNDLE])) == [
        [D, 7, D, "ipl", 0, "ice-pack", ""],
        [dt.date(2026, 11, 3), 7, D, "ipl", 2, "other", "'@home"],
    ]
    assert ENTRY_COLUMNS == (
        "date",
        "session_id",
        "session_date",
        "kind",
        "day",
        "symptom",
        "severity",
        "note",
    )
    assert CARE_COLUMNS == ("date", "session_id", "session_date", "kind", "day", "action", "note")


def test_the_json_document_holds_everything_but_database_ids() -> None:
    overrides = [Override("ipl", "redness", 5, 2), Override("co2-ablative", "pain", 9)]
    assert json_document([BUNDLE], overrides, "0005") == {
        "format": "skin-recovery-tracker",
        "format_version": 1,
        "schema_revision": "0005",
        "sessions": [
            {
                "date": "2026-11-01",
                "kind": "ipl",
                "area": "cheeks",
                "clinic": "Clinic",
                "notes": "notes",
                "follow_up": "2026-12-01",
                "entries": [
                    {"date": "2026-11-01", "symptom": "redness", "severity": 4, "note": None},
                    {"date": "2026-11-02", "symptom": "itching", "severity": 2, "note": "=cmd"},
                ],
                "care": [
                    {"date": "2026-11-01", "action": "ice-pack", "note": None},
                    {"date": "2026-11-03", "action": "other", "note": "@home"},
                ],
                "photos": [],
                "temperatures": [],
            }
        ],
        "protocol_overrides": [
            {"kind": "co2-ablative", "symptom": "pain", "typical_days": None, "max_days": 9},
            {"kind": "ipl", "symptom": "redness", "typical_days": 2, "max_days": 5},
        ],
    }


# --- dates and types --------------------------------------------------------------------


def test_an_iso_date_and_the_words_for_anything_else() -> None:
    assert iso_date(" 2026-11-01 ", "date") == D
    assert iso_date(D, "date") == D
    assert refused(iso_date, "2026-11-1", "date").message == (
        "date '2026-11-1' is not a YYYY-MM-DD date"
    )
    assert refused(iso_date, None, "session_date").message == (
        "session_date '' is not a YYYY-MM-DD date"
    )
    assert refused(iso_date, "2026-13-01", "date").kind == MALFORMED
    long = "x" * 41
    assert (
        refused(iso_date, long, "date").message == f"date '{'x' * 40}...' is not a YYYY-MM-DD date"
    )
    assert (
        refused(iso_date, "y" * 40, "date").message == f"date '{'y' * 40}' is not a YYYY-MM-DD date"
    )
    far = refused(iso_date, "1899-12-31", "follow_up")
    assert far.message == "follow_up must be between 1900-01-01 and 2999-12-31, not 1899-12-31."


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "null"),
        (True, "true/false"),
        (3, "a number"),
        (3.5, "a decimal number"),
        ("3", "text"),
        ([3], "a list"),
        ({"a": 3}, "an object"),
    ],
)
def test_a_json_type_in_words(value: object, words: str) -> None:
    assert json_type(value) == words


def test_fields_of_the_wrong_type_are_refused_by_name() -> None:
    check_types(
        {"date": "2026-11-01", "symptom": "x", "severity": 3, "note": None}, ENTRY_TYPES, "e"
    )
    check_types({"date": "d", "symptom": "x", "severity": 3, "extra": [1]}, ENTRY_TYPES, "e")
    cases = [
        ({"symptom": "x", "severity": 3}, "sessions[0].entries[1].date: missing (it must be text)"),
        (
            {"date": "d", "symptom": "x"},
            "sessions[0].entries[1].severity: missing (it must be a whole number)",
        ),
        (
            {"date": 3, "symptom": "x", "severity": 3},
            "sessions[0].entries[1].date: must be text, not a number",
        ),
        (
            {"date": "d", "symptom": "x", "severity": True},
            "sessions[0].entries[1].severity: must be a whole number, not true/false",
        ),
        (
            {"date": "d", "symptom": "x", "severity": "3"},
            "sessions[0].entries[1].severity: must be a whole number, not text",
        ),
        (
            {"date": "d", "symptom": "x", "severity": None},
            "sessions[0].entries[1].severity: must be a whole number, not null",
        ),
        (
            {"date": "d", "symptom": "x", "severity": 3, "note": 5},
            "sessions[0].entries[1].note: must be text or null, not a number",
        ),
    ]
    for item, message in cases:
        error = refused(check_types, item, ENTRY_TYPES, "sessions[0].entries[1]")
        assert (error.message, error.kind) == (message, MALFORMED)
    check_types(
        {"kind": "ipl", "symptom": "x", "max_days": 3, "typical_days": None}, OVERRIDE_TYPES, "o"
    )
    error = refused(
        check_types,
        {"kind": "ipl", "symptom": "x", "max_days": 3, "typical_days": 1.5},
        OVERRIDE_TYPES,
        "o",
    )
    assert error.message == "o.typical_days: must be a whole number or null, not a decimal number"


# --- rows -------------------------------------------------------------------------------

ROW = {
    "date": "2026-11-03",
    "session_date": "2026-11-01",
    "kind": "IPL",
    "day": "2",
    "symptom": "Redness",
    "severity": "4",
    "note": "  warm  ",
}


def test_an_entry_row_is_read_into_plain_values() -> None:
    key = SessionKey(D, "ipl")
    assert parse_entry_row(ROW, 5, TODAY) == ImportedEntry(
        5, key, dt.date(2026, 11, 3), "redness", 4, "  warm  "
    )
    json_row = {**ROW, "severity": 4, "day": None, "note": None}
    assert parse_entry_row(json_row, 6, TODAY) == ImportedEntry(
        6, key, dt.date(2026, 11, 3), "redness", 4, None
    )
    assert parse_entry_row({**ROW, "note": 12}, 6, TODAY).note == "12"


@pytest.mark.parametrize(
    ("change", "message", "code"),
    [
        ({"date": "2026-11-25"}, "2026-11-25 is in the future", 1),
        ({"date": "2026-10-31"}, "2026-10-31 is before its session (2026-11-01)", 1),
        ({"day": "3"}, "day 3 does not match the dates (day 2)", 2),
        ({"day": " 02 "}, "day 02 does not match the dates (day 2)", 2),
        (
            {"severity": True},
            "Severity for redness must be a whole number from 0 (none) to 10 (worst), not ''.",
            2,
        ),
        (
            {"severity": None},
            "Severity for redness must be a whole number from 0 (none) to 10 (worst), not ''.",
            2,
        ),
    ],
)
def test_an_entry_row_is_refused_in_words(
    change: dict[str, object], message: str, code: int
) -> None:
    error = refused(parse_entry_row, {**ROW, **change}, 5, TODAY)
    assert (error.message, error.kind) == (message, {1: REFUSED, 2: MALFORMED}[code])


@pytest.mark.parametrize(
    "change",
    [
        {"date": "2026-11-24", "day": "23"},  # today
        {"date": "2026-11-01", "day": "0"},  # the session day
        {"day": " 2 "},
        {"day": ""},
    ],
)
def test_an_entry_row_at_the_edges_is_accepted(change: dict[str, object]) -> None:
    assert parse_entry_row({**ROW, **change}, 5, TODAY).severity == 4


def test_a_care_row_is_read_and_other_needs_a_note() -> None:
    row = {"date": "2026-11-02", "session_date": "2026-11-01", "kind": "ipl", "action": "Ice pack"}
    assert parse_care_row(row, 3, TODAY) == ImportedCare(
        3, SessionKey(D, "ipl"), dt.date(2026, 11, 2), "ice-pack", None
    )
    assert parse_care_row({**row, "action": "other", "note": "a walk"}, 3, TODAY).note == "a walk"
    assert refused(parse_care_row, {**row, "action": "other"}, 3, TODAY).message == (
        "Say what you did, in a note, when the action is 'other'."
    )
    assert refused(parse_care_row, {**row, "date": "2026-11-30"}, 3, TODAY).message == (
        "2026-11-30 is in the future"
    )
    assert refused(parse_care_row, {**row, "day": "4"}, 3, TODAY).message == (
        "day 4 does not match the dates (day 1)"
    )


def test_a_session_is_known_by_its_date_and_kind_from_text_or_json() -> None:
    assert session_key("2026-11-01", "IPL") == SessionKey(D, "ipl")
    assert session_key(D, "ipl") == SessionKey(D, "ipl")
    assert refused(session_key, D, None).message.startswith("Unknown treatment kind ''.")
    assert refused(session_key, None, "ipl").message == "session_date '' is not a YYYY-MM-DD date"


def test_a_note_is_text_or_none() -> None:
    assert (note_text(None), note_text("  "), note_text(7), note_text(" a ")) == (
        None,
        None,
        "7",
        " a ",
    )


# --- CSV kind and overrides -------------------------------------------------------------


def test_a_csv_is_entries_or_care_by_its_header() -> None:
    assert csv_kind(list(ENTRY_COLUMNS)) == "entries"
    assert csv_kind(list(CARE_COLUMNS)) == "care"
    assert csv_kind([" date", "session_date ", "kind", "symptom", "severity"]) == "entries"
    assert csv_kind(["date", "session_date", "kind", "action"]) == "care"
    assert csv_kind([*ENTRY_COLUMNS, "action"]) == "care"
    error = refused(csv_kind, ["date", "kind", "note"])
    assert (error.message, error.kind) == (
        "not a tracker CSV: missing columns session_date, severity, symptom",
        MALFORMED,
    )
    assert refused(csv_kind, ["date", "session_date", "kind", "symptom"]).message == (
        "not a tracker CSV: missing columns severity"
    )


def test_an_override_is_read_with_its_limits() -> None:
    assert parse_override({"kind": "IPL", "symptom": "Redness", "max_days": 5}) == Override(
        "ipl", "redness", 5, None
    )
    assert parse_override(
        {"kind": "ipl", "symptom": "redness", "max_days": 0, "typical_days": 0}
    ) == (Override("ipl", "redness", 0, 0))
    assert parse_override(
        {"kind": "ipl", "symptom": "redness", "max_days": 3650, "typical_days": 3650}
    ) == (Override("ipl", "redness", 3650, 3650))
    days = "max_days must be a whole number of days from 0 to 3650"
    typical = "typical_days must be a whole number from 0 to max_days"
    for max_days, typical_days, message in [
        (None, None, days),
        ("5", None, days),
        (True, None, days),
        (-1, None, days),
        (3651, None, days),
        (5, 6, typical),
        (5, -1, typical),
        (5, True, typical),
        (5, "2", typical),
    ]:
        item = {
            "kind": "ipl",
            "symptom": "redness",
            "max_days": max_days,
            "typical_days": typical_days,
        }
        error = refused(parse_override, item)
        assert (error.message, error.kind) == (message, MALFORMED)


def test_a_missing_word_is_named_as_empty() -> None:
    row = {"date": "2026-11-03", "session_date": "2026-11-01", "kind": "ipl", "severity": "4"}
    assert refused(parse_entry_row, row, 1, TODAY).message.startswith("Unknown symptom ''. Known")
    assert refused(parse_care_row, row, 1, TODAY).message.startswith("Unknown care action ''.")
    assert refused(parse_entry_row, {**row, "date": "3 Nov"}, 1, TODAY).message == (
        "date '3 Nov' is not a YYYY-MM-DD date"
    )
    assert refused(parse_care_row, {**row, "date": None}, 1, TODAY).message == (
        "date '' is not a YYYY-MM-DD date"
    )
    assert refused(parse_override, {"kind": "ipl", "max_days": 3}).message.startswith(
        "Unknown symptom ''. Known"
    )
    assert refused(parse_override, {"symptom": "redness", "max_days": 3}).message.startswith(
        "Unknown treatment kind ''. Known"
    )
    assert refused(session_key, "2026-11-01", None).message.startswith(
        "Unknown treatment kind ''. Known"
    )


def test_every_field_is_checked_after_an_optional_one_that_is_missing() -> None:
    from tracker.domain.exchange import SESSION_TYPES

    error = refused(check_types, {"date": "d", "kind": "ipl", "clinic": 5}, SESSION_TYPES, "s")
    assert error.message == "s.clinic: must be text or null, not a number"
    assert csv_line(["XX", "X"]) == "XX,X\n"
