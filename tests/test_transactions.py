"""Each command writes in one transaction: all of it is saved, or none of it.

Counted with SQLAlchemy's "begin" event, which fires on SQLite and PostgreSQL alike. Opening
the database reads its schema revision in a transaction of its own before the command's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import Run
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

OPENING = 1  # the revision check of Database.open()


@pytest.fixture
def begun() -> Iterator[list[bool]]:
    """One item per transaction begun: whether it may write."""
    found: list[bool] = []

    def record(connection: Connection) -> None:
        found.append(not connection.get_execution_options().get("tracker_reading", False))

    event.listen(Engine, "begin", record)
    yield found
    event.remove(Engine, "begin", record)


def _writes(found: list[bool]) -> int:
    return sum(found[OPENING:])


@pytest.mark.parametrize(
    ("command", "transactions"),
    [
        # The session, and the earlier session's open flags to warn about: one transaction.
        (("session", "add", "--date", "2026-11-23", "--kind", "ipl"), 1),
        (("log", "itching=3", "redness=2"), 1),
        (("session", "delete", "1", "--yes"), 1),
        (("care", "add", "ice-pack"), 1),
        (("log", "--remove", "itching"), 1),
    ],
)
def test_a_command_that_writes_opens_one_transaction(
    run: Run, begun: list[bool], command: tuple[str, ...], transactions: int
) -> None:
    assert run("session", "add", "--date", "2026-11-20").exit_code == 0
    assert run("log", "itching=2").exit_code == 0
    begun.clear()
    result = run(*command)
    assert result.exit_code == 0, result.output
    assert len(begun) == OPENING + transactions, begun
    assert _writes(begun) == 1


def test_checkin_saves_and_reads_the_status_in_one_transaction(run: Run, begun: list[bool]) -> None:
    """The questions are read first (no lock while the patient answers); then the answers
    are saved and the status shown from the same transaction."""
    assert run("session", "add", "--date", "2026-11-20").exit_code == 0
    begun.clear()
    result = run("checkin", input="3\n2\n0\n1\n\n")
    assert result.exit_code == 0, result.output
    assert "Saved for 2026-11-24: itching 3 (mild)" in result.output
    # The status shown holds the values just saved.
    assert "itching 3/10, day 4, expected gone by day 5" in result.output
    assert begun[OPENING:] == [False, True], begun
