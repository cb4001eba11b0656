"""Every id, number and time in an address is bounded before use: a page in words, never
a 500 (issue 23's reproducers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import TODAY, Run
from web_support import Browser

SESSION_PAGES = ["/history", "/chart", "/chart.svg", "/report.pdf", "/reminders.ics"]
BAD_SESSIONS = ["99999999999999999999999", "-1", "²", "1e3", "0", "9" * 5000, " "]


@pytest.fixture
def signed_in(db_url: str, session_id: int, run: Run) -> Iterator[Browser]:
    assert run("log", "redness=3").exit_code == 0
    found = Browser(db_url, TODAY)
    assert found.sign_in().status_code == 303
    yield found
    found.close()


@pytest.mark.parametrize("page", SESSION_PAGES)
def test_a_session_number_out_of_bounds_is_answered_in_words(signed_in: Browser, page: str) -> None:
    for value in BAD_SESSIONS:
        response = signed_in.get(page, query_string={"session": value})
        if value == " ":  # nothing given: the latest session
            assert response.status_code == 200, page
            continue
        assert response.status_code in (400, 404), (page, value[:30])
        assert "unexpected" not in response.text.lower()
        assert "9" * 50 not in response.text  # a long id is not repeated whole
    assert signed_in.get(page).status_code == 200


def test_minus_one_is_not_read_as_the_latest_session(signed_in: Browser) -> None:
    response = signed_in.get("/history?session=-1")
    assert response.status_code == 400
    assert "A session is given by its number, not &#39;-1&#39;." in response.text


def test_a_reminder_time_out_of_bounds_is_answered_in_words(signed_in: Browser) -> None:
    for at in ("99999999999999999999:00", "24:00", "\u0662\u0660:\u0660\u0660", "20:0", "x" * 5000):
        response = signed_in.get("/reminders.ics", query_string={"at": at})
        assert response.status_code == 400, at[:30]
        assert "HH:MM" in response.text
        assert "x" * 50 not in response.text
    assert signed_in.get("/reminders.ics?at=07:30").status_code == 200


def test_a_non_ascii_profile_name_downloads_with_rfc_6266_names(db_url: str, run: Run) -> None:
    assert run("profile", "add", "日本").exit_code == 0
    assert run("--profile", "日本", "session", "add", "--date", "2026-11-20").exit_code == 0
    browser = Browser(db_url, TODAY, profile="日本")
    try:
        assert browser.sign_in().status_code == 303
        for fmt in ("csv", "care-csv", "json", "fhir"):
            response = browser.get(f"/export/{fmt}")
            assert response.status_code == 200, fmt
            disposition = response.headers["Content-Disposition"]
            assert disposition.isascii()
            assert 'filename="__-' in disposition
            assert "filename*=UTF-8''%E6%97%A5%E6%9C%AC-" in disposition
    finally:
        browser.close()
