"""Every page of `tracker serve` through Flask's test client: what it shows, what it writes."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest
from conftest import TODAY, Run, State
from web_support import Browser

from tracker.domain.flags import CONTACT_NOW, DISCLAIMER


@pytest.fixture
def web(db_url: str) -> Iterator[Browser]:
    browser = Browser(db_url, TODAY)
    assert browser.sign_in().status_code == 303
    yield browser
    browser.close()


def values(run: Run) -> list[tuple[str, str, int, str | None]]:
    entries = json.loads(run("history", "--json").stdout)
    return [(e["date"], e["symptom"], e["severity"], e["note"]) for e in entries]


def text(response: object) -> str:
    """The page's visible words, tags dropped, spaces squeezed."""
    body = response.text  # type: ignore[attr-defined]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_without_a_session_today_and_status_offer_to_add_one(web: Browser) -> None:
    for path in ("/", "/status", "/history", "/chart"):
        response = web.get(path)
        assert response.status_code == 200, path
        assert "Add a session" in response.text or "No sessions yet" in response.text
    assert "tracker session add" not in web.get("/").text


def test_today_chooses_nothing_and_shows_the_last_value_beside_each_symptom(
    web: Browser, run: Run, session_id: int
) -> None:
    first = text(web.get("/"))
    # A first check-in asks the usual four, like `tracker checkin`.
    for name in ("Itching", "Swelling", "Redness", "Red or pink rash"):
        assert name in first
    assert "none mild moderate severe" in first
    assert "Same as last time" not in first  # nothing to copy yet
    run("log", "itching=3", "peeling=2", "--date", "2026-11-22")
    page = web.get("/").text
    # No value is chosen for the patient: every symptom starts at "Skip".
    assert not re.search(r'name="value-[a-z-]+" value="\d+" checked', page)
    assert re.search(r'name="value-itching" value="" checked', page)
    assert "last: 3 on day 8" in page
    assert "last: 2 on day 8" in page
    assert 'name="value-swelling"' not in page  # not a symptom of this session
    assert '<input type="date" id="date" name="date" value="2026-11-24" max="2026-11-24"' in page
    # The treatment in words, as the patient knows it; its key is for the command line.
    assert "session 1: laser skin rejuvenation on 2026-11-14" in text(web.get("/"))
    assert "laser-rejuvenation" not in text(web.get("/"))
    assert '<h1>Check-in for <span class="nowrap">2026-11-24</span></h1>' in page


def test_an_untouched_symptom_saves_nothing(web: Browser, run: Run, session_id: int) -> None:
    run("log", "itching=3", "pain=5", "--date", "2026-11-22")
    page = web.get("/").text
    # What the browser sends for a form left as it opened: each symptom's checked radio.
    sent = dict(re.findall(r'name="(value-[a-z-]+)" value="(\d*)" checked', page))
    assert sent == {"value-itching": "", "value-pain": ""}
    response = web.post("/checkin", {"date": "today", **sent, "value-pain": "1"})
    assert response.status_code == 303
    assert values(run) == [
        ("2026-11-22", "itching", 3, None),
        ("2026-11-22", "pain", 5, None),
        ("2026-11-24", "pain", 1, None),
    ]
    # A form sent as it opened saves nothing and says so.
    refused = web.post("/checkin", {"date": "2026-11-23", **sent})
    assert refused.status_code == 400
    assert "Nothing to save" in refused.text
    assert len(values(run)) == 3


def test_same_as_last_time_shows_the_values_first_and_never_copies_a_warning_sign(
    web: Browser, run: Run, session_id: int
) -> None:
    run("log", "itching=3", "redness=8", "blistering=3", "peeling=2", "--date", "2026-11-22")
    before = values(run)
    page = web.get("/?date=2026-11-23&same=1")
    assert page.status_code == 200
    assert values(run) == before  # showing them saves nothing
    shown = dict(re.findall(r'name="value-([a-z-]+)" value="(\d*)" checked', page.text))
    # A severe value and a red-flag symptom stay for the patient to give again.
    assert shown == {"itching": "3", "redness": "", "blistering": "", "peeling": "2"}
    words = text(page)
    assert "Filled in from last time: Itching 3, Peeling or flaking 2." in words
    assert "Not filled in (warning signs are always yours to give): Redness, Blisters." in words
    assert 'value="2026-11-23"' in page.text
    response = web.post(
        "/checkin", {"date": "2026-11-23", "value-itching": "3", "value-peeling": "2"}
    )
    assert response.status_code == 303
    assert sorted(values(run))[-2:] == [
        ("2026-11-23", "itching", 3, None),
        ("2026-11-23", "peeling", 2, None),
    ]


