"""Across every profile: who is not recovering as expected. A fixed number of queries.

Only open recoveries are judged: sessions with a symptom whose latest value is above 0,
the only ones that can hold an active flag. They are read as a stream, profile by
profile, so the cost follows the patients recovering now, not everyone ever treated.
Triage leaves out the personal comparison (``slower-than-usual``): it is for the patient,
not the clinic's list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flags import Flag, evaluate, sort_key
from tracker.domain.records import SessionRecord
from tracker.storage.store import Store


@dataclass(frozen=True)
class ProfileFlag:
    profile: str
    flag: Flag

    def to_json(self) -> dict[str, object]:
        return {"profile": self.profile, **self.flag.to_json()}


@dataclass(frozen=True)
class ProfileStatus:
    profile: str
    session: SessionRecord | None
    day: int | None
    worst: Flag | None
    last_logged: dt.date | None


def _active_flags(store: Store, as_of: dt.date) -> list[ProfileFlag]:
    table = shipped_table()
    found: list[ProfileFlag] = []
    profiles = store.all_profile_records()
    overrides = store.overrides_by_profile()
    expectations: dict[str, Expectations] = {}
    for name, record, entries in store.open_sessions_all_profiles(as_of):
        if name not in expectations:
            expectations.clear()  # one profile at a time: the stream is in name order
            profile_id, skin = profiles[name]
            expectations[name] = Expectations(table, overrides.get(profile_id, ()), skin=skin)
        for flag in evaluate(record, entries, expectations[name].for_pair, as_of):
            if flag.active:
                found.append(ProfileFlag(name, flag))
    return found


def all_flags(store: Store, as_of: dt.date) -> list[ProfileFlag]:
    """Every profile's active flags, on any session: urgent first, then the longest-lasting."""
    return sorted(
        _active_flags(store, as_of),
        key=lambda p: (*sort_key(p.flag), p.profile, p.flag.session_id, p.flag.symptom),
    )


def all_statuses(store: Store, as_of: dt.date) -> list[ProfileStatus]:
    """One line per profile: its latest session, and its worst active flag on any session."""
    worst: dict[str, Flag] = {}
    for item in all_flags(store, as_of):
        worst.setdefault(item.profile, item.flag)
    names = store.profile_names()
    latest = store.latest_sessions_all_profiles(as_of)
    last_logged = store.last_logged_of_latest_sessions(as_of)
    statuses = []
    for name in names:
        record = latest.get(name)
        if record is None:
            statuses.append(ProfileStatus(name, None, None, worst.get(name), None))
            continue
        statuses.append(
            ProfileStatus(
                name, record, record.day_of(as_of), worst.get(name), last_logged.get(record.id)
            )
        )
    return statuses
