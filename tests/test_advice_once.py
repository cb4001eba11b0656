"""Status says each piece of advice once: shared sentences at the level's head, each flag
keeps only its own; nothing is lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.advice import said_once, sentences
from tracker.domain.flags import CONTACT_NOW, IF_UNREACHABLE, urgent_advice


def test_two_red_flags_share_the_contact_advice_and_keep_their_reasons() -> None:
    blisters = urgent_advice("blistering") + " Once it is gone, log it as 0."
    pus = urgent_advice("pus") + " Once it is gone, log it as 0."
    head, own = said_once([blisters, pus])
    assert head == [CONTACT_NOW, IF_UNREACHABLE, "Once it is gone, log it as 0."]
    assert own == [
        "Blisters after a treatment need to be seen quickly.",
        "Pus or a bad smell can be a sign of infection and needs to be seen quickly.",
    ]


def test_what_the_page_said_above_is_not_said_again() -> None:
    head, own = said_once(["Mention it. Ice helps.", "Mention it. Rest."], already=["Rest."])
    assert head == ["Mention it."]
    assert own == ["Ice helps.", ""]


def test_one_flag_keeps_all_its_advice() -> None:
    assert said_once(["A. B."]) == ([], ["A. B."])


words = st.sampled_from(["Call now.", "Ice it.", "Log 0.", "See (111) today.", "Rest!", "Why?"])


@given(st.lists(st.lists(words, max_size=4).map(" ".join), max_size=5))
def test_every_sentence_is_said_once_and_none_is_lost(advices: list[str]) -> None:
    head, own = said_once(advices)
    for text, left in zip(advices, own, strict=True):
        assert set(sentences(text)) == set(sentences(left)) | (set(sentences(text)) & set(head))
    assert len(head) == len(set(head))
    for sentence in head:
        assert sum(sentence in sentences(text) for text in advices) >= 2
        assert not any(sentence in sentences(left) for left in own)