def test_a_checkin_writes_values_note_and_care_at_once_then_shows_the_status(
    web: Browser, run: Run, session_id: int
) -> None:
    form = {
        "date": "2026-11-23",
        "value-itching": "3",
        "value-redness": "5",
        "value-swelling": "",
        "extra": "peeling",
        "extra-value": "1",
        "care": ["ice-pack", "moisturiser"],
        "note": "after the gym",
    }
    response = web.post("/checkin", form)
    assert response.status_code == 303
    assert response.headers["Location"] == "/status"
    assert sorted(values(run)) == [
        ("2026-11-23", "itching", 3, "after the gym"),
        ("2026-11-23", "peeling", 1, "after the gym"),
        ("2026-11-23", "redness", 5, "after the gym"),
    ]
    care = json.loads(run("care", "list", "--json").stdout)
    assert [(c["date"], c["action"]) for c in care] == [
        ("2026-11-23", "ice-pack"),
        ("2026-11-23", "moisturizer"),
    ]
    status = text(web.get("/status"))
    assert (
        "Saved for 2026-11-23: itching 3 (mild), redness 5 (moderate), peeling 1 (mild); "
        "care: Ice pack, Moisturiser." in status
    )
    assert (
        "Redness 5/10 moderate 9 most people gone by day 3; flagged after day 7 past its "
        "expected course" in status
    )


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"date": "2026-11-25", "value-itching": "3"}, "date", "2026-11-25 is in the future"),
        (
            {"date": "2026-11-01", "value-itching": "3"},
            "date",
            "2026-11-01 is before your first session",
        ),
        ({"date": "soon", "value-itching": "3"}, "date", "Cannot read the date 'soon'"),
        ({"date": "today", "value-itching": "11"}, "value-itching", "from 0 (none) to 10"),
        ({"date": "today", "extra": "hair"}, "extra", "Unknown symptom 'hair'"),
        ({"date": "today", "extra": "fever"}, "extra-value", "How strong is fever? Choose 0-10"),
        (
            {"date": "today", "value-itching": "3", "extra": "itching", "extra-value": "4"},
            "extra",
            "itching is given more than once in this check-in.",
        ),
        ({"date": "today", "care": "dancing"}, "care", "Unknown care action 'dancing'"),
        ({"date": "today"}, "form", "Nothing to save"),
    ],
)
def test_a_refused_checkin_says_why_next_to_the_field_and_changes_nothing(
    web: Browser, state: State, session_id: int, form: dict[str, str], field: str, message: str
) -> None:
    before = state()
    response = web.post("/checkin", {**form, "care": form.get("care", [])})
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    if field != "form":
        assert f'id="{field}-error"' in response.text
        assert f'aria-describedby="{field}-error"' in response.text
    assert state() == before


def test_a_checkin_with_care_refused_for_its_day_writes_neither(
    web: Browser, state: State, session_id: int
) -> None:
    before = state()
    form = {"date": "2026-11-13", "value-itching": "2", "care": ["ice-pack"]}
    assert web.post("/checkin", form).status_code == 400
    assert state() == before


def test_a_red_flag_brings_urgent_advice_at_once(web: Browser, session_id: int) -> None:
    response = web.post(
        "/checkin", {"date": "today", "value-blistering": "2"}, follow_redirects=True
    )
    page = text(response)
    assert "Contact your clinic now" in page
    assert CONTACT_NOW in page
    assert 'role="alert"' in response.text
    assert page.index("Contact your clinic now") < page.index("Each symptom against")


