"""The small pure rules: care actions, inert text, plain records and the error type."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.care import (
    CARE_ACTIONS,
    CareRecord,
    care_key,
    care_name,
    care_word,
    check_note,
)
from tracker.domain.errors import CONFLICT, MALFORMED, REFUSED, TrackerError
from tracker.domain.hints import Hint
from tracker.domain.limits import MAX_TEXT_CHARS
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord, clean_text
from tracker.domain.text import CONTINUED, shortened, visible

DAY = dt.date(2026, 11, 24)


# care actions


def test_every_care_action_and_alias_is_found_in_any_case_and_spacing() -> None:
    for action in CARE_ACTIONS:
        for word in (action.key, action.word, *action.aliases):
            assert care_key(word) == action.key
            assert care_key(f" {word.upper().replace('-', '_')} ") == action.key
    assert care_key("Cold Compress") == "ice-pack"


def test_an_unknown_care_action_lists_the_known_ones() -> None:
    with pytest.raises(TrackerError) as caught:
        care_key("massage")
    assert caught.value.message == (
        "Unknown care action 'massage'. Known actions: ice-pack, moisturiser, "
        "petroleum-jelly, prescribed-cream, sunscreen, pain-relief, other."
    )
    assert caught.value.kind == MALFORMED
    with pytest.raises(TrackerError) as caught:
        care_key("moisturisr")
    assert caught.value.message == (
        "Unknown care action 'moisturisr'. Did you mean moisturiser? (Known: ice-pack, "
        "moisturiser, petroleum-jelly, prescribed-cream, sunscreen, pain-relief, other.)"
    )


def test_a_stored_care_code_is_shown_by_its_name_or_word_and_an_unknown_one_as_it_is() -> None:
    assert (care_name("sunscreen"), care_word("moisturizer")) == ("Sunscreen", "moisturiser")
    assert (care_name("old-code"), care_word("old-code")) == ("old-code", "old-code")


def test_other_needs_a_note_and_a_blank_note_is_none() -> None:
    assert check_note("ice-pack", "  ") is None
    assert check_note("other", " aloe ") == " aloe "
    for note in (None, " "):
        with pytest.raises(TrackerError) as caught:
            check_note("other", note)
        assert caught.value.message == "Say what you did, in a note, when the action is 'other'."
        assert caught.value.field == "note"
        assert caught.value.kind == MALFORMED


def test_a_care_record_in_json() -> None:
    assert CareRecord(3, 1, DAY, 10, "sunscreen").to_json() == {
        "id": 3,
        "session_id": 1,
        "date": "2026-11-24",
        "day": 10,
        "action": "sunscreen",
        "note": None,
    }


# text shown on a screen or a page


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain words, é ü 😀", "plain words, é ü 😀"),
        ("a\x1b[31mb", "a\\x1b[31mb"),
        ("tab\there", "tab\\there"),
        ("two\nlines", "two\\nlines"),
        ("bell\x07 and NUL\x00", "bell\\x07 and NUL\\x00"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("no\u00a0break", "no\u00a0break"),  # a space that is not ASCII: shown as it is
    ],
)
def test_control_characters_are_written_out_and_other_text_kept(text: str, shown: str) -> None:
    assert visible(text) == shown


@given(st.text())
def test_no_control_character_is_left_and_nothing_else_changes(text: str) -> None:
    shown = visible(text)
    assert not any(unicodedata.category(char).startswith("C") for char in shown)
    if not any(unicodedata.category(char).startswith("C") for char in text):
        assert shown == text


def test_a_text_past_its_limit_is_cut_and_says_where_the_rest_is() -> None:
    assert shortened("abcd", 4) == "abcd"
    assert shortened("abcde", 4) == "abcd" + CONTINUED
    assert shortened("ab   cd", 4) == "ab" + CONTINUED
    assert shortened("  abcdef", 4) == "  ab" + CONTINUED
    assert CONTINUED == " … (continued in the export)"


# records


def test_a_session_counts_days_from_day_0_and_writes_json() -> None:
    session = SessionRecord(4, dt.date(2026, 11, 14), "ipl", "face", None, "n", DAY)
    assert (session.day_of(dt.date(2026, 11, 14)), session.day_of(DAY)) == (0, 10)
    assert session.to_json() == {
        "id": 4,
        "date": "2026-11-14",
        "kind": "ipl",
        "area": "face",
        "clinic": None,
        "notes": "n",
        "follow_up": "2026-11-24",
    }
    assert SessionRecord(5, DAY, "ipl").to_json()["follow_up"] is None


def test_an_entry_writes_json() -> None:
    assert ValueRecord(4, DAY, 10, "redness", 6, "warm").to_json() == {
        "session_id": 4,
        "date": "2026-11-24",
        "day": 10,
        "symptom": "redness",
        "severity": 6,
        "note": "warm",
    }


def test_a_profile_describes_its_skin_and_writes_json() -> None:
    assert ProfileRecord("a").describe_skin() == "skin not marked sensitive"
    alice = ProfileRecord("alice", "III", sensitive_skin=True)
    assert alice.describe_skin() == "Fitzpatrick type III, sensitive skin"
    assert alice.to_json() == {"name": "alice", "skin_type": "III", "sensitive_skin": True}


def test_free_text_is_kept_verbatim_blank_is_none_and_nul_refused() -> None:
    assert clean_text(" as typed\t") == " as typed\t"
    assert clean_text(None) is None
    assert clean_text(" \n") is None
    with pytest.raises(TrackerError) as caught:
        clean_text("a\x00b", "Session details")
    assert caught.value.message == "Session details cannot contain a NUL character."
    assert caught.value.kind == MALFORMED
    with pytest.raises(TrackerError, match=r"^A note cannot contain a NUL character\.$"):
        clean_text("\x00")
    longest = "x" * MAX_TEXT_CHARS
    assert clean_text(longest) == longest
    with pytest.raises(TrackerError) as caught:
        clean_text(longest + "y")
    assert caught.value.message == (
        f"A note is longer than {MAX_TEXT_CHARS:,} characters ({MAX_TEXT_CHARS + 1:,})."
    )
    assert caught.value.kind == MALFORMED


# the error type


def test_an_error_keeps_its_words_kind_field_and_hint_when_told_where_it_is() -> None:
    refused = TrackerError("No such session.")
    assert (str(refused), refused.message, refused.kind, refused.field, refused.hint) == (
        "No such session.",
        "No such session.",
        REFUSED,
        None,
        None,
    )
    placed = TrackerError.malformed("bad date", field="date").at("values.csv:7")
    assert (str(placed), placed.message, placed.kind, placed.field) == (
        "values.csv:7: bad date",
        "values.csv:7: bad date",
        MALFORMED,
        "date",
    )
    again = TrackerError.conflict("Twice.", hint=Hint("again")).at("f")
    assert (again.kind, again.hint) == (CONFLICT, Hint("again"))
    assert TrackerError("x").at("f").kind == REFUSED


def test_a_reminder_names_a_profile_and_the_default_one_not_at_all() -> None:
    from tracker.domain.profiles import DEFAULT_PROFILE, profile_sentence

    assert profile_sentence(DEFAULT_PROFILE) == ""
    assert profile_sentence("anna") == "For anna's record."
