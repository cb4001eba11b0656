"""Across every profile: who is not recovering as expected. A fixed number of queries.

Only open recoveries are judged: sessions with a symptom whose latest value is above 0,
the only ones that can hold an active flag. They are read as a stream, profile by
profile, so the cost follows the patients recovering now, not everyone ever treated.
Triage leaves out the personal comparison (``slower-than-usual``): it is for the patient,
not the clinic's list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from tracker.domain.expectations import Expectations, Override, shipped_table
from tracker.domain.flags import Flag, evaluate, sort_key, temperature_flags
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.temperature import TemperatureRecord
from tracker.domain.triage import TriageLine, line, ordered

if TYPE_CHECKING:  # `flags --all-profiles` on a plain database imports no SQLAlchemy
    from tracker.storage.store import Store


class TriageStore(Protocol):
    """What triage reads: ``Store``'s, or the same read through the bare driver
    (``tracker.storage.quick_read.TriageReader``)."""

    def all_profile_records(self) -> dict[str, tuple[int, ProfileRecord]]: ...

    def overrides_by_profile(self) -> dict[int, list[Override]]: ...

    def open_sessions_all_profiles(
        self, as_of: dt.date
    ) -> Iterator[tuple[str, SessionRecord, list[ValueRecord]]]: ...

    def temperatures_all_profiles(
        self, as_of: dt.date
    ) -> list[tuple[str, SessionRecord, list[TemperatureRecord]]]: ...


@dataclass(frozen=True)
class ProfileFlag:
    profile: str
    flag: Flag

    def to_json(self) -> dict[str, object]:
        return {"profile": self.profile, **self.flag.to_json()}


def _active_flags(store: TriageStore, as_of: dt.date) -> list[ProfileFlag]:
    table = shipped_table()
    found: list[ProfileFlag] = []
    profiles = store.all_profile_records()
    overrides = store.overrides_by_profile()
    # Built once per run for each distinct (skin, overrides): most patients share the
    # shipped table, so its courses are worked out once, not once per patient.
    built: dict[tuple[object, ...], Expectations] = {}
    for name, record, entries in store.open_sessions_all_profiles(as_of):
        profile_id, skin = profiles[name]
        own = tuple(overrides.get(profile_id, ()))
        key = (skin.skin_type, skin.sensitive_skin, own)
        expectations = built.get(key)
        if expectations is None:
            expectations = built[key] = Expectations(table, own, skin=skin)
        for flag in evaluate(record, entries, expectations.for_pair, as_of):
            if flag.active:
                found.append(ProfileFlag(name, flag))
    # A high temperature is an alarm of its own, until a lower reading is logged.
    for name, record, readings in store.temperatures_all_profiles(as_of):
        if readings[-1].fever:
            found.extend(
                ProfileFlag(name, flag)
                for flag in temperature_flags(record, readings, as_of)
                if flag.active
            )
    return found


def all_flags(store: TriageStore, as_of: dt.date) -> list[ProfileFlag]:
    """Every profile's active flags, on any session: urgent first, then the longest-lasting."""
    return sorted(
        _active_flags(store, as_of),
        key=lambda p: (*sort_key(p.flag), p.profile, p.flag.session_id, p.flag.symptom),
    )


def clinic_lines(store: Store, as_of: dt.date) -> list[TriageLine]:
    """A clinic's triage list: one line per profile, worst first, reviewed ones lower
    (tracker.domain.triage). A fixed number of queries: the open sessions' values, and one
    row per profile for its latest session, last day logged and latest review."""
    flags: dict[str, list[Flag]] = {}
    for item in _active_flags(store, as_of):
        flags.setdefault(item.profile, []).append(item.flag)
    profiles = store.all_profile_records()
    latest = store.latest_sessions_all_profiles(as_of)
    last_logged = store.last_logged_of_latest_sessions(as_of)
    reviews = store.latest_reviews_all_profiles()
    courses = course_days()
    lines = []
    for name, (profile_id, _) in profiles.items():
        record = latest.get(name)
        lines.append(
            line(
                (name, profile_id),
                record,
                flags.get(name, ()),
                None if record is None else last_logged.get(name),
                0 if record is None else courses(record.kind),
                as_of,
                reviews.get(profile_id),
            )
        )
    return ordered(lines)


def course_days() -> Callable[[str], int]:
    """The longest expected course of any symptom after a treatment kind (shipped figures,
    related kinds and the default for a symptom without a figure)."""
    expectations = Expectations(shipped_table())
    found: dict[str, int] = {}

    def days(kind: str) -> int:
        if kind not in found:
            found[kind] = max(e.max_days for e in expectations.rows([kind]))
        return found[kind]

    return days