def test_status_shows_courses_flags_follow_up_and_the_disclaimer(
    web: Browser, run: Run, session_id: int
) -> None:
    run("session", "edit", str(session_id), "--follow-up", "2026-11-28")
    run("log", "redness=4", "--date", "2026-11-24")
    run("log", "itching=0", "--date", "2026-11-24")
    run("log", "swelling=3", "--date", "2026-11-22")
    page = text(web.get("/status"))
    assert "Follow-up: 2026-11-28 (in 4 days)." in page
    assert "Swelling 3/10 mild 8 most people gone by day 3; flagged after day 5" in page
    assert "past its expected course" in page
    assert "Itching 0/10 none 10 most people gone by day" in page and "gone" in page
    # Not heard of since day 8: the alarm has aged, its cause under it.
    assert "WARNING Swelling · no data since day 8" in page
    assert "Also: Swelling was still 3/10 on day 8, past its expected course" in page
    assert "Contact your clinic soon because: Swelling (no data since day 8)" in page
    assert "Care today" in page and "sun" in page
    assert DISCLAIMER in page


def test_a_flag_with_a_next_step_links_to_the_check_in_with_it_chosen(
    web: Browser, run: Run, session_id: int
) -> None:
    run("log", "blistering=2", "--date", "2026-11-24")
    page = web.get("/status").text
    link = re.search(r'<a class="button" href="([^"]+)">Log Blisters as 0 today</a>', page)
    assert link is not None, page
    assert "log blistering=0" not in page and "log it as 0" in page
    checkin = web.get(html.unescape(link.group(1)).split("#")[0]).text
    assert re.search(r'name="value-blistering" value="0" checked', checkin)
    assert 'id="value-blistering"' in checkin
    run("log", "blistering=0", "--date", "2026-11-24")
    assert "Log Blisters" not in web.get("/status").text


def test_an_earlier_session_s_flag_links_to_that_session_s_card(
    web: Browser, run: Run, session_id: int
) -> None:
    run("log", "fever=1", "--date", "2026-11-22")
    assert run("session", "add", "--date", "2026-11-23", "--kind", "ipl").exit_code == 0
    page = web.get("/status").text
    link = re.search(r'<a class="button" href="([^"]+)">Log Fever as 0 today</a>', page)
    assert link is not None, page
    href = html.unescape(link.group(1))
    assert f"session={session_id}" in href and href.endswith(f"#s{session_id}-value-fever")
    checkin = web.get(href.split("#")[0]).text
    card = checkin[checkin.index(f'id="s{session_id}-value-fever"') :]
    assert re.match(r'[^<]*>(?:(?!</fieldset>).)*name="value-fever" value="0" checked', card, re.S)


def test_status_says_none_only_when_there_are_no_flags(
    web: Browser, run: Run, session_id: int
) -> None:
    run("log", "redness=0", "--date", "2026-11-24")
    page = text(web.get("/status"))
    assert "Flags None." in page
    assert "<title>Status · Recovery tracker</title>" in web.get("/status").text
    run("log", "blistering=2", "--date", "2026-11-24")
    blisters = text(web.get("/status"))
    assert "Blisters 2/10 mild 10 no expected course" in blisters
    run("log", "redness=8", "--date", "2026-11-24")
    assert "Flags None." not in text(web.get("/status"))


def test_sessions_are_added_and_edited_with_errors_next_to_their_field(
    web: Browser, run: Run, state: State
) -> None:
    form = {"date": "2026-11-20", "kind": "ipl", "area": "face", "follow_up": "2026-11-10"}
    assert web.get("/sessions").status_code == 200
    before = state()
    refused = web.post("/sessions", form)
    assert refused.status_code == 400
    assert 'id="follow_up-error"' in refused.text
    assert "cannot be before the session" in html.unescape(refused.text)
    assert 'value="face"' in refused.text  # what was typed comes back
    assert state() == before
    bad_kind = web.post("/sessions", {**form, "kind": "botox", "follow_up": ""})
    assert 'id="kind-error"' in bad_kind.text
    added = web.post("/sessions", {**form, "follow_up": "2026-12-01"})
    assert added.status_code == 303
    listed = json.loads(run("session", "list", "--json").stdout)
    assert [(s["date"], s["kind"], s["area"], s["follow_up"]) for s in listed] == [
        ("2026-11-20", "ipl", "face", "2026-12-01")
    ]
    sid = listed[0]["id"]
    assert f"Added session {sid} (intense pulsed light (IPL, photofacial) on 2026-11-20)" in (
        web.get("/").text
    )
    twice = web.post("/sessions", {**form, "follow_up": ""})
    assert (twice.status_code, 'id="date-error"' in twice.text) == (409, True)
    assert "already exists" in html.unescape(twice.text) and "--again" not in twice.text
    edit_page = web.get(f"/sessions/{sid}")
    assert 'value="face"' in edit_page.text
    edited = web.post(
        f"/sessions/{sid}", {"date": "2026-11-19", "kind": "ipl", "area": "", "clinic": "Dr Lee"}
    )
    assert edited.status_code == 303
    shown = json.loads(run("session", "show", str(sid), "--json").stdout)
    assert (shown["date"], shown["area"], shown["clinic"]) == ("2026-11-19", None, "Dr Lee")
    assert web.get("/sessions/999").status_code == 404


