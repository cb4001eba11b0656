"""A reproducible clinic-sized database: 1,000 profiles, 10,000 sessions, ~2.4 million values.

    python benchmarks/generate_clinic.py clinic.db [--profiles N] [--only PROFILE] [--closed N]
    python benchmarks/generate_clinic.py postgresql+psycopg://... [--profiles N] [--closed N]

The schema comes from the tracker's own migrations; rows are written in one transaction,
seeded, so every run makes the same database: with sqlite3's executemany, or PostgreSQL's
COPY (a 5,000-profile clinic in minutes, not the hour a row at a time would take).
`--only p0007` writes that one profile alone (the same rows), the baseline for
"one patient's commands do not slow down in a big database". `--closed 4000` adds 4,000
patients treated long ago whose every recovery ended (each symptom's latest value 0, the
latest session more than a year before the as-of date), after the others: the same open
patients, so triage must give the same answer as without them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

AS_OF = dt.date(2026, 11, 24)
SESSIONS = 10
DAYS = 30
SYMPTOMS = ("itching", "swelling", "redness", "rash", "pain", "burning", "dryness", "peeling")
KINDS = ("laser-rejuvenation", "ipl", "nonablative-fractional", "microneedling", "peel-superficial")


def profile_rows(number: int, *, closed: bool = False) -> Iterator[tuple[str, tuple[object, ...]]]:
    """Every row of one profile, as (table, values); seeded by the profile's number."""
    chance = random.Random(number)
    yield (
        "profiles",
        (
            number + 2,
            f"c{number:05d}" if closed else f"p{number:04d}",
            chance.choice(["I", "II", "III", "IV", "V", "VI"]),
            chance.random() < 0.3,
            # The FHIR patient id (migration 0005): derived from the number, so runs repeat.
            str(uuid.uuid5(uuid.NAMESPACE_URL, f"benchmark-clinic/p{number:04d}")),
        ),
    )
    latest_start = AS_OF - dt.timedelta(days=chance.randint(3, 40) + (400 if closed else 0))
    # A fifth of patients keep some redness; none of those whose recoveries ended.
    lingering = chance.random() < 0.2 and not closed
    for index in range(SESSIONS):
        session_id = number * SESSIONS + index + 1
        start = latest_start - dt.timedelta(days=35 * (SESSIONS - 1 - index))
        kind = chance.choice(KINDS)
        # its number within the profile (migration 0012): 1, 2, 3 ...
        yield "sessions", (session_id, number + 2, index + 1, start.isoformat(), kind)
        for day in range(DAYS):
            date = start + dt.timedelta(days=day)
            if date > AS_OF:
                break
            for position, symptom in enumerate(SYMPTOMS):
                peak = 3 + (position * 7 + number) % 5
                value = max(0, round(peak - day * (0.9 + position / 10) + chance.uniform(-1, 1)))
                if closed and day >= DAYS - 3:
                    value = 0  # ended: every symptom's latest value is 0
                if lingering and symptom == "redness" and index == SESSIONS - 1:
                    value = max(value, 2)
                yield "entries", (session_id, date.isoformat(), symptom, min(value, 10))


# The symptom courses (migration 0009) of every value, as the tracker keeps them on write:
# a database written with the bare driver fills them once at the end, as the migration does.
FILL_COURSES = """
INSERT INTO symptom_courses (session_id, symptom, latest, latest_severity, gone, value_count)
SELECT g.session_id, g.symptom, g.latest,
       (SELECT x.severity FROM entries x
        WHERE x.session_id = g.session_id AND x.symptom = g.symptom AND x.date = g.latest),
       (SELECT MIN(y.date) FROM entries y
        WHERE y.session_id = g.session_id AND y.symptom = g.symptom AND y.date > g.present),
       g.n
FROM (SELECT session_id, symptom, MAX(date) AS latest,
             MAX(CASE WHEN severity > 0 THEN date END) AS present, COUNT(*) AS n
      FROM entries GROUP BY session_id, symptom) g
"""


