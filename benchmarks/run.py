"""Every performance target of the tracker, measured in one run as ratios to a baseline.

    python benchmarks/run.py [--work DIR] [--quick]

Each figure is the median of several runs of a whole command (a fresh process, as a
person runs it) against a baseline doing the least the libraries allow, measured in
the same run on the same machine. Prints a table: figure, ours, baseline, ratio,
target, pass/fail. Not a test: CI does not run it (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = "2026-11-24"
PYTHON = sys.executable
TRACKER = (
    [PYTHON, "-m", "tracker"]
    if shutil.which("tracker") is None
    else [shutil.which("tracker") or "tracker"]
)


def paired(ours: Sequence[str], baseline: Sequence[str], runs: int) -> tuple[float, float]:
    """Medians of ours and the baseline, run alternately so that the machine's drift
    (a shared VM speeds up and slows down) weighs on both alike."""
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        for command, times in ((ours, mine), (baseline, theirs)):
            started = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - started)
    return statistics.median(mine), statistics.median(theirs)


def peak_kib(command: Sequence[str]) -> int:
    """Peak resident memory of a child process (KiB), from a fresh helper process."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [PYTHON, "-c", probe, *command], check=True, capture_output=True, text=True
    )
    return int(done.stdout.split()[-1])


def fresh(path: Path) -> Path:
    """A path with no database (nor journal) left from an earlier run."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def tracker(db: Path, *args: str, today: str = TODAY) -> list[str]:
    return [*TRACKER, "--db", str(db), "--today", today, *args]


Row = tuple[str, float, float, float, str]
rows: list[Row] = []


def record(figure: str, ours: float, baseline: float, target: float, unit: str = "s") -> None:
    ratio = ours / baseline
    rows.append((figure, ours, baseline, ratio, f"{target:g}x"))
    verdict = "pass" if ratio <= target else "FAIL"
    print(
        f"{figure:<46} {ours:>9.3f}{unit} {baseline:>9.3f}{unit} {ratio:>6.2f}x  "
        f"<= {target:g}x  {verdict}",
        flush=True,
    )


# The least an ORM program does to store one row: a mapped class, a session, an insert.
FLOOR_LOG = """
import sys
from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
class Base(DeclarativeBase):
    pass
class Row(Base):
    __tablename__ = "t"
    id: Mapped[int] = mapped_column(primary_key=True)
    x: Mapped[int]
engine = create_engine(f"sqlite:///{sys.argv[1]}")
with Session(engine) as session, session.begin():
    session.add(Row(x=3))
"""

FLOOR_CHART = """
import sqlite3, sys
import sqlalchemy.orm
from matplotlib.figure import Figure
from matplotlib.backends.backend_agg import FigureCanvasAgg
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT symptom, date, severity FROM entries ORDER BY symptom, date").fetchall()
figure = Figure(figsize=(11, 8))
FigureCanvasAgg(figure)
ax = figure.add_subplot()
lines = {}
for symptom, date, value in rows:
    lines.setdefault(symptom, []).append(value)
for symptom, values in lines.items():
    ax.plot(range(len(values)), values, marker="o", label=symptom)
