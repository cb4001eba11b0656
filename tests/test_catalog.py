from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.catalog import SYMPTOMS, TREATMENT_KINDS, kind_key, normalise, symptom_key
from tracker.domain.errors import MALFORMED, TrackerError
from tracker.domain.hints import Hint

ISSUE_SYMPTOMS = [
    *("itching", "swelling", "redness", "rash", "pain", "burning", "dryness", "peeling"),
    *("crusting", "oozing", "bruising", "blistering", "pus", "fever", "cold-sores", "hives"),
    *("darkening", "lightening", "breakouts"),
]
ISSUE_KINDS = [
    *("laser-rejuvenation", "co2-ablative", "co2-fractional", "erbium-yag"),
    *("nonablative-fractional", "ipl", "peel-superficial", "peel-medium", "peel-deep"),
    "microneedling",
]


def test_catalogs_hold_the_agreed_keys() -> None:
    assert [s.key for s in SYMPTOMS] == ISSUE_SYMPTOMS
    assert [k.key for k in TREATMENT_KINDS] == ISSUE_KINDS


def test_no_word_names_two_symptoms_or_two_kinds() -> None:
    for items in (SYMPTOMS, TREATMENT_KINDS):
        words = [w.lower() for item in items for w in (item.key, *item.aliases)]
        assert len(words) == len(set(words))


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("pruritus", "itching"),
        ("Edema", "swelling"),
        ("oedema", "swelling"),
        ("ERYTHEMA", "redness"),
        ("flaking", "peeling"),
        ("scabbing", "crusting"),
        ("hyperpigmentation", "darkening"),
        ("hypopigmentation", "lightening"),
        ("milia", "breakouts"),
        ("cold sores", "cold-sores"),
        ("cold_sores", "cold-sores"),
    ],
)
def test_medical_words_and_spellings_find_the_symptom(word: str, key: str) -> None:
    assert symptom_key(word) == key


def test_kind_aliases() -> None:
    assert kind_key("Fraxel") == "nonablative-fractional"
    assert kind_key("laser") == "laser-rejuvenation"


def test_unknown_words_are_malformed_and_list_what_is_known() -> None:
    with pytest.raises(TrackerError, match="Known symptoms: itching") as caught:
        symptom_key("sneezing")
    assert caught.value.kind == MALFORMED
    with pytest.raises(TrackerError, match="Known kinds: laser-rejuvenation"):
        kind_key("botox")


def test_unknown_words_are_answered_with_the_whole_list() -> None:
    with pytest.raises(TrackerError) as caught:
        symptom_key("sneezing")
    assert caught.value.message == (
        f"Unknown symptom 'sneezing'. Known symptoms: {', '.join(ISSUE_SYMPTOMS)}."
    )
    assert (caught.value.field, caught.value.hint) == ("symptom", Hint("catalog", topic="symptoms"))
    with pytest.raises(TrackerError) as caught:
        kind_key("botox")
    assert caught.value.message == (
        f"Unknown treatment kind 'botox'. Known kinds: {', '.join(ISSUE_KINDS)}."
    )
    assert caught.value.kind == MALFORMED
    with pytest.raises(TrackerError) as caught:
        symptom_key("swellng")
    assert caught.value.message == ("Unknown symptom 'swellng'. Did you mean swelling?")
    with pytest.raises(TrackerError) as caught:
        kind_key("ipll")
    assert caught.value.message == ("Unknown treatment kind 'ipll'. Did you mean ipl?")
    assert (caught.value.field, caught.value.hint) == ("kind", Hint("catalog", topic="kinds"))


def test_every_key_and_alias_finds_its_own_item_however_it_is_typed() -> None:
    for items, lookup in ((SYMPTOMS, symptom_key), (TREATMENT_KINDS, kind_key)):
        for item in items:
            for word in (item.key, *item.aliases):
                assert lookup(word) == item.key
                assert lookup(f"  {word.upper().replace('-', ' ')} ") == item.key


def test_normalised_words_are_lower_case_joined_by_hyphens() -> None:
    assert normalise("  Cold_Sores  ") == "cold-sores"
    assert normalise("Fractional   CO2\tlaser") == "fractional-co2-laser"


def test_a_kind_is_said_in_words_mid_sentence_and_an_unknown_one_as_stored() -> None:
    from tracker.domain.catalog import kind_words

    assert kind_words("laser-rejuvenation") == "laser skin rejuvenation"
    assert kind_words("ipl") == "intense pulsed light (IPL, photofacial)"
    assert kind_words("co2-fractional") == "fractional CO2 laser"
    assert kind_words("something-else") == "something-else"
    assert kind_words("Xenon-laser") == "Xenon-laser"  # an unknown kind keeps its capital


def test_names_shown_for_keys_and_unknown_keys_as_stored() -> None:
    from tracker.domain.catalog import kind_name, symptom_name

    assert symptom_name("rash") == "Red or pink rash"
    assert symptom_name("hives") == "Hives (raised, itchy welts)"
    assert symptom_name("tingling") == "tingling"
    assert kind_name("co2-fractional") == "Fractional CO2 laser"
    assert kind_name("Xenon-laser") == "Xenon-laser"


KEYS = [s.key for s in SYMPTOMS]


@given(st.lists(st.sampled_from([*KEYS, "tingling", "numbness", "Zzz"]), max_size=30))
def test_symptoms_come_in_catalog_order_each_once_unknown_ones_last_as_given(
    keys: list[str],
) -> None:
    from tracker.domain.catalog import in_catalog_order

    ordered = in_catalog_order(keys)
    assert ordered == [k for k in KEYS if k in keys] + [
        k for k in dict.fromkeys(keys) if k not in KEYS
    ]


def test_catalog_order_of_a_few_keys() -> None:
    from tracker.domain.catalog import in_catalog_order

    assert in_catalog_order(["fever", "tingling", "itching", "fever"]) == [
        "itching",
        "fever",
        "tingling",
    ]