def test_a_session_date_cannot_move_past_its_values(
    web: Browser, run: Run, session_id: int, state: State
) -> None:
    run("log", "itching=2", "--date", "2026-11-15")
    before = state()
    response = web.post(f"/sessions/{session_id}", {"date": "2026-11-20", "kind": "laser"})
    assert response.status_code == 400
    assert 'id="date-error"' in response.text
    assert state() == before


def test_profiles_are_added_and_chosen(web: Browser, run: Run, session_id: int) -> None:
    # Each skin type is offered with what it means, not as a bare numeral.
    listed = web.get("/sessions").text
    assert '<option value="I">I: always burns, never tans</option>' in listed
    assert '<option value="VI">VI: never burns, deeply pigmented</option>' in listed
    assert web.post("/profiles", {"name": "alice", "skin_type": "III"}).status_code == 303
    duplicate = web.post("/profiles", {"name": "alice"})
    assert duplicate.status_code == 409  # a conflict with what is there: HTTP's own word
    assert "already exists" in html.unescape(duplicate.text)
    assert 'id="name-error"' in duplicate.text
    # The error's field, not its words, puts it next to the box it is about.
    skin = web.post("/profiles", {"name": "bob", "skin_type": "VII"})
    assert (skin.status_code, 'id="skin_type-error"' in skin.text) == (400, True)
    assert web.post("/profile", {"profile": "nobody"}).status_code == 400
    chosen = web.post("/profile", {"profile": "alice"})
    assert chosen.status_code == 303
    assert "HttpOnly" in chosen.headers["Set-Cookie"]
    # Alice has no session yet: the page offers to add one, and shows none of default's.
    assert "Add a session" in web.get("/").text
    web.post("/sessions", {"date": "2026-11-22", "kind": "ipl"})
    web.post("/checkin", {"date": "today", "value-redness": "4"})
    assert "Recovery tracker · alice" in text(web.get("/status"))
    mine = json.loads(run("--profile", "alice", "history", "--json").stdout)
    assert [(e["symptom"], e["severity"]) for e in mine] == [("redness", 4)]
    assert values(run) == []


def test_history_fixes_a_typo_by_logging_again(web: Browser, run: Run, session_id: int) -> None:
    run("log", "itching=8", "redness=3", "--date", "2026-11-22", "--note", "typo day")
    page = web.get("/history")
    assert page.status_code == 200
    assert "typo day" in page.text
    response = web.post(
        "/history/value",
        {"session": str(session_id), "date": "2026-11-22", "symptom": "itching", "severity": "3"},
    )
    assert response.status_code == 303
    assert ("2026-11-22", "itching", 3, "typo day") in values(run)
    fixed = text(web.get(response.headers["Location"]))
    assert "itching on 2026-11-22 is now 3/10 mild (was 8/10). Undo below." in fixed
    # The value it replaced is kept and named beside it (the change's date is today's),
    # on the day's card in History and on the day's own page, where values are corrected.
    assert re.search(r"Itching 3/10 mild changed from 8 on \d{4}-\d\d-\d\d", fixed)
    day = web.get(f"/history/day?session={session_id}&date=2026-11-22")
    assert day.status_code == 200
    assert re.search(r"Itching on 2026-11-22 changed from 8 on \d{4}-\d\d-\d\d", text(day))
    assert 'action="/history/value"' in day.text and 'value="3" selected' in day.text
    refused = web.post(
        "/history/value",
        {"session": str(session_id), "date": "2026-11-22", "symptom": "itching", "severity": "12"},
    )
    assert refused.status_code == 400
    assert 'id="v-2026-11-22-itching-error"' in refused.text
    assert web.get("/history?session=99").status_code == 404
    # Not a number is said so, never shown silently as the latest session.
    unreadable = web.get("/history?session=x")
    assert unreadable.status_code == 400
    assert "A session is given by its number" in unreadable.text


