"""Catalog listings, the db commands, the demo, help and version, and import hygiene."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, Run

from tracker import __version__
from tracker.cli import cli
from tracker.storage.revisions import HEAD


def test_symptoms_and_kinds_list_keys_and_aliases(run: Run) -> None:
    symptoms = json.loads(run("symptoms", "--json").stdout)
    itching = next(s for s in symptoms if s["key"] == "itching")
    assert "pruritus" in itching["aliases"]
    text = run("symptoms").stdout
    assert "pruritus" in text
    assert "information, not a diagnosis" in text
    # Every red-flag symptom is named where the list says what needs the clinic now.
    assert (
        "Blisters, pus or bad smell, fever, cold sores or hives (raised, itchy welts): contact "
        "your\nclinic now." in text
    )
    kinds = json.loads(run("kinds", "--json").stdout)
    assert kinds[0]["key"] == "laser-rejuvenation"
    assert "microneedling" in run("kinds").stdout


@pytest.mark.new_database
@pytest.mark.sqlite_only
def test_db_current_changes_nothing_and_upgrade_sets_up(run: Run, db_path: Path) -> None:
    result = run("db", "current")
    assert result.exit_code == 0
    assert "no schema yet" in result.stdout
    assert not db_path.exists()
    upgraded = json.loads(run("db", "upgrade", "--json").stdout)
    assert upgraded == {"database": str(db_path), "revision": HEAD, "head": HEAD, "current": True}
    assert f"Schema:   {HEAD} (the newest)" in run("db", "current").stdout


def test_version_and_short_help_everywhere(run: Run) -> None:
    assert run("--version").stdout.strip() == f"tracker, version {__version__}"
    for args in ((), ("session",), ("session", "add"), ("log",), ("db", "current")):
        result = run(*args, "-h")
        assert result.exit_code == 0, args
        assert "Usage:" in result.stdout


def test_help_says_it_is_not_a_diagnosis() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert "information, never a diagnosis" in result.stdout


@pytest.mark.new_database
def test_demo_builds_its_own_database_and_says_what_next(
    tmp_path: Path, run: Run, db_path: Path
) -> None:
    folder = tmp_path / "demo"
    result = run("demo", str(folder))
    assert result.exit_code == 0, result.output
    assert f"Made a demo recovery in {folder / 'demo.db'}:" in result.stdout
    assert "tracker --db" in result.stdout
    assert not db_path.exists()  # never the user's own database
    assert ((folder / "demo.db").stat().st_mode & 0o777) == 0o600
    demo = ["--db", str(folder / "demo.db"), "--today", TODAY.isoformat()]
    entries = json.loads(CliRunner().invoke(cli, [*demo, "history", "--json"]).stdout)
    by_symptom: dict[str, list[tuple[int, int]]] = {}
    for entry in entries:
        by_symptom.setdefault(entry["symptom"], []).append((entry["day"], entry["severity"]))
    for faded in ("itching", "swelling", "rash"):
        last_above_zero = max(day for day, value in by_symptom[faded] if value > 0)
        assert last_above_zero <= 5, faded
    assert by_symptom["redness"][-1] == (12, 2)  # still there on day 12
    # Running it again starts afresh instead of piling up sessions.
    assert run("demo", str(folder)).exit_code == 0
    sessions = json.loads(CliRunner().invoke(cli, [*demo, "session", "list", "--json"]).stdout)
    assert len(sessions) == 1


def test_python_dash_m_runs_the_same_program() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"tracker, version {__version__}"


def test_log_path_imports_neither_alembic_nor_matplotlib(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    env = {**os.environ, "TRACKER_DB": str(db)}
    setup = [sys.executable, "-m", "tracker", "session", "add", "--date", "yesterday"]
    assert subprocess.run(setup, env=env, capture_output=True, check=False).returncode == 0
    probe = (
        "import sys\n"
        "from tracker.cli import cli\n"
        "try:\n"
        "    cli(['log', 'itching=3'], prog_name='tracker')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "heavy = sorted(m for m in ('alembic', 'matplotlib') if m in sys.modules)\n"
        "print(','.join(heavy) or 'none')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "none"


def test_ci_runs_the_readme_test_command() -> None:
    checkout = Path(__file__).resolve().parents[1]
    readme = (checkout / "README.md").read_text()
    command = "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/pytest"
    assert command in readme
    # CI runs it in two parts, the install, then (once the PostgreSQL run has started beside
    # it) the README's pytest on a line of its own: together the README's command, verbatim.
    install, _, suite = command.rpartition(" && ")
    lines = (checkout / ".ci" / "run").read_text().splitlines()
    assert f"{install} || exit $?" in lines
    assert suite in lines[lines.index(f"{install} || exit $?") :]


def test_help_imports_neither_sqlalchemy_nor_matplotlib() -> None:
    probe = (
        "import sys\n"
        "from tracker.cli import cli\n"
        "try:\n"
        "    cli(['--help'], prog_name='tracker')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'alembic', 'matplotlib') if m in sys.modules)\n"
        "print(','.join(heavy) or 'none')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "none"
    assert "session   Add, list, show" in done.stdout
