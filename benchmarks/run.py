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
from collections.abc import Callable, Sequence
from pathlib import Path

from generate_clinic import fill_courses

HERE = Path(__file__).resolve().parent
TODAY = "2026-11-24"
PYTHON = sys.executable
TRACKER = (
    [PYTHON, "-m", "tracker"]
    if shutil.which("tracker") is None
    else [shutil.which("tracker") or "tracker"]
)


Command = Sequence[str] | Callable[[int], Sequence[str]]


def _argv(command: Command, run: int) -> Sequence[str]:
    return command(run) if callable(command) else command


def paired(
    ours: Command, baseline: Command, runs: int, env: dict[str, str] | None = None
) -> tuple[float, float, float, float]:
    """Medians of ours and the baseline, run alternately (ours first in even runs, the
    baseline first in odd ones) so that the machine's drift and any warm-up weigh on both
    alike; with the lowest and highest ratio of a pair. A command may be a function of the
    run's number (a new day to log in each run)."""
    mine: list[float] = []
    theirs: list[float] = []
    for run in range(runs):
        order = [(ours, mine), (baseline, theirs)]
        for command, times in order if run % 2 == 0 else order[::-1]:
            argv = _argv(command, run)  # any set-up it needs is not timed
            started = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
            times.append(time.perf_counter() - started)
    ratios = [a / b for a, b in zip(mine, theirs, strict=True)]
    return statistics.median(mine), statistics.median(theirs), min(ratios), max(ratios)


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


Row = tuple[str, float, float, float, float | None]
rows: list[Row] = []


