from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tracker.cli import cli

TODAY = dt.date(2026, 11, 24)

Run = Callable[..., Result]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def run(db_path: Path) -> Run:
    """Run the CLI against a real SQLite file under tmp_path, with a fixed today."""

    def invoke(*args: str, input: str | None = None, today: dt.date = TODAY) -> Result:
        runner = CliRunner()
        return runner.invoke(
            cli,
            ["--db", str(db_path), "--today", today.isoformat(), *args],
            input=input,
            catch_exceptions=False,
        )

    return invoke


@pytest.fixture
def session_id(run: Run) -> int:
    """A laser session ten days before TODAY."""
    result = run("session", "add", "--date", "2026-11-14", "--kind", "laser", "--json")
    assert result.exit_code == 0, result.output
    import json

    return int(json.loads(result.stdout)["id"])


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to test a stale installed copy instead of the code in this checkout."""
    import tracker

    installed = Path(tracker.__file__).resolve().parent
    checkout = Path(__file__).resolve().parents[1] / "tracker"
    if installed == checkout:
        return
    stale = sorted(
        str(source.relative_to(checkout))
        for source in checkout.rglob("*.py")
        if not (installed / source.relative_to(checkout)).is_file()
        or (installed / source.relative_to(checkout)).read_bytes() != source.read_bytes()
    )
    if stale:
        raise pytest.UsageError(
            f"The installed tracker ({installed}) differs from this checkout in "
            f"{', '.join(stale)}: run `pip install '.[test]'` again "
            "(or use `pip install -e '.[test]'` while developing)."
        )
