"""The same program on a PostgreSQL server: same answers, concurrent writers all land."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, Run
from sqlalchemy import create_engine, text

from tracker.cli import cli

pytestmark = pytest.mark.postgres_only

SCENARIO: list[tuple[str, ...]] = [
    ("profile", "add", "alice", "--skin-type", "II"),
    ("session", "add", "--date", "2026-11-10", "--kind", "co2-fractional", "--area", "face"),
    ("log", "redness=6", "swelling=5", "--date", "2026-11-11", "--note", "hot — ok"),
    ("log", "redness=4", "--date", "2026-11-15"),
    ("log", "redness=3", "itching=2"),
    ("care", "add", "petroleum-jelly", "--date", "2026-11-12"),
    ("protocol", "set", "co2-fractional", "redness", "--max-days", "10"),
    ("--profile", "alice", "session", "add", "--date", "2026-11-20", "--kind", "ipl"),
    ("--profile", "alice", "log", "redness=5", "pus=1"),
]
READS: list[tuple[str, ...]] = [
    ("export", "--format", "json"),
    ("export", "--format", "fhir"),
    ("history", "--json"),
    ("flags", "--all", "--json"),
    ("flags", "--all-profiles", "--json"),
    ("protocol", "--kind", "co2-fractional", "--json"),
    ("care", "list", "--json"),
    ("profile", "list", "--json"),
    ("status",),
]


def test_the_same_scenario_gives_the_same_answers_on_sqlite(
    run: Run, tmp_path: Path, db_url: str
) -> None:
    sqlite = ["--db", str(tmp_path / "same.db"), "--today", TODAY.isoformat()]
    for step in SCENARIO:
        assert run(*step).exit_code == 0, step
        assert CliRunner().invoke(cli, [*sqlite, *step]).exit_code == 0, step
    # Profile ids are random by design (the FHIR Patient id): give both databases the same.
    server = create_engine(db_url)
    with server.connect() as connection:
        ids = list(connection.execute(text("SELECT name, uuid FROM profiles")))
    server.dispose()
    with sqlite3.connect(tmp_path / "same.db") as connection:
        connection.executemany(
            "UPDATE profiles SET uuid = ? WHERE name = ?", [(u, n) for n, u in ids]
        )
    for read in READS:
        on_postgres = run(*read)
        on_sqlite = CliRunner().invoke(cli, [*sqlite, *read])
        assert on_postgres.exit_code == on_sqlite.exit_code == 0, read
        assert on_postgres.stdout == on_sqlite.stdout, read


# Each worker logs its own symptom every day, through the real CLI, in its own process.
WORKER = """
import sys
from tracker.cli import cli
url, symptom, days = sys.argv[1], sys.argv[2], int(sys.argv[3])
for day in range(days):
    code = cli(["--db", url, "--today", "2026-11-24", "log", f"{symptom}={day % 11}",
                "--date", f"{day} days ago", "--session", "1"], standalone_mode=False)
    assert code in (None, 0), code
"""


@pytest.mark.slow
def test_several_processes_logging_at_once_all_land(run: Run, db_url: str) -> None:
    assert run("session", "add", "--date", "2026-09-01").exit_code == 0
    symptoms = ["itching", "swelling", "redness", "rash"]
    days = 25
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db_url, symptom, str(days)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for symptom in symptoms
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, errors
    entries = json.loads(run("history", "--json").stdout)
    assert len(entries) == len(symptoms) * days