def fill_courses(connection: Any) -> None:
    """Make every session's symptom courses anew from its values (in the caller's
    transaction): what the tracker's store does for the values it writes."""
    connection.execute("DELETE FROM symptom_courses")
    connection.execute(FILL_COURSES)


def _connect(target: str) -> tuple[Any, str]:
    """A bare driver connection to an emptied, migrated database; its placeholder."""
    from tracker.storage import migrate
    from tracker.storage.database import resolve

    if target.startswith("postgresql"):
        import psycopg

        url = target.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
        migrate.upgrade(resolve(target))
        return psycopg.connect(url), "%s"
    path = Path(target)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    migrate.upgrade(resolve(str(path)))
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")
    return connection, "?"


# PostgreSQL takes the rows through COPY (psycopg's cursor.copy): a row at a time through
# executemany, the 5,000-profile clinic took longer than 12 minutes. The values need their
# sessions first (foreign keys): one pass keeps the profiles and sessions (a few thousand
# rows) and COPYs them; a second makes the same seeded rows again and streams the values.
COPY_INTO = {
    "profiles": "profiles (id, name, skin_type, sensitive_skin, uuid)",
    "sessions": "sessions (id, profile_id, number, date, kind)",
    "entries": "entries (session_id, date, symptom, severity)",
}


def copied(connection: Any, wanted: list[tuple[int, bool]], counts: dict[str, int]) -> None:
    """Every wanted profile's rows into PostgreSQL by COPY, in the caller's transaction."""
    kept: dict[str, list[tuple[object, ...]]] = {"profiles": [], "sessions": []}
    for number, ended in wanted:
        for table, values in profile_rows(number, closed=ended):
            if table in kept:
                kept[table].append(values)
    cursor = connection.cursor()
    for table, rows in kept.items():
        with cursor.copy(f"COPY {COPY_INTO[table]} FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
        counts[table] += len(rows)
    with cursor.copy(f"COPY {COPY_INTO['entries']} FROM STDIN") as copy:
        for number, ended in wanted:
            for table, values in profile_rows(number, closed=ended):
                if table == "entries":
                    copy.write_row(values)
                    counts[table] += 1


def generate(target: str, profiles: int, only: str | None, closed: int = 0) -> dict[str, int]:
    connection, p = _connect(target)
    counts = {"profiles": 0, "sessions": 0, "entries": 0}
    sql = {
        "profiles": "INSERT INTO profiles (id, name, skin_type, sensitive_skin, uuid) "
        f"VALUES ({p}, {p}, {p}, {p}, {p})",
        "sessions": "INSERT INTO sessions (id, profile_id, number, date, kind) "
        f"VALUES ({p}, {p}, {p}, {p}, {p})",
        "entries": "INSERT INTO entries (session_id, date, symptom, severity) "
        f"VALUES ({p}, {p}, {p}, {p})",
    }
    wanted = [(n, False) for n in range(profiles) if only is None or only == f"p{n:04d}"]
    wanted += [(n, True) for n in range(profiles, profiles + closed)]
    # one transaction, committed below (psycopg's `with connection` would close it)
    if p == "?":
        cursor = connection.cursor()
        for number, ended in wanted:
            batch: dict[str, list[tuple[object, ...]]] = {table: [] for table in sql}
            for table, values in profile_rows(number, closed=ended):
                batch[table].append(values)
            for table, rows in batch.items():
                cursor.executemany(sql[table], rows)
                counts[table] += len(rows)
    else:
        copied(connection, wanted, counts)
    fill_courses(connection)
    connection.commit()
    if p == "?":
        connection.execute("ANALYZE")
    else:
        connection.autocommit = True
        for table in ("profiles", "sessions", "entries"):  # ids given: the sequences follow
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        connection.execute("ANALYZE")
    connection.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="an SQLite file, or a postgresql+psycopg:// URL")
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--only", help="write this profile alone, e.g. p0007")
    parser.add_argument("--closed", type=int, default=0, help="add N patients long recovered")
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.path, args.profiles, args.only, args.closed)
    took = time.perf_counter() - started
    print(f"{args.path}: {counts} in {took:.1f} s")


if __name__ == "__main__":
    main()
