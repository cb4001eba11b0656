"""A reproducible clinic-sized database: 1,000 profiles, 10,000 sessions, ~2.4 million values.

    python benchmarks/generate_clinic.py clinic.db [--profiles N] [--only PROFILE]

The schema comes from the tracker's own migrations; rows are written with sqlite3's
executemany in one transaction, seeded, so every run makes the same file.
`--only p0007` writes that one profile alone (the same rows), the baseline for
"one patient's commands do not slow down in a big database".
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

AS_OF = dt.date(2026, 11, 24)
SESSIONS = 10
DAYS = 30
SYMPTOMS = ("itching", "swelling", "redness", "rash", "pain", "burning", "dryness", "peeling")
KINDS = ("laser-rejuvenation", "ipl", "nonablative-fractional", "microneedling", "peel-superficial")


def profile_rows(number: int) -> Iterator[tuple[str, tuple[object, ...]]]:
    """Every row of one profile, as (table, values); seeded by the profile's number."""
    chance = random.Random(number)
    yield (
        "profiles",
        (
            number + 2,
            f"p{number:04d}",
            chance.choice(["I", "II", "III", "IV", "V", "VI"]),
            chance.random() < 0.3,
            # The FHIR patient id (migration 0005): derived from the number, so runs repeat.
            str(uuid.uuid5(uuid.NAMESPACE_URL, f"benchmark-clinic/p{number:04d}")),
        ),
    )
    latest_start = AS_OF - dt.timedelta(days=chance.randint(3, 40))
    lingering = chance.random() < 0.2  # a fifth of patients keep some redness
    for index in range(SESSIONS):
        session_id = number * SESSIONS + index + 1
        start = latest_start - dt.timedelta(days=35 * (SESSIONS - 1 - index))
        kind = chance.choice(KINDS)
        yield "sessions", (session_id, number + 2, start.isoformat(), kind)
        for day in range(DAYS):
            date = start + dt.timedelta(days=day)
            if date > AS_OF:
                break
            for position, symptom in enumerate(SYMPTOMS):
                peak = 3 + (position * 7 + number) % 5
                value = max(0, round(peak - day * (0.9 + position / 10) + chance.uniform(-1, 1)))
                if lingering and symptom == "redness" and index == SESSIONS - 1:
                    value = max(value, 2)
                yield "entries", (session_id, date.isoformat(), symptom, min(value, 10))


def generate(path: Path, profiles: int, only: str | None) -> dict[str, int]:
    from tracker.storage import migrate
    from tracker.storage.database import resolve

    if path.exists():
        path.unlink()
    migrate.upgrade(resolve(str(path)))
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")
    counts = {"profiles": 0, "sessions": 0, "entries": 0}
    sql = {
        "profiles": "INSERT INTO profiles (id, name, skin_type, sensitive_skin, uuid) "
        "VALUES (?, ?, ?, ?, ?)",
        "sessions": "INSERT INTO sessions (id, profile_id, date, kind) VALUES (?, ?, ?, ?)",
        "entries": "INSERT INTO entries (session_id, date, symptom, severity) VALUES (?, ?, ?, ?)",
    }
    with connection:
        for number in range(profiles):
            if only is not None and only != f"p{number:04d}":
                continue
            batch: dict[str, list[tuple[object, ...]]] = {table: [] for table in sql}
            for table, values in profile_rows(number):
                batch[table].append(values)
            for table, rows in batch.items():
                connection.executemany(sql[table], rows)
                counts[table] += len(rows)
    connection.execute("ANALYZE")
    connection.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--only", help="write this profile alone, e.g. p0007")
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.path, args.profiles, args.only)
    took = time.perf_counter() - started
    print(f"{args.path}: {counts} in {took:.1f} s")


if __name__ == "__main__":
    main()