def record(
    figure: str,
    ours: float,
    baseline: float,
    target: float | None,
    unit: str = "s",
    spread: tuple[float, float] | None = None,
) -> None:
    """One line of the table; a target of None: a figure shown for reference only."""
    ratio = ours / baseline
    rows.append((figure, ours, baseline, ratio, target))
    verdict = "" if target is None else ("pass" if ratio <= target else "FAIL")
    aim = "" if target is None else f"<= {target:g}x"
    span = "" if spread is None else f"{spread[0]:.2f}-{spread[1]:.2f}"
    print(
        f"{figure:<48} {ours:>9.3f}{unit} {baseline:>9.3f}{unit} {ratio:>6.2f}x "
        f"{span:>10}  {aim:<8} {verdict}",
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

# The least a Python program does to store one row with the standard library alone: what
# `tracker log` itself does on an SQLite file (no SQLAlchemy), without its checks and rules.
FLOOR_SQLITE_LOG = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("INSERT INTO t (x) VALUES (3)")
connection.execute("COMMIT")
"""

# The same 8 panels as `tracker chart` draws for 8 symptoms (a grid of 2 rows of 4 on one
# day axis and 0-10 scale, at the same size and resolution): per panel the severity bands,
# the expected course's tint, the line with its points, the panel's title, today's line;
# the chart's title and a legend over the grid. Bare sqlite3 and matplotlib, nothing else.
FLOOR_CHART = """
import sqlite3, sys
from matplotlib.figure import Figure
from matplotlib.backends.backend_agg import FigureCanvasAgg
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT symptom, date, severity FROM entries ORDER BY symptom, date").fetchall()
lines = {}
for symptom, date, value in rows:
    lines.setdefault(symptom, []).append(value)
figure = Figure(figsize=(11, 5.2), dpi=150)
FigureCanvasAgg(figure)
grid = figure.subplots(2, 4, sharex=True, sharey=True,
                       gridspec_kw=dict(left=0.06, right=0.93, top=0.8, bottom=0.1))
figure.text(0.01, 0.97, "Recovery after laser-rejuvenation on 2026-10-20", fontsize=12,
            va="top")
for ax, (symptom, values) in zip(grid.flat, sorted(lines.items())):
    for low, high, shade in ((0.5, 3.5, "#f3f3f3"), (3.5, 6.5, "#e6e6e6"),
                             (6.5, 10.5, "#d6d6d6")):
        ax.axhspan(low, high, color=shade, zorder=0, linewidth=0)
    ax.axvspan(-0.5, 14.5, color="#009E73", alpha=0.13, lw=0, zorder=1)
    ax.plot(range(len(values)), values, color="#0072B2", linewidth=1.6, marker="o",
            markersize=3, zorder=3)
    ax.axvline(29, color="0.3", linewidth=0.8, linestyle=":")
    ax.text(0.0, 1.02, f"{symptom} (gone by day 14)", transform=ax.transAxes, fontsize=9)
grid[0][0].set_ylim(-0.5, 10.5)
grid[0][0].set_yticks((0, 3, 6, 10))
figure.legend(handles=grid[0][0].lines[:1], labels=["logged"], loc="upper right")
figure.savefig(sys.argv[2], dpi=150)
"""


def bench_help(runs: int) -> None:
    ours, base, low, high = paired([*TRACKER, "--help"], [PYTHON, "-c", "import click"], runs)
    record("tracker --help / import click", ours, base, 1.5, spread=(low, high))


JRNL_CONFIG = """colors: {body: none, date: none, tags: none, title: none}
default_hour: 9
default_minute: 0
editor: ''
encrypt: false
highlight: false
indent_character: '|'
journals:
  default:
    journal: %s
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '%%F %%r'
version: v4.6
"""


def find_jrnl() -> str | None:
    """jrnl from $JRNL, else on PATH; install it in a venv of its own (not the tracker's):
    python3 -m venv /tmp/jrnl-venv && /tmp/jrnl-venv/bin/pip install jrnl"""
    return os.environ.get("JRNL") or shutil.which("jrnl")


def bench_log(work: Path, runs: int) -> None:
    """`tracker log` writing a new day each run (the daily insert, not the replace path)."""
    db = fresh(work / "log.db")
    subprocess.run(
        tracker(db, "session", "add", "--date", "2000-01-01"), check=True, stdout=subprocess.DEVNULL
    )

    def new_day(run: int) -> list[str]:
        day = dt.date(2000, 1, 2) + dt.timedelta(days=run)
        return tracker(db, "log", "itching=3", "--date", day.isoformat())

    jrnl = find_jrnl()
    if jrnl is not None:
        home = work / "jrnl-home"
        (home / "jrnl").mkdir(parents=True, exist_ok=True)
        journal = home / "journal.txt"
        journal.unlink(missing_ok=True)
        (home / "jrnl" / "jrnl.yaml").write_text(JRNL_CONFIG % journal)
        env = {**os.environ, "XDG_CONFIG_HOME": str(home), "HOME": str(home)}
        subprocess.run([jrnl, "first entry"], check=True, env=env, capture_output=True)
        ours, base, low, high = paired(new_day, [jrnl, "itching 3"], runs, env=env)
        record('tracker log (a new day) / jrnl "text"', ours, base, 1.0, spread=(low, high))
    else:
        print("jrnl not found (set JRNL=/path/to/jrnl): the log target is not measured")
    floor_db = fresh(work / "floor.db")
    connection = sqlite3.connect(floor_db)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, x INTEGER)")
    connection.close()
    offset = runs  # the days after those logged above
    ours, base, low, high = paired(
        lambda run: new_day(offset + run), [PYTHON, "-c", FLOOR_LOG, str(floor_db)], runs
    )
    record("tracker log (a new day) / ORM insert floor", ours, base, None, spread=(low, high))
    offset += runs
    ours, base, low, high = paired(
        lambda run: new_day(offset + run), [PYTHON, "-c", FLOOR_SQLITE_LOG, str(floor_db)], runs
    )
    record("tracker log (a new day) / sqlite3 insert floor", ours, base, None, spread=(low, high))


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
    fill_courses(connection)
    connection.commit()
    connection.close()
    ours, base, low, high = paired(
        tracker(db, "chart", "--force", "-o", str(work / "ours.png")),
        [PYTHON, "-c", FLOOR_CHART, str(db), str(work / "floor.png")],
        runs,
    )
    record("tracker chart (8 panels) / same 8 panels", ours, base, 1.2, spread=(low, high))


def clinic_db(work: Path, profiles: int, closed: int = 0, only: str | None = None) -> Path:
    """A generated clinic (benchmarks/generate_clinic.py), kept between runs."""
    name = f"clinic-{profiles}" + (f"-closed-{closed}" if closed else "")
    name += f"-{only}" if only else ""
    path = work / f"{name}.db"
    if not path.exists():
        command = [PYTHON, str(HERE / "generate_clinic.py"), str(path), "--profiles", str(profiles)]
        command += ["--closed", str(closed)] if closed else []
        command += ["--only", only] if only else []
        subprocess.run(command, check=True)
    return path


def clinic_url(url: str, profiles: int, closed: int = 0) -> str:
    """The same clinic written into a PostgreSQL database (emptied first)."""
    command = [PYTHON, str(HERE / "generate_clinic.py"), url, "--profiles", str(profiles)]
    subprocess.run([*command, "--closed", str(closed)], check=True)
    return url


def bench_triage(database: str, label: str, runs: int) -> None:
    """Triage against the hand-written query with the same answer (benchmarks/baselines.py)."""
    ours, base, low, high = paired(
        [*TRACKER, "--db", database, "--today", TODAY, "flags", "--all-profiles", "--json"],
        [PYTHON, str(HERE / "baselines.py"), "triage", database, TODAY],
        runs,
    )
    record(f"flags --all-profiles, {label} / same-answer SQL", ours, base, 1.5, spread=(low, high))


def bench_closed(with_closed: str, without: str, label: str, runs: int) -> None:
    """The same open patients, and 4,000 whose recoveries ended long ago: the same output."""
    command = ["--today", TODAY, "flags", "--all-profiles", "--json"]
    ours, base, low, high = paired(
        [*TRACKER, "--db", with_closed, *command], [*TRACKER, "--db", without, *command], runs
    )
    record(f"triage +4,000 closed patients, {label}", ours, base, 1.15, spread=(low, high))


def bench_clinic(work: Path, runs: int, large: bool, postgres: str | None) -> None:
    clinic = str(clinic_db(work, 1000))
    bench_triage(clinic, "1,000 SQLite", runs)
    bench_closed(str(clinic_db(work, 1000, closed=4000)), clinic, "SQLite", runs)
    if large:
        bench_triage(str(clinic_db(work, 5000)), "5,000 SQLite", runs)
    if postgres is not None:
        for profiles in (1000, 5000) if large else (1000,):
            bench_triage(clinic_url(postgres, profiles), f"{profiles:,} PostgreSQL", runs)
    alone = clinic_db(work, 1000, only="p0007")
    for command in (
        ("status",),
        ("history", "--json"),
        ("report", "--force", "-o", str(work / "r.pdf")),
    ):
        big, small, low, high = paired(
            tracker(Path(clinic), "--profile", "p0007", *command),
            tracker(alone, "--profile", "p0007", *command),
            runs,
        )
        record(f"one profile's {command[0]}: clinic / alone", big, small, 1.2, spread=(low, high))


REPORT_SYMPTOMS = (
    "itching", "swelling", "redness", "rash", "pain", "burning", "dryness", "peeling",
    "crusting", "oozing", "bruising", "darkening", "lightening", "breakouts", "blistering",
)  # fmt: skip


def bench_report(work: Path, runs: int) -> None:
    """A report of 365 days x 15 symptoms against the same pages drawn by bare matplotlib
    (benchmarks/report_floor.py)."""
    db = fresh(work / "report.db")
    start = dt.date(2025, 11, 24)
    subprocess.run(
        tracker(db, "session", "add", "--date", start.isoformat()),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    connection = sqlite3.connect(db)
    with connection:
        connection.executemany(
            "INSERT INTO entries (session_id, date, symptom, severity) VALUES (1, ?, ?, ?)",
            [
                ((start + dt.timedelta(days=d)).isoformat(), s, (d * 7 + i * 3) % 11)
                for d in range(365)
                for i, s in enumerate(REPORT_SYMPTOMS)
            ],
        )
        fill_courses(connection)
    connection.close()
    out, pages = work / "report-ours.pdf", work / "report-pages.json"
    arguments = tracker(db, "report", "--force", "-o", str(out))
    subprocess.run(
        [PYTHON, str(HERE / "report_floor.py"), "dump", str(pages), *arguments[len(TRACKER) :]],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    ours, base, low, high = paired(
        arguments,
        [PYTHON, str(HERE / "report_floor.py"), "draw", str(pages), str(work / "report-floor.pdf")],
        runs,
    )
    record("report 365 days x 15 symptoms / same pages", ours, base, 3.0, spread=(low, high))


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
            "INSERT INTO sessions (id, profile_id, number, date, kind) "
            "VALUES (1, 1, 1, '1900-01-01', 'ipl')"
        )
        connection.executemany(
            "INSERT INTO entries (session_id, date, symptom, severity, note) "
            "VALUES (1, ?, ?, ?, ?)",
            ((row[0], row[5], int(row[6]), row[7] or None) for row in reader))
"""


# A million values of 8 symptoms span 342 years from 1900: the import pretends to run late
# enough (dates after today are refused), within the latest date the tracker takes.
IMPORT_TODAY = "2999-12-31"


def bench_import(work: Path, rows_wanted: int, runs: int) -> None:
    big, small = work / "big.csv", work / "small.csv"
    write_csv(big, rows_wanted)
    write_csv(small, rows_wanted // 10)

    def empty(name: str) -> Path:
        path = fresh(work / name)
        subprocess.run(tracker(path, "db", "upgrade"), check=True, stdout=subprocess.DEVNULL)
        return path

    ours, base, low, high = paired(
        lambda run: tracker(empty(f"import-ours-{run}.db"), "import", str(big), today=IMPORT_TODAY),
        lambda run: [PYTHON, "-c", RAW_IMPORT, str(empty(f"import-raw-{run}.db")), str(big)],
        runs,
    )
    record(f"import {rows_wanted:,}-row CSV / raw executemany", ours, base, 3.0, spread=(low, high))
    peak_big = peak_kib(tracker(empty("mem-big.db"), "import", str(big), today=IMPORT_TODAY))
    peak_small = peak_kib(tracker(empty("mem-small.db"), "import", str(small), today=IMPORT_TODAY))
    record(
        f"import peak memory {rows_wanted:,} / {rows_wanted // 10:,} rows",
        peak_big / 1024,
        peak_small / 1024,
        1.3,
        unit="M",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="folder for the databases (kept between runs)")
    parser.add_argument("--quick", action="store_true", help="fewer runs, a 100,000-row import")
    parser.add_argument("--large", action="store_true", help="also triage at 5,000 profiles")
    parser.add_argument(
        "--postgres", metavar="URL", help="also triage on this PostgreSQL database (emptied!)"
    )
    parser.add_argument(
        "--only", nargs="+", metavar="FIGURE", help="help log chart clinic report import"
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    runs = 3 if args.quick else 7
    print(
        f"python {sys.version.split()[0]} on {os.uname().machine}, {os.cpu_count()} cores; "
        f"work folder {work}"
    )
    wanted = set(args.only or ("help", "log", "chart", "clinic", "report", "import"))
    print(f"load average {os.getloadavg()[0]:.1f} at the start")
    print(f"{'figure':<48} {'ours':>10} {'baseline':>10} {'ratio':>7} {'min-max':>10}  target")
    if "help" in wanted:
        bench_help(runs * 2)
    if "log" in wanted:
        bench_log(work, runs * 2)
    if "chart" in wanted:
        bench_chart(work, runs)
    if "clinic" in wanted:
        bench_clinic(work, max(3, runs // 2) + 1, args.large, args.postgres)
    if "report" in wanted:
        bench_report(work, max(3, runs // 2))
    if "import" in wanted:
        bench_import(work, 100_000 if args.quick else 1_000_000, 2)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    judged = [row for row in rows if row[4] is not None]
    met = [row for row in judged if row[3] <= (row[4] or 0)]
    print(f"{len(met)} of {len(judged)} targets met")


if __name__ == "__main__":
    main()