def test_the_chart_page_and_its_svg(web: Browser, run: Run, session_id: int) -> None:
    run("log", "itching=3", "redness=5", "--date", "2026-11-20")
    run("log", "itching=1", "redness=4", "--date", "2026-11-22")
    page = web.get("/chart")
    assert page.status_code == 200
    assert f'src="/chart.svg?session={session_id}"' in page.text
    assert "Redness" in page.text or "redness" in page.text
    svg = web.get(f"/chart.svg?session={session_id}")
    assert svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data[:500]
    assert "unsafe-inline" in svg.headers["Content-Security-Policy"]
    assert "script" not in svg.headers["Content-Security-Policy"]
    compare = web.get("/chart.svg?compare=1")
    assert compare.status_code == 200 and b"<svg" in compare.data[:500]
    assert web.get("/chart?compare=1").status_code == 200
    assert web.get("/chart.svg?session=99").status_code == 404


def test_report_and_exports_download(web: Browser, run: Run, session_id: int) -> None:
    empty = web.get(f"/report.pdf?session={session_id}")
    assert empty.status_code == 400
    assert "nothing logged yet" in empty.text
    assert "Times are in UTC." in text(empty)  # the rest of the page is whole
    # The error's next step, as the web says it: a link that does it.
    assert '<a class="button" href="/">Check in for today</a>' in empty.text
    missing = web.get("/sessions/99")
    assert missing.status_code == 404 and "There is no session 99." in missing.text
    run("log", "itching=3", "--date", "2026-11-20", "--note", "ice helped")
    run("care", "add", "ice-pack", "--date", "2026-11-20")
    pdf = web.get(f"/report.pdf?session={session_id}")
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    csv_text = web.get("/export/csv").text
    assert csv_text.splitlines()[0].startswith("date,session_id")
    assert "ice helped" in csv_text
    assert "ice-pack" in web.get("/export/care-csv").text
    document = json.loads(web.get("/export/json").data)
    assert document["sessions"][0]["entries"][0]["severity"] == 3
    bundle = json.loads(web.get("/export/fhir").data)
    assert bundle["resourceType"] == "Bundle"
    assert web.get("/export/xml").status_code == 404
    assert "Download the report" in web.get("/report").text


def test_history_removes_a_value_and_a_care_entry(
    web: Browser, run: Run, session_id: int, state: State
) -> None:
    run("log", "itching=3", "redness=2", "--date", "2026-11-22")
    run("care", "add", "ice-pack", "--date", "2026-11-22")
    history = web.get("/history").text
    # History lists the day's values; they are corrected on the day's own page.
    link = f"/history/day?session={session_id}&amp;date=2026-11-22"
    said = '">Correct<span class="vh"> this day (2026-11-22)'
    assert f'<a class="correct-day" href="{link}{said}' in history
    assert 'action="/history/value' not in history
    page = web.get(html.unescape(link)).text
    # Remove sits behind its own disclosure, in a form of its own, away from Save.
    assert re.search(r'<summary>Remove…<span class="vh"> Itching on 2026-11-22</span>', page)
    assert 'action="/history/value/remove"' in page
    assert "formaction" not in page
    assert 'action="/history/care/remove"' in page and "Care: Ice pack" in history
    gone = web.post(
        "/history/value/remove",
        {"session": str(session_id), "date": "2026-11-22", "symptom": "itching"},
    )
    assert gone.status_code == 303
    assert values(run) == [("2026-11-22", "redness", 2, None)]
    assert "Removed itching 3/10 on 2026-11-22 from session 1. Undo below." in text(
        web.get(gone.headers["Location"])
    )
    before = state()
    again = web.post(
        "/history/value/remove",
        {"session": str(session_id), "date": "2026-11-22", "symptom": "itching"},
    )
    assert again.status_code == 400
    assert "Nothing to remove: itching has no value on 2026-11-22" in html.unescape(again.text)
    assert state() == before
    care_id = json.loads(run("care", "list", "--json").stdout)[0]["id"]
    removed = web.post("/history/care/remove", {"care": str(care_id), "session": "1"})
    assert removed.status_code == 303
    assert json.loads(run("care", "list", "--json").stdout) == []
    missing = web.post("/history/care/remove", {"care": str(care_id), "session": "1"})
    assert missing.status_code == 400