ax.legend()
figure.savefig(sys.argv[2], dpi=150)
"""


def persisting_sql() -> str:
    """A hand-written query for the persisting flags alone, with the shipped expectations."""
    from tracker.domain.expectations import DEFAULT_MAX_DAYS, shipped_table

    values = ", ".join(
        f"('{kind}', '{symptom}', {item.max_days})"
        for (kind, symptom), item in shipped_table().items()
    )
    return f"""
    WITH expected(kind, symptom, max_days) AS (VALUES {values}),
    latest AS (
        SELECT id, date, kind, ROW_NUMBER() OVER (
            PARTITION BY profile_id ORDER BY date DESC, id DESC) AS rank
        FROM sessions WHERE date <= '{TODAY}')
    SELECT l.id, e.symptom,
           MIN(julianday(e.date) - julianday(l.date)), MAX(julianday(e.date) - julianday(l.date))
    FROM latest l JOIN entries e ON e.session_id = l.id
    LEFT JOIN expected own ON own.kind = l.kind AND own.symptom = e.symptom
    LEFT JOIN expected generic
        ON generic.kind = 'laser-rejuvenation' AND generic.symptom = e.symptom
    WHERE l.rank = 1 AND e.date <= '{TODAY}' AND e.severity >= 1
      AND julianday(e.date) - julianday(l.date)
          > COALESCE(own.max_days, generic.max_days, {DEFAULT_MAX_DAYS})
    GROUP BY l.id, e.symptom
    """


def bench_help(runs: int) -> None:
    ours, base = paired([*TRACKER, "--help"], [PYTHON, "-c", "import click"], runs)
    record("tracker --help / import click", ours, base, 1.5)


def bench_log(work: Path, runs: int) -> None:
    db = fresh(work / "log.db")
    subprocess.run(
        tracker(db, "session", "add", "--date", "2026-11-01"), check=True, stdout=subprocess.DEVNULL
    )
    floor_db = fresh(work / "floor.db")
    connection = sqlite3.connect(floor_db)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, x INTEGER)")
    connection.close()
    ours, base = paired(
        tracker(db, "log", "itching=3"), [PYTHON, "-c", FLOOR_LOG, str(floor_db)], runs
    )
    record("tracker log itching=3 / ORM insert floor", ours, base, 1.25)


def bench_chart(work: Path, runs: int) -> None:
    db = fresh(work / "chart.db")
    subprocess.run(
        tracker(db, "session", "add", "--date", "2026-10-20"), check=True, stdout=subprocess.DEVNULL
    )
    symptoms = ("itching", "swelling", "redness", "rash", "pain", "burning", "dryness", "peeling")
    start = dt.date(2026, 10, 20)
    connection = sqlite3.connect(db)
    connection.executemany(
        "INSERT INTO entries (session_id, date, symptom, severity) VALUES (1, ?, ?, ?)",
        [
            ((start + dt.timedelta(days=d)).isoformat(), s, max(0, 8 - d // 3 - i % 3))
            for d in range(30)
            for i, s in enumerate(symptoms)
        ],
    )
    connection.commit()
    connection.close()
    ours, base = paired(
        tracker(db, "chart", "--force", "-o", str(work / "ours.png")),
        [PYTHON, "-c", FLOOR_CHART, str(db), str(work / "floor.png")],
        runs,
    )
    record("tracker chart (8 symptoms x 30 days) / floor", ours, base, 1.2)


def bench_clinic(work: Path, runs: int) -> None:
    clinic, alone = work / "clinic.db", work / "alone.db"
    generator = [PYTHON, str(HERE / "generate_clinic.py")]
    if not clinic.exists():
        subprocess.run([*generator, str(clinic)], check=True)
    if not alone.exists():
        subprocess.run([*generator, str(alone), "--only", "p0007"], check=True)
    query = "import sqlite3, sys\nsqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall()"
    ours, base = paired(
        tracker(clinic, "flags", "--all-profiles", "--json"),
        [PYTHON, "-c", query, str(clinic), persisting_sql()],
        runs,
    )
    record("flags --all-profiles / SQL for persisting", ours, base, 2.0)
    for command in (
        ("status",),
        ("history", "--json"),
        ("report", "--force", "-o", str(work / "r.pdf")),
    ):
        big, small = paired(
            tracker(clinic, "--profile", "p0007", *command),
            tracker(alone, "--profile", "p0007", *command),
            runs,
        )
        record(f"one profile's {command[0]}: clinic / alone", big, small, 1.2)


def write_csv(path: Path, rows_wanted: int) -> None:
    symptoms = ("itching", "swelling", "redness", "rash", "pain", "burning", "dryness", "peeling")
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["date", "session_id", "session_date", "kind", "day", "symptom", "severity", "note"]
        )
        start = dt.date(1900, 1, 1)  # the earliest date the tracker takes
        for number in range(rows_wanted):
            day = number // len(symptoms)
            writer.writerow(
                [
                    (start + dt.timedelta(days=day)).isoformat(),
                    1,
                    start.isoformat(),
                    "ipl",
                    day,
                    symptoms[number % len(symptoms)],
                    number % 11,
                    "",
                ]
            )


RAW_IMPORT = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], newline="") as handle:
    reader = csv.reader(handle)
    next(reader)
    with connection:
        connection.execute(
            "INSERT INTO sessions (id, profile_id, date, kind) VALUES (1, 1, '1900-01-01', 'ipl')"
        )
        connection.executemany(
            "INSERT INTO entries (session_id, date, symptom, severity, note) "
            "VALUES (1, ?, ?, ?, ?)",
            ((row[0], row[5], int(row[6]), row[7] or None) for row in reader))
"""


# A million values of 8 symptoms span 342 years from 1900: the import pretends to run late
# enough (dates after today are refused), within the latest date the tracker takes.
IMPORT_TODAY = "2999-12-31"


def bench_import(work: Path, rows_wanted: int) -> None:
    big, small = work / "big.csv", work / "small.csv"
    write_csv(big, rows_wanted)
    write_csv(small, rows_wanted // 10)

    def empty(name: str) -> Path:
        path = fresh(work / name)
        subprocess.run(tracker(path, "db", "upgrade"), check=True, stdout=subprocess.DEVNULL)
        return path

    ours_db = empty("import-ours.db")
    started = time.perf_counter()
    subprocess.run(
        tracker(ours_db, "import", str(big), today=IMPORT_TODAY),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    ours = time.perf_counter() - started
    raw_db = empty("import-raw.db")
    started = time.perf_counter()
    subprocess.run([PYTHON, "-c", RAW_IMPORT, str(raw_db), str(big)], check=True)
    base = time.perf_counter() - started
    record(f"import {rows_wanted:,}-row CSV / raw executemany", ours, base, 3.0)
    peak_big = peak_kib(tracker(empty("mem-big.db"), "import", str(big), today=IMPORT_TODAY))
    peak_small = peak_kib(tracker(empty("mem-small.db"), "import", str(small), today=IMPORT_TODAY))
    record(
        f"import peak memory {rows_wanted:,} / {rows_wanted // 10:,} rows",
        peak_big / 1024,
        peak_small / 1024,
        1.2,
        unit="M",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="folder for the databases (kept between runs)")
    parser.add_argument("--quick", action="store_true", help="fewer runs, a 100,000-row import")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    runs = 3 if args.quick else 7
    print(
        f"python {sys.version.split()[0]} on {os.uname().machine}, {os.cpu_count()} cores; "
        f"work folder {work}"
    )
    print(f"{'figure':<46} {'ours':>10} {'baseline':>10} {'ratio':>7}  target")
    bench_help(runs * 2)
    bench_log(work, runs * 2)
    bench_chart(work, runs)
    bench_clinic(work, max(3, runs // 2))
    bench_import(work, 100_000 if args.quick else 1_000_000)
    failed = [row for row in rows if row[3] > float(row[4].rstrip("x"))]
    print(f"{len(rows) - len(failed)} of {len(rows)} targets met")


if __name__ == "__main__":
    main()
