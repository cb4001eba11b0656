"""Profiles: the people whose recoveries one database tracks."""

from __future__ import annotations

from tracker.domain.errors import TrackerError
from tracker.domain.profiles import DEFAULT_PROFILE
from tracker.domain.records import SKIN_TYPES, ProfileRecord
from tracker.storage import queries
from tracker.storage.database import Database
from tracker.storage.models import Profile

MAX_NAME = 80


def _check_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME or not cleaned.isprintable():
        raise TrackerError.malformed(
            f"A profile name is 1 to {MAX_NAME} printable characters, not {name!r}."
        )
    return cleaned


def _check_skin_type(skin_type: str | None) -> str | None:
    if skin_type is None:
        return None
    upper = skin_type.strip().upper()
    if upper not in SKIN_TYPES:
        raise TrackerError.malformed(
            f"Skin type is a Fitzpatrick type {', '.join(SKIN_TYPES)}, not {skin_type!r}."
        )
    return upper


def add_profile(
    db: Database, name: str, skin_type: str | None = None, sensitive_skin: bool = False
) -> ProfileRecord:
    name = _check_name(name)
    skin_type = _check_skin_type(skin_type)
    with db.transaction() as session:
        if queries.find_profile(session, name) is not None:
            raise TrackerError(f"A profile named {name!r} already exists.")
        row = Profile(name=name, skin_type=skin_type, sensitive_skin=sensitive_skin)
        session.add(row)
        session.flush()
        return queries.profile_record(row)


def list_profiles(db: Database) -> list[tuple[ProfileRecord, int]]:
    with db.reading() as session:
        counts = queries.session_counts_by_profile(session)
        return [
            (queries.profile_record(row), counts.get(row.id, 0))
            for row in queries.all_profiles(session)
        ]


def edit_profile(
    db: Database,
    name: str,
    *,
    new_name: str | None = None,
    skin_type: str | None = None,
    sensitive_skin: bool | None = None,
) -> ProfileRecord:
    if new_name is None and skin_type is None and sensitive_skin is None:
        raise TrackerError.malformed(
            "Nothing to change: give --name, --skin-type or --sensitive-skin/--not-sensitive."
        )
    with db.transaction() as session:
        row = queries.find_profile(session, name)
        if row is None:
            raise TrackerError(f"There is no profile named {name!r}.")
        if new_name is not None:
            new_name = _check_name(new_name)
            if name == DEFAULT_PROFILE and new_name != name:
                raise TrackerError("The default profile keeps its name; add a new profile instead.")
            other = queries.find_profile(session, new_name)
            if other is not None and other.id != row.id:
                raise TrackerError(f"A profile named {new_name!r} already exists.")
            row.name = new_name
        if skin_type is not None:
            row.skin_type = _check_skin_type(skin_type)
        if sensitive_skin is not None:
            row.sensitive_skin = sensitive_skin
        return queries.profile_record(row)