def test_undo_on_the_history_puts_back_the_latest_change_shown(
    web: Browser, run: Run, session_id: int, state: State
) -> None:
    run("log", "itching=3", "--date", "2026-11-22")
    web.post(
        "/history/value/remove",
        {"session": str(session_id), "date": "2026-11-22", "symptom": "itching"},
    )
    assert values(run) == []
    page = web.get("/history")
    words = text(page)
    assert "Latest change · Session 1: itching on 2026-11-22: 3/10 removed at " in words
    assert "After the undo, itching on 2026-11-22 is 3/10 again." in words
    change = re.search(r'name="change" value="(\d+)"', page.text)
    assert change is not None
    undone = web.post("/history/undo", {"change": change[1], "session": str(session_id)})
    assert undone.status_code == 303
    assert values(run) == [("2026-11-22", "itching", 3, None)]
    assert "Undone: itching on 2026-11-22: 3/10 removed at " in text(
        web.get(undone.headers["Location"])
    )
    # The same button again (a second tap, an old page) refuses: that change is undone.
    before = state()
    twice = web.post("/history/undo", {"change": change[1], "session": str(session_id)})
    assert twice.status_code == 400
    assert "Nothing was undone: the latest change is another one by now." in text(twice)
    assert state() == before


def test_a_checkin_saved_twice_keeps_its_care_once(web: Browser, run: Run, session_id: int) -> None:
    form = {"date": "2026-11-23", "value-itching": "3", "care": ["ice-pack"]}
    assert web.post("/checkin", form).status_code == 303
    fixed = web.post("/checkin", {**form, "value-itching": "2"}, follow_redirects=True)
    assert "already recorded: Ice pack" in text(fixed)
    assert [c["action"] for c in json.loads(run("care", "list", "--json").stdout)] == ["ice-pack"]
    assert values(run) == [("2026-11-23", "itching", 2, None)]


def test_reminders_download_as_a_calendar_file(web: Browser, run: Run, session_id: int) -> None:
    run("session", "edit", str(session_id), "--follow-up", "2026-11-28")
    page = web.get("/report").text
    assert 'action="/reminders.ics"' in page
    response = web.get(f"/reminders.ics?session={session_id}&at=19:30")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.data.decode()
    assert body.startswith("BEGIN:VCALENDAR")
    assert "Log today" in body
    assert "T193000" in body
    assert "Follow-up" in body
    refused = web.get(f"/reminders.ics?session={session_id}&at=25:99")
    assert refused.status_code == 400
    assert 'id="remind-error"' in refused.text
    assert web.get("/reminders.ics?session=77").status_code == 404


