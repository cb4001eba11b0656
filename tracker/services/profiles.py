"""Profiles: the people whose recoveries one database tracks."""

from __future__ import annotations

from dataclasses import replace

from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.profiles import DEFAULT_PROFILE
from tracker.domain.records import SKIN_TYPES, ProfileRecord
from tracker.domain.words import Words
from tracker.storage.store import Store

MAX_NAME = 80


def _check_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME or not cleaned.isprintable():
        raise TrackerError.malformed(
            f"A profile name is 1 to {MAX_NAME} printable characters, not {name!r}.",
            field="name",
        )
    return cleaned


def _check_skin_type(skin_type: str | None) -> str | None:
    if skin_type is None:
        return None
    upper = skin_type.strip().upper()
    if upper not in SKIN_TYPES:
        raise TrackerError.malformed(
            f"Skin type is a Fitzpatrick type {', '.join(SKIN_TYPES)}, not {skin_type!r}.",
            field="skin_type",
        )
    return upper


def add_profile(
    store: Store, name: str, skin_type: str | None = None, sensitive_skin: bool = False
) -> ProfileRecord:
    name = _check_name(name)
    skin_type = _check_skin_type(skin_type)
    taken = _taken(store, name, keeping=None)
    if taken is not None:
        raise TrackerError.conflict(Words.PROFILE_EXISTS.format(name=taken), field="name")
    return store.add_profile(ProfileRecord(name, skin_type, sensitive_skin))


def _taken(store: Store, name: str, keeping: str | None) -> str | None:
    """The profile already named so, in any case: "Carl" beside "carl" would read as one
    person (and a misspelt --profile is matched in any case)."""
    folded = name.casefold()
    for other in store.all_profile_records():
        if other != keeping and other.casefold() == folded:
            return other
    return None


def list_profiles(store: Store) -> list[tuple[ProfileRecord, int]]:
    return store.profiles_with_session_counts()


def edit_profile(
    store: Store,
    name: str,
    *,
    new_name: str | None = None,
    skin_type: str | None = None,
    sensitive_skin: bool | None = None,
) -> ProfileRecord:
    if new_name is None and skin_type is None and sensitive_skin is None:
        raise TrackerError.malformed(
            "Nothing to change: give a new name, skin type or sensitivity."
        )
    record = store.find_profile(name)
    if record is None:
        raise TrackerError.not_found(
            Words.NO_PROFILE.format(name=name, did_you_mean=""),
            field="name",
            hint=Hint("profile-list"),
        )
    if new_name is not None:
        new_name = _check_name(new_name)
        if name == DEFAULT_PROFILE and new_name != name:
            raise TrackerError(
                "The default profile keeps its name; add a new profile instead.", field="name"
            )
        taken = _taken(store, new_name, keeping=name)
        if taken is not None:
            raise TrackerError.conflict(Words.PROFILE_EXISTS.format(name=taken), field="name")
        record = replace(record, name=new_name)
    if skin_type is not None:
        record = replace(record, skin_type=_check_skin_type(skin_type))
    if sensitive_skin is not None:
        record = replace(record, sensitive_skin=sensitive_skin)
    return store.update_profile(name, record)


def profile_key(store: Store) -> str:
    """The profile's random id: what a browser's signed choice holds, so that it follows a
    rename and never lands on someone given the old name since."""
    return store.profile_uuid()


def profile_with_key(store: Store, key: str) -> str | None:
    """The name of the profile with that random id, or None when there is none now."""
    return store.profile_owning_uuid(key)
