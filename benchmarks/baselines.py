"""Baselines that compute the same answer as the tracker, with the least machinery.

    python benchmarks/baselines.py triage DATABASE AS_OF      # prints the same JSON as
                                                              # tracker flags --all-profiles --json

DATABASE is an SQLite file or a postgresql:// URL. The triage baseline is one hand-written
SQL query through the bare driver (sqlite3 or psycopg: no SQLAlchemy) for the values of the
sessions that can still hold an active flag (found, as the tracker finds them, through the
symptom courses' indexes: the best this schema allows), then the tracker's own pure flag rules
(tracker.domain), with the expectations built once per distinct (skin, overrides). The
rules are the answer: writing them a second time in SQL would be a second engine, not a
floor; what the baseline leaves out is everything the tracker adds around them (its
storage layer, ORM, services, the command line). tests/test_benchmarks.py checks that it
gives the tracker's answer.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

OPEN_VALUES = """
WITH open_sessions AS (
    SELECT e.session_id
    FROM entries e JOIN sessions s ON s.id = e.session_id
    WHERE s.date <= {p} AND e.date <= {p}
      AND e.session_id IN (SELECT session_id FROM symptom_courses
                           WHERE latest_severity > 0 OR latest > {p})
    GROUP BY e.session_id, e.symptom
    HAVING MAX(CASE WHEN e.severity > 0 THEN e.date END) IS NOT NULL
       AND (MAX(CASE WHEN e.severity = 0 THEN e.date END) IS NULL
            OR MAX(CASE WHEN e.severity > 0 THEN e.date END)
               > MAX(CASE WHEN e.severity = 0 THEN e.date END))
)
SELECT s.profile_id, s.id, s.number, s.date, s.kind, e.date, e.symptom, e.severity
FROM sessions s JOIN entries e ON e.session_id = s.id
WHERE s.id IN (SELECT session_id FROM open_sessions) AND e.date <= {p}
ORDER BY s.profile_id, s.date, s.id, e.date
"""


def _connect(database: str) -> tuple[Any, str]:
    if database.startswith("postgresql"):
        import psycopg

        return psycopg.connect(database.replace("postgresql+psycopg", "postgresql")), "%s"
    import sqlite3

    return sqlite3.connect(database), "?"


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def triage(database: str, as_of: dt.date) -> list[dict[str, Any]]:
    """Every profile's active flags, as `tracker flags --all-profiles --json` lists them."""
    from tracker.domain.expectations import Expectations, Override, shipped_table
    from tracker.domain.flags import evaluate, sort_key
    from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord

    connection, p = _connect(database)
    try:
        profiles = {
            pid: ProfileRecord(name, skin, bool(sensitive))
            for pid, name, skin, sensitive in connection.execute(
                "SELECT id, name, skin_type, sensitive_skin FROM profiles"
            )
        }
        overrides: dict[int, list[Override]] = {}
        for pid, kind, symptom, max_days, typical in connection.execute(
            "SELECT profile_id, kind, symptom, max_days, typical_days FROM protocol_overrides"
        ):
            overrides.setdefault(pid, []).append(Override(kind, symptom, max_days, typical))
        table = shipped_table()
        built: dict[object, Expectations] = {}
        found: list[tuple[str, Any]] = []
        day_of = as_of if p == "%s" else as_of.isoformat()
        rows = connection.execute(OPEN_VALUES.format(p=p), (day_of,) * 4)
        current: SessionRecord | None = None
        owner = 0
        values: list[ValueRecord] = []

        def judge() -> None:
            if current is None:
                return
            profile = profiles[owner]
            own = tuple(sorted(overrides.get(owner, ()), key=repr))
            key = (profile.skin_type, profile.sensitive_skin, own)
            if key not in built:
                built[key] = Expectations(table, own, skin=profile)
            for flag in evaluate(current, values, built[key].for_pair, as_of):
                if flag.active:
                    found.append((profile.name, flag))

        # A session is told apart by its row id; it is named by its number within its
        # profile (migration 0012), as the tracker names it.
        row_id = None
        for pid, session_row, number, session_date, kind, date, symptom, severity in rows:
            if current is None or row_id != session_row:
                judge()
                row_id = session_row
                current = SessionRecord(number, _date(session_date), kind)
                owner, values = pid, []
            day = _date(date)
            values.append(ValueRecord(number, day, (day - current.date).days, symptom, severity))
        judge()
    finally:
        connection.close()
    found.sort(key=lambda p: (*sort_key(p[1]), p[0], p[1].session_id, p[1].symptom))
    return [{"profile": name, **flag.to_json()} for name, flag in found]


def main() -> None:
    what, database, as_of = sys.argv[1:4]
    if what != "triage":
        raise SystemExit(f"unknown baseline {what!r}")
    found = triage(database, dt.date.fromisoformat(as_of))
    print(json.dumps(found, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