def test_an_unchanged_chart_is_drawn_once_and_a_new_value_redraws_it(
    web: Browser, run: Run, session_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.services import documents

    drawn: list[int] = []
    real = documents.chart_bytes

    def counting(*args: object, **kwargs: object) -> bytes:
        drawn.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(documents, "chart_bytes", counting)
    run("log", "itching=3", "--date", "2026-11-20")
    first = web.get(f"/chart.svg?session={session_id}").data
    assert web.get(f"/chart.svg?session={session_id}").data == first
    assert len(drawn) == 1
    run("log", "itching=1", "--date", "2026-11-22")
    assert web.get(f"/chart.svg?session={session_id}").data != first
    assert len(drawn) == 2
    web.get(f"/chart.svg?session={session_id}&layout=phone")
    assert len(drawn) == 3


def test_pages_show_the_latest_session_that_has_started_and_say_one_is_ahead(
    web: Browser, run: Run, session_id: int
) -> None:
    run("log", "itching=3", "--date", "2026-11-22")
    assert run("session", "add", "--date", "2026-12-01", "--kind", "microneedling").exit_code == 0
    ahead = (
        "Session 2: microneedling (collagen induction) on 2026-12-01: this session is still "
        "ahead; shown here: session 1, the latest that has started."
    )
    history = text(web.get("/history"))
    assert "Session 1: laser skin rejuvenation on 2026-11-14" in history
    assert "Nothing logged for this session yet" not in history
    assert ahead in history, history
    assert ahead in text(web.get("/chart"))
    downloads = web.get("/report").text
    # Both the report's and the reminders' pickers start at session 1, not the one ahead.
    assert downloads.count('<option value="1" selected>') == 2
    assert '<option value="2" selected>' not in downloads
    assert ahead in text(web.get("/report"))
    # Asked for, the session ahead is shown, and no note is needed.
    assert "still ahead" not in text(web.get("/history?session=2"))


def test_today_shows_every_open_treatment_and_logs_to_the_card_it_was_entered_on(
    web: Browser, run: Run, session_id: int
) -> None:
    run("log", "redness=5", "--date", "2026-11-20")
    added = run("session", "add", "--date", "2026-11-21", "--kind", "peel-superficial")
    assert added.exit_code == 0, added.output
    run("session", "edit", "2", "--area", "neck")
    page = web.get("/")
    words = text(page)
    assert "2 treatments are open on this day" in words
    # The latest session's card first, then the laser's, each with its own form.
    assert "Session 2, day 3" in words
    assert "Also open: session 1, day 10" in words
    assert page.text.count('name="session" value="1"') >= 1
    assert page.text.count('<form method="post" action="/checkin" class="checkin"') == 2
    assert 'id="s1-value-redness"' in page.text  # the laser's redness, its own id
    assert "last: 5 on day 6" in page.text
    # Logging on the laser's card goes to the laser, not to the newer peel.
    response = web.post("/checkin", {"date": "today", "session": "1", "value-redness": "3"})
    assert response.status_code == 303
    assert "(Session 1: laser skin rejuvenation.)" in text(web.get("/status"))
    entries = json.loads(run("history", "--json").stdout)
    assert [(e["session_id"], e["symptom"], e["severity"]) for e in entries][-1] == (
        1,
        "redness",
        3,
    )
    assert not [e for e in entries if e["session_id"] == 2]
    # A refusal comes back on the card it was entered on, with its own field's error.
    refused = web.post("/checkin", {"date": "today", "session": "1", "value-redness": "12"})
    assert refused.status_code == 400
    assert 'id="s1-value-redness"' in refused.text
    assert 'aria-describedby="value-redness-error"' in refused.text


def test_status_names_each_flag_s_session_and_area_and_keeps_every_follow_up(
    web: Browser, run: Run, session_id: int
) -> None:
    run("session", "edit", "1", "--area", "face", "--follow-up", "2026-11-28")
    run("log", "redness=6", "--session", "1", "--date", "2026-11-23")
    added = run("session", "add", "--date", "2026-11-21", "--kind", "peel-superficial")
    assert added.exit_code == 0, added.output
    run("session", "edit", "2", "--area", "neck")
    run("log", "blistering=2", "--session", "2", "--date", "2026-11-24")
    words = text(web.get("/status"))
    assert (
        "Session 2: superficial chemical peel (glycolic, salicylic) on 2026-11-21 · neck "
        "URGENT Blisters · red-flag · day 3" in words
    )
    assert (
        "Session 1: laser skin rejuvenation on 2026-11-14 · face WARNING Redness · persisting "
        "· day 9" in words  # day 9's value the last given (fresh eyes 3, F3): not "days 9-10"
    )
    # The laser's follow-up stays in sight under the peel's status, until it has passed.
    assert "Follow-up for session 1 (laser skin rejuvenation · face): 2026-11-28" in words


def test_status_says_the_same_advice_once(web: Browser, run: Run, session_id: int) -> None:
    run("log", "itching=8", "swelling=8", "pain=9", "--date", "2026-11-24")
    page = web.get("/status").text
    assert page.count('<li class="flag level-urgent">') == 3
    advice = re.findall(r'<p class="advice">([^<]+)</p>', page)
    assert advice and len(advice) == len(set(advice))  # each advice text said once
    assert page.index(advice[0]) < page.index('<li class="flag level-urgent">')  # at the top
    # One treatment: its flags need not name it (the page's first line does).
    assert 'class="flag-where"' not in page


def test_a_session_is_deleted_on_the_web_only_once_the_box_is_ticked(
    web: Browser, run: Run, session_id: int, state: State
) -> None:
    run("log", "itching=3", "--date", "2026-11-22")
    page = web.get(f"/sessions/{session_id}")
    assert "its 1 logged value and its care log, for good" in text(page)
    before = state()
    refused = web.post(f"/sessions/{session_id}/delete", {})
    assert refused.status_code == 400
    assert "Nothing was deleted: tick the box to delete session 1." in text(refused)
    assert state() == before
    deleted = web.post(f"/sessions/{session_id}/delete", {"confirm": "yes"})
    assert deleted.status_code == 303
    assert "Deleted session 1 (laser skin rejuvenation on 2026-11-14) with its 1 logged value." in (
        text(web.get(deleted.headers["Location"]))
    )
    assert json.loads(run("session", "list", "--json").stdout) == []
    assert web.post(f"/sessions/{session_id}/delete", {"confirm": "yes"}).status_code == 404


def test_history_corrects_removes_and_undoes_a_temperature(
    web: Browser, run: Run, session_id: int, state: State
) -> None:
    """A temperature typed wrong is corrected in place on its day's page, or removed, and
    Undo puts it back: as a value is (the record keeps what was there before)."""
    run("log", "temperature=37.1", "--date", "2026-11-22")
    run("log", "temperature=39.4", "--date", "2026-11-22", "--note", "after a run")
    history = web.get("/history").text
    assert '<strong>39.4 °C</strong> <span class="band">a fever</span>' in history
    day = web.get(f"/history/day?session={session_id}&date=2026-11-22")
    ids = re.findall(r'name="reading" value="(\d+)"', day.text)
    assert len(ids) == 4 and ids[0] == ids[1] and ids[2] == ids[3]  # Save and Remove each
    first, second = ids[0], ids[2]
    assert 'value="39.4"' in day.text
    row = {"session": str(session_id), "date": "2026-11-22", "reading": second}

    before = state()
    refused = web.post("/history/temperature", {**row, "temperature": "394"})
    assert refused.status_code == 400
    assert f'id="t-{second}-error"' in refused.text
    assert "not a body temperature" in html.unescape(refused.text)
    assert state() == before

    fixed = web.post("/history/temperature", {**row, "temperature": "36.4"})
    assert fixed.status_code == 303
    words = text(web.get(fixed.headers["Location"]))
    assert "The temperature on 2026-11-22 is now 36.4 °C (was 39.4 °C). Undo below." in words
    assert re.search(r"36\.4 °C changed from 39\.4 °C on \d{4}-\d\d-\d\d · after a run", words)
    assert "a fever" not in words.split("Latest change")[1]
    shown = run("history").stdout
    assert shown.index("37.1 °C") < shown.index("36.4 °C")  # in its place

    gone = web.post("/history/temperature/remove", {**row, "reading": first})
    assert gone.status_code == 303
    page = web.get(gone.headers["Location"])
    assert "Removed the temperature 37.1 °C on 2026-11-22 from session 1." in text(page)
    assert "37.1" not in run("history").stdout
    assert web.post("/history/temperature/remove", {**row, "reading": first}).status_code == 400

    change = re.search(r'name="change" value="(\d+)"', page.text)
    assert change is not None
    assert "After the undo, the temperature 37.1 °C on 2026-11-22 is back." in text(page)
    assert web.post("/history/undo", {"change": change[1]}).status_code == 303
    page = web.get("/history")
    assert "the temperature on 2026-11-22 is 39.4 °C again, not 36.4 °C." in text(page)
    change = re.search(r'name="change" value="(\d+)"', page.text)
    assert change is not None
    assert web.post("/history/undo", {"change": change[1]}).status_code == 303
    shown = run("history").stdout
    assert shown.index("37.1 °C") < shown.index("39.4 °C") and "36.4" not in shown
