"""Commands make a fixed number of queries, however much data the database holds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import Run
from sqlalchemy import event
from sqlalchemy.engine import Engine


@pytest.fixture
def count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield statements
    event.remove(Engine, "before_cursor_execute", record)


def _patients(run: Run, count: int, days: int) -> None:
    for number in range(count):
        name = f"p{number}"
        assert run("profile", "add", name).exit_code == 0
        assert run("--profile", name, "session", "add", "--date", "2026-11-01").exit_code == 0
        for day in range(1, days + 1):
            date = f"2026-11-{day + 1:02d}"
            logged = run(
                "--profile", name, "log", f"redness={day % 5}", "itching=1", "--date", date
            )
            assert logged.exit_code == 0
        assert run("--profile", name, "care", "add", "ice-pack").exit_code == 0


COMMANDS = [
    ("flags", "--all-profiles", "--json"),
    ("status", "--all-profiles"),
    ("--profile", "p0", "history", "--json"),
    ("--profile", "p0", "status"),
    ("--profile", "p0", "flags", "--all", "--json"),
    ("--profile", "p0", "session", "list", "--json"),
    ("--profile", "p0", "export", "--format", "json"),
]


def test_query_counts_do_not_grow_with_the_data(run: Run, count_queries: list[str]) -> None:
    _patients(run, count=2, days=3)
    small = {}
    for command in COMMANDS:
        count_queries.clear()
        assert run(*command).exit_code == 0, command
        small[command] = len(count_queries)
    _patients_more = [("profile", "add", "extra")]
    for args in _patients_more:
        assert run(*args).exit_code == 0
    for number in range(2, 6):
        name = f"p{number}"
        assert run("profile", "add", name).exit_code == 0
        assert run("--profile", name, "session", "add", "--date", "2026-11-01").exit_code == 0
        assert run("--profile", name, "log", "redness=3", "swelling=2").exit_code == 0
    for day in range(5, 15):
        assert (
            run("--profile", "p0", "log", "redness=2", "--date", f"2026-11-{day:02d}").exit_code
            == 0
        )
    for command in COMMANDS:
        count_queries.clear()
        assert run(*command).exit_code == 0, command
        assert len(count_queries) == small[command], command


def test_logging_several_symptoms_is_a_fixed_number_of_queries(
    run: Run, count_queries: list[str]
) -> None:
    assert run("session", "add", "--date", "2026-11-20").exit_code == 0
    assert run("log", "itching=1").exit_code == 0
    count_queries.clear()
    assert run("log", "itching=2", "--date", "2026-11-21").exit_code == 0
    one = len(count_queries)
    count_queries.clear()
    assert (
        run(
            "log", "itching=2", "redness=3", "swelling=1", "rash=2", "--date", "2026-11-22"
        ).exit_code
        == 0
    )
    assert len(count_queries) == one
