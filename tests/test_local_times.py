"""Times of day in the patient's own zone: the command line's is the computer's (TZ), the
local web page's the zone it was started in; never "Etc/UTC" said to a patient. The history
says "changed from 9 on <date>" for a corrected value, as the web page does, and its JSON
carries the value it replaced."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from conftest import TODAY, Run
from pypdf import PdfReader
from sqlalchemy import create_engine, text
from web_support import Browser

from tracker.storage.database import resolve

# 20:00 UTC on 3 December is 01:30 on 4 December in India (UTC+05:30, no daylight saving):
# the day and the time of day both differ from UTC's.
STORED = "2026-11-23 20:00:00"
KOLKATA = "2026-11-24 01:30 IST"


@pytest.fixture
def in_kolkata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def _corrected(run: Run, db_url: str) -> None:
    """Redness 9 on 2026-11-20, corrected to 2; the correction's time set to STORED (UTC)."""
    _ok(run, "session", "add", "--date", "2026-11-14", "--kind", "laser")
    _ok(run, "log", "redness=9", "--date", "2026-11-20", "--note", "hot")
    _ok(run, "log", "redness=2", "--date", "2026-11-20")
    _ok(run, "log", "itching=1", "--date", "2026-11-20")
    engine = create_engine(resolve(db_url).url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE entry_changes SET changed_at = :at"), {"at": STORED})
    engine.dispose()


def test_history_says_changed_from_on_the_local_day_and_json_carries_the_value_replaced(
    run: Run, db_url: str, in_kolkata: None
) -> None:
    _corrected(run, db_url)
    shown = _ok(run, "history")
    (redness,) = [line for line in shown.splitlines() if "redness" in line]
    assert "2 mild (changed from 9 on 2026-11-24)" in redness  # the local day, not 11-23
    (itching,) = [line for line in shown.splitlines() if "itching" in line]
    assert "changed from" not in itching  # a value never corrected says nothing
    entries = {e["symptom"]: e for e in json.loads(_ok(run, "history", "--json"))}
    assert entries["redness"]["severity"] == 2
    assert entries["redness"]["previous"] == {
        "severity": 9,
        "note": "hot",
        "changed_at": "2026-11-23T20:00:00Z",  # machine-readable: UTC, said so
    }
    assert entries["itching"]["previous"] is None


def test_an_undone_correction_is_no_longer_changed_from(
    run: Run, db_url: str, in_kolkata: None
) -> None:
    _corrected(run, db_url)
    _ok(run, "undo")  # the itching
    _ok(run, "undo")  # the correction: 9 again
    shown = _ok(run, "history")
    assert "changed from" not in shown
    assert json.loads(_ok(run, "history", "--json"))[0]["previous"] is None


def test_undo_says_the_time_in_the_computers_zone(run: Run, db_url: str, in_kolkata: None) -> None:
    _corrected(run, db_url)
    _ok(run, "undo")
    dry = _ok(run, "undo", "--dry-run")
    assert f"redness on 2026-11-20: changed from 9/10 to 2/10 at {KOLKATA}." in dry
    assert "UTC" not in dry


def test_undo_without_a_zone_of_its_own_says_utc_never_etc_utc(
    run: Run, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Etc/UTC")
    _corrected(run, db_url)
    _ok(run, "undo")
    dry = _ok(run, "undo", "--dry-run")
    assert "changed from 9/10 to 2/10 at 2026-11-23 20:00 UTC." in dry
    assert "Etc/" not in dry


def test_the_report_lists_corrections_at_the_local_time(
    run: Run, db_url: str, in_kolkata: None, tmp_path: object
) -> None:
    from pathlib import Path

    _corrected(run, db_url)
    target = Path(str(tmp_path)) / "r.pdf"
    _ok(run, "report", "-o", str(target))
    words = " ".join(page.extract_text() for page in PdfReader(target).pages)
    assert KOLKATA in " ".join(words.split())
    assert "20:00 UTC" not in words


@pytest.fixture
def web_in_kolkata(run: Run, db_url: str) -> Iterator[Browser]:
    browser = Browser(db_url, TODAY, zone_name="Asia/Kolkata")
    assert browser.sign_in().status_code == 303
    yield browser
    browser.close()


def test_the_web_history_says_the_local_day_and_time(
    run: Run, db_url: str, web_in_kolkata: Browser
) -> None:
    _corrected(run, db_url)
    _ok(run, "undo")  # the itching: the latest change left is the correction
    page = " ".join(web_in_kolkata.get("/history").text.split())
    assert "changed from 9 on 2026-11-24" in page
    assert f"changed from 9/10 to 2/10 at {KOLKATA}" in page
    downloads = " ".join(web_in_kolkata.get("/report").text.split())
    assert "Times are in Asia/Kolkata time." in downloads


def test_the_web_never_says_etc_utc(run: Run, db_url: str) -> None:
    browser = Browser(db_url, TODAY, zone_name="Etc/UTC")
    try:
        assert browser.sign_in().status_code == 303
        _ok(run, "session", "add", "--date", "2026-11-14", "--kind", "laser")
        page = " ".join(browser.get("/report").text.split())
        assert "Times are in UTC." in page
        assert "Etc/UTC" not in page
    finally:
        browser.close()
