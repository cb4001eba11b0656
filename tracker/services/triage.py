"""Across every profile: who is not recovering as expected. A fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flags import Flag, evaluate
from tracker.domain.records import SessionRecord
from tracker.storage import queries
from tracker.storage.database import Database


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


def _gather(
    db: Database, as_of: dt.date
) -> tuple[list[str], list[tuple[str, SessionRecord, list[Flag], dt.date | None]]]:
    with db.reading() as session:
        names = [row.name for row in queries.all_profiles(session)]
        latest = queries.latest_sessions_all_profiles(session, as_of)
        entries = queries.entries_of_latest_sessions(session, as_of)
        overrides = queries.overrides_by_profile(session)
        rows = [(name, row.profile_id, queries.session_record(row)) for name, row in latest]
    table = shipped_table()
    gathered = []
    for name, profile_id, record in rows:
        expectations = Expectations(table, overrides.get(profile_id, ()))
        seen = entries.get(record.id, [])
        found = evaluate(record, seen, expectations.for_pair, as_of)
        gathered.append((name, record, found, seen[-1].date if seen else None))
    return names, gathered


def all_flags(db: Database, as_of: dt.date) -> list[ProfileFlag]:
    """Every profile's flags on its latest session: urgent first, then the longest-lasting."""
    _, gathered = _gather(db, as_of)
    flagged = [ProfileFlag(name, flag) for name, _, found, _ in gathered for flag in found]
    return sorted(
        flagged,
        key=lambda p: (
            -p.flag.rank,
            -(p.flag.last_day - p.flag.first_day),
            p.profile,
            p.flag.symptom,
        ),
    )


def all_statuses(db: Database, as_of: dt.date) -> list[ProfileStatus]:
    names, gathered = _gather(db, as_of)
    by_name = {name: (record, found, last) for name, record, found, last in gathered}
    statuses = []
    for name in names:
        if name not in by_name:
            statuses.append(ProfileStatus(name, None, None, None, None))
            continue
        record, found, last = by_name[name]
        statuses.append(
            ProfileStatus(name, record, record.day_of(as_of), found[0] if found else None, last)
        )
    return statuses
