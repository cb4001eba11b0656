"""The symptoms a patient can log and the treatment kinds a session can be.

Keys are what the database stores and what JSON carries; aliases are the other
words people use (including the medical ones), accepted in any case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.suggestions import suggest


@dataclass(frozen=True)
class Symptom:
    key: str
    name: str
    aliases: tuple[str, ...]
    # "red-flag" symptoms mean: contact the clinic now; "pigment" ones: raise at follow-up.
    group: str = "common"
    # SNOMED CT clinical-finding concept and its preferred term, for exchange (FHIR); None
    # where no concept was confirmed as a clinical finding: those symptoms travel as text.
    snomed: tuple[str, str] | None = None
    # LOINC code and display where a 0-10 score of this symptom has its own LOINC term.
    loinc: tuple[str, str] | None = None
    # Whether its name takes "are"/"were" ("Blisters were severe"): the nearer noun counts.
    plural: bool = False


@dataclass(frozen=True)
class TreatmentKind:
    key: str
    name: str
    aliases: tuple[str, ...] = ()


SYMPTOMS: tuple[Symptom, ...] = (
    Symptom("itching", "Itching", ("itch", "itchy", "pruritus"), snomed=("418290006", "Itching")),
    Symptom(
        "swelling",
        "Swelling",
        ("swollen", "edema", "oedema", "puffiness"),
        snomed=("65124004", "Swelling"),
    ),
    Symptom(
        "redness",
        "Redness",
        ("red", "erythema", "flushing", "flush"),
        snomed=("247441003", "Erythema"),
    ),
    Symptom(
        "rash",
        "Red or pink rash",
        ("pink-rash", "red-rash"),
        snomed=("271807003", "Eruption"),
    ),
    Symptom(
        "pain",
        "Pain or soreness",
        ("sore", "soreness", "tenderness", "ache"),
        snomed=("22253000", "Pain"),
        loinc=("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
    ),
    Symptom(
        "burning",
        "Burning or stinging",
        ("stinging", "burning-sensation", "heat"),
        snomed=("90673000", "Burning sensation"),
    ),
    Symptom("dryness", "Dryness or tightness", ("dry", "tightness", "xerosis")),
    Symptom(
        "peeling",
        "Peeling or flaking",
        ("flaking", "desquamation", "scaling"),
        snomed=("271767006", "Peeling of skin"),
    ),
    Symptom("crusting", "Crusting or scabs", ("crust", "crusts", "scabbing", "scabs"), plural=True),
    Symptom("oozing", "Oozing or weeping", ("weeping", "exudate")),
    Symptom("bruising", "Bruising", ("bruise", "bruises", "purpura", "ecchymosis")),
    Symptom(
        "blistering",
        "Blisters",
        ("blister", "blisters", "bullae", "vesicles"),
        "red-flag",
        snomed=("417237009", "Blister"),
        plural=True,
    ),
    Symptom("pus", "Pus or bad smell", ("pustules", "discharge", "bad-smell"), "red-flag"),
    Symptom("fever", "Fever", ("pyrexia",), "red-flag"),
    Symptom(
        "cold-sores",
        "Cold sores",
        ("cold-sore", "herpes", "fever-blisters", "fever-blister"),
        "red-flag",
        plural=True,
    ),
    # Its own symptom, not a kind of rash: hives can be an allergic reaction.
    Symptom(
        "hives",
        "Hives (raised, itchy welts)",
        ("urticaria", "welts", "wheals"),
        "red-flag",
        plural=True,
    ),
    Symptom(
        "darkening",
        "Darker patches",
        ("hyperpigmentation", "dark-spots", "dark-patches", "pih"),
        "pigment",
        plural=True,
    ),
    Symptom(
        "lightening",
        "Lighter patches",
        ("hypopigmentation", "light-spots", "white-patches"),
        "pigment",
        plural=True,
    ),
    Symptom(
        "breakouts",
        "Breakouts or milia",
        ("acne", "pimples", "spots", "milia", "whiteheads"),
        plural=True,
    ),
)

TREATMENT_KINDS: tuple[TreatmentKind, ...] = (
    TreatmentKind("laser-rejuvenation", "Laser skin rejuvenation", ("laser",)),
    TreatmentKind("co2-ablative", "Fully ablative CO2 laser resurfacing"),
    TreatmentKind("co2-fractional", "Fractional CO2 laser", ("fractional-co2",)),
    TreatmentKind("erbium-yag", "Erbium:YAG laser resurfacing", ("erbium", "er-yag")),
    TreatmentKind(
        "nonablative-fractional", "Non-ablative fractional laser (e.g. Fraxel)", ("fraxel",)
    ),
    TreatmentKind("ipl", "Intense pulsed light (IPL, photofacial)", ("photofacial",)),
    TreatmentKind(
        "peel-superficial", "Superficial chemical peel (glycolic, salicylic)", ("light-peel",)
    ),
    TreatmentKind("peel-medium", "Medium-depth chemical peel (e.g. TCA)", ("tca-peel",)),
    TreatmentKind("peel-deep", "Deep chemical peel (phenol)", ("phenol-peel",)),
    TreatmentKind("microneedling", "Microneedling (collagen induction)", ("dermarolling",)),
)

DEFAULT_KIND = "laser-rejuvenation"


def normalise(word: str) -> str:
    return "-".join(word.strip().lower().replace("_", " ").split())


def _index(items: tuple[Symptom, ...] | tuple[TreatmentKind, ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for item in items:
        for word in (item.key, *item.aliases):
            index[normalise(word)] = item.key
    return index


# Built on first use, and cached: tests clear the caches (cache_clear) so that a mutation
# run sees a changed _index.
@cache
def _symptom_index() -> dict[str, str]:
    return _index(SYMPTOMS)


@cache
def _kind_index() -> dict[str, str]:
    return _index(TREATMENT_KINDS)


SYMPTOMS_BY_KEY = {symptom.key: symptom for symptom in SYMPTOMS}
KINDS_BY_KEY = {kind.key: kind for kind in TREATMENT_KINDS}


@dataclass(frozen=True)
class Agreement:
    """The words that agree with a symptom's name: "Blisters were", "Redness was"."""

    is_: str
    was: str
    has: str
    its: str


