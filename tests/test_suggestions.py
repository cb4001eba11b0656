"""'Did you mean ...?': which known names are offered for a word that was not recognised."""

from __future__ import annotations

from tracker.domain.suggestions import closest, did_you_mean, suggest

RHYMES = {"ping": "p", "ring": "r", "sing": "s", "king": "k", "wing": "w"}


def test_the_word_is_compared_as_a_key_would_be_written() -> None:
    assert closest(" A_B ", {"a-b": "x"}) == ["x"]
    assert closest("a  b", {"a-b": "x"}) == ["x"]


def test_at_most_three_keys_by_default_and_each_key_once() -> None:
    assert len(closest("ing", RHYMES, cutoff=0.5)) == 3
    assert len(closest("ing", RHYMES, cutoff=0.5, limit=4)) == 4
    # Three names of one key rank first; the next key is still found behind them.
    crowded = {"abcd1": "a", "abcd2": "a", "abcd3": "a", "abcdx1": "b"}
    assert closest("abcd", crowded) == ["a", "b"]


def test_nothing_close_is_offered_as_nothing() -> None:
    assert closest("sneezing", {"swelling": "swelling"}) == []
    assert suggest("sneezing", {"swelling": "swelling"}) == ""


def test_the_question_lists_one_two_or_three_names() -> None:
    assert did_you_mean([]) == ""
    assert did_you_mean(["swelling"]) == " Did you mean swelling?"
    assert did_you_mean(["rash", "redness"]) == " Did you mean rash or redness?"
    assert did_you_mean(["a", "b", "c"]) == " Did you mean a, b or c?"


def test_a_suggestion_shows_each_key_as_asked() -> None:
    assert suggest("swellng", {"swelling": "swelling"}, str.upper) == " Did you mean SWELLING?"
