"""Care on the web, as the command line takes it: any care action, 'other' with what it was,
and the clinic's own expected course for a symptom; each refusal next to its field, and
nothing saved that was not entered."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from conftest import TODAY, Run
from test_web_pages import text
from web_support import Browser


@pytest.fixture
def web(db_url: str) -> Iterator[Browser]:
    browser = Browser(db_url, TODAY)
    assert browser.sign_in().status_code == 303
    yield browser
    browser.close()


def _care(run: Run) -> list[tuple[str, str, str | None]]:
    found = json.loads(run("care", "list", "--json").stdout)
    return [(c["date"], c["action"], c["note"]) for c in found]


def _error_of(page: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    assert found, f"no error next to {field}"
    assert f'aria-describedby="{field}-error" aria-invalid="true"' in page
    return found.group(1)


def test_other_care_needs_its_words_and_is_then_recorded_with_them(
    web: Browser, run: Run, session_id: int
) -> None:
    sent = {"session": str(session_id), "care-date": "2026-11-20", "care-action": "other"}
    refused = web.post("/history/care", sent)
    assert refused.status_code == 400
    assert _error_of(refused.text, "care-note") == (
        "Say what you did, in a note, when the action is &#39;other&#39;."
    )
    assert _care(run) == []  # nothing saved that was not entered
    saved = web.post("/history/care", {**sent, "care-note": "aloe gel"}, follow_redirects=True)
    assert "Recorded Other care (aloe gel) on 2026-11-20 for session 1." in text(saved)
    assert "aloe gel" in text(web.get(f"/history?session={session_id}"))
    assert _care(run) == [("2026-11-20", "other", "aloe gel")]


def test_care_refusals_land_at_their_field(web: Browser, run: Run, session_id: int) -> None:
    base = {"session": str(session_id), "care-action": "moisturiser"}
    early = web.post("/history/care", {**base, "care-date": "2026-11-01"})
    assert "before" in _error_of(early.text, "care-date")
    assert _error_of(web.post("/history/care", {**base}).text, "care-date") == "This is needed."
    unknown = web.post("/history/care", {**base, "care-date": "2026-11-20", "care-action": "x"})
    assert _error_of(unknown.text, "care-action")
    web.post("/history/care", {**base, "care-date": "2026-11-20", "care-note": "twice"})
    again = web.post("/history/care", {**base, "care-date": "2026-11-20"})
    assert again.status_code == 409 or again.status_code == 400
    assert "already" in _error_of(again.text, "care-action").lower()
    # Said to have happened twice, it is recorded twice.
    web.post("/history/care", {**base, "care-date": "2026-11-20", "care-again": "yes"})
    assert _care(run) == [
        ("2026-11-20", "moisturizer", "twice"),
        ("2026-11-20", "moisturizer", None),
    ]


def _course(run: Run, symptom: str) -> dict[str, object]:
    rows = json.loads(run("protocol", "--kind", "laser-rejuvenation", "--json").stdout)
    return next(r for r in rows if r["symptom"] == symptom)


def test_the_clinics_own_course_is_set_and_reset_on_the_session_page(
    web: Browser, run: Run, session_id: int
) -> None:
    page = f"/sessions/{session_id}"
    assert "None set" in text(web.get(page))
    wrong = web.post(
        f"{page}/course",
        {"course-symptom": "redness", "course-typical": "12", "course-max": "9"},
    )
    assert wrong.status_code == 400
    assert "cannot be longer than the maximum" in _error_of(wrong.text, "course-typical")
    assert _error_of(
        web.post(f"{page}/course", {"course-symptom": "redness", "course-max": "ten"}).text,
        "course-max",
    ).startswith("&#39;ten&#39; is not a number")
    assert _course(run, "redness")["max_days"] == 7  # nothing saved by a refusal
    done = web.post(
        f"{page}/course",
        {"course-symptom": "redness", "course-typical": "5", "course-max": "10"},
        follow_redirects=True,
    )
    assert (
        "Redness after laser skin rejuvenation (your clinic's course): Most people: gone by day "
        "5. Later than day 10 is unusual: the tracker then flags it." in text(done)
    )
    assert "Redness: most people gone by day 5; flagged after day 10 (your clinic's)" in text(done)
    row = _course(run, "redness")
    assert (row["typical_days"], row["max_days"]) == (5, 10)
    back = web.post(f"{page}/course/reset", {"course-symptom": "redness"}, follow_redirects=True)
    assert "back to the published course" in text(back)
    assert _course(run, "redness")["max_days"] == 7