SINGULAR = Agreement("is", "was", "has", "its")
PLURAL = Agreement("are", "were", "have", "their")


def agreement(key: str) -> Agreement:
    return PLURAL if is_plural(key) else SINGULAR


def is_plural(key: str) -> bool:
    """Whether a symptom's name takes "are" and "were" (an unknown key does not)."""
    known = SYMPTOMS_BY_KEY.get(key)
    return known is not None and known.plural


def kind_name(key: str) -> str:
    """A treatment kind's name as a heading or table cell says it; an unknown kind as stored."""
    kind = KINDS_BY_KEY.get(key)
    return key if kind is None else kind.name


_CATALOG_RANK = {symptom.key: rank for rank, symptom in enumerate(SYMPTOMS)}


def symptom_name(key: str) -> str:
    """A symptom as people read it ("Red or pink rash"), never its key; a symptom the catalog
    does not know (a value kept from an older file) is shown as stored."""
    known = SYMPTOMS_BY_KEY.get(key)
    if known is None and key == "temperature":  # a measure of its own (domain/temperature.py)
        return "Temperature"
    return known.name if known else key


def in_catalog_order(keys: Iterable[str]) -> list[str]:
    """Symptom keys in the order the catalog lists them, each once; keys it does not know
    come last, in the order given."""
    return sorted(dict.fromkeys(keys), key=lambda key: _CATALOG_RANK.get(key, len(_CATALOG_RANK)))


def kind_words(key: str) -> str:
    """A treatment kind as said in the middle of a sentence: "after laser skin rejuvenation",
    never its key; a kind the catalog does not know is said as stored."""
    if key not in KINDS_BY_KEY:
        return key
    name = kind_name(key)
    if len(name) > 1 and name[1].islower():  # "Laser skin..." -> "laser skin...", "CO2" stays
        name = name[0].lower() + name[1:]
    return name


def _find(word: str, index: dict[str, str], noun: str, topic: str, known: Callable[[], str]) -> str:
    """The key a typed word names in an index, or a refusal that suggests the closest.

    ``known`` lists the keys, only when needed: lookups run once per row of an import."""
    # Keys as written (the common case in files) skip the normalising.
    key = index.get(word) or index.get(normalise(word))
    if key is not None:
        return key
    close = suggest(word, index)
    listed, field = Hint("catalog", topic=topic), topic.removesuffix("s")  # "kinds": "kind"
    if close:
        raise TrackerError.malformed(f"Unknown {noun} {word!r}.{close}", field=field, hint=listed)
    raise TrackerError.malformed(f"Unknown {noun} {word!r}. {known()}", field=field, hint=listed)


def symptom_key(word: str) -> str:
    """The catalog key for a symptom name or alias typed in any case."""

    def known() -> str:
        return f"Known symptoms: {', '.join(SYMPTOMS_BY_KEY)}."

    return _find(word, _symptom_index(), "symptom", "symptoms", known)


def kind_key(word: str) -> str:
    """The catalog key for a treatment kind or alias typed in any case."""
    return _find(
        word,
        _kind_index(),
        "treatment kind",
        "kinds",
        lambda: f"Known kinds: {', '.join(KINDS_BY_KEY)}.",
    )
