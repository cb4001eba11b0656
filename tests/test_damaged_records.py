"""Values the database should never hold (a hand edit, another program) are reported as
"damaged record N", never "an unexpected problem" (issue 23)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import TODAY, Run
from web_support import Browser

DAMAGE = {
    "date": ("date = '9999-99-99'", "its date is '9999-99-99', not a date"),
    "severity text": ("severity = 'abc'", "its severity is 'abc', not a whole number"),
    "severity 99": ("severity = 99", "breaks its rule severity >= 0"),
    "bytes note": ("note = x'ff00'", "its note is b'\\\\xff\\\\x00', not text"),
}


def _damage(path: Path, change: str) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA ignore_check_constraints = ON")
    connection.execute(f"UPDATE entries SET {change} WHERE symptom = 'redness'")
    connection.commit()
    connection.close()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("name", DAMAGE)
def test_a_damaged_value_is_named_with_its_record(
    run: Run, db_path: Path, session_id: int, name: str
) -> None:
    assert run("log", "redness=3", "itching=2").exit_code == 0
    change, words = DAMAGE[name]
    _damage(db_path, change)
    checked = run("db", "check")
    assert checked.exit_code == 1
    assert "damaged record 1 in entries" in checked.stdout or "CHECK constraint" in checked.stdout
    for command in (("history",), ("export",), ("status",)):
        result = run(*command)
        if result.exit_code == 0:
            continue  # a command that does not trip over the value shows what it can
        assert "unexpected" not in result.stderr, command
        assert result.stderr.startswith("Error: damaged record 1 in entries"), command
        assert words.replace("\\\\", "\\") in result.stderr
        assert len(result.stderr.splitlines()) == 1


@pytest.mark.sqlite_only
def test_the_page_names_a_damaged_record(db_path: Path, run: Run, session_id: int) -> None:
    assert run("log", "redness=3").exit_code == 0
    _damage(db_path, DAMAGE["date"][0])
    browser = Browser(str(db_path), TODAY)
    try:
        browser.sign_in()
        response = browser.get("/history")
        assert response.status_code == 500
        assert "damaged record 1 in entries" in response.text
    finally:
        browser.close()
