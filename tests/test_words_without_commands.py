"""No command-line syntax where a patient reads without a terminal: every web page, the
report and the calendar file, for a story that raises every kind of flag (issue 20, item 4).

The words below the faces name no command; the command line adds its own (a command), the
web its own (a link). The last test shows the needles do find command syntax where it
belongs, so this test can fail.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, Run
from pypdf import PdfReader
from web_support import Browser

from tracker.cli import COMMANDS

# "tracker " and a command or an option begin a command line ("tracker log", "tracker
# --profile anna serve"); "the tracker printed" is prose. An option ("--again", "--session
# N") and a value typed as "redness=0" are command syntax too.
COMMAND = re.compile(rf"tracker (?:--|(?:{'|'.join(COMMANDS)})\b)")
NEEDLES = (COMMAND, re.compile("=0"), re.compile(r"(?<![\w-])--[a-z]"))
# One flag per symptom: dryness's "not logged for 4 days" (missing) adds nothing to its own
# slower-than-usual flag, so it is left out of it (issue 22).
RULES = {"persisting", "worsening", "severe", "red-flag", "pigment", "slower-than-usual"}

# Session 1: dryness gone by day 3 (the patient's own course). Session 2, day 10 today:
# redness past its course and unlogged for 2 days (persisting, asks for a value), peeling
# rising (worsening), itching 8 (severe), blisters (red flag), darker patches (pigment),
# dryness unlogged for 4 days (missing) and slower than the patient's own recovery.
STORY = [
    ("1", "2026-10-01", "dryness=4"),
    ("1", "2026-10-04", "dryness=0"),
    ("2", "2026-11-17", "peeling=1"),
    ("2", "2026-11-20", "peeling=4", "dryness=3"),
    ("2", "2026-11-22", "redness=3"),
    ("2", "2026-11-24", "itching=8", "blistering=2", "darkening=2"),
]


@pytest.fixture
def story(run: Run) -> Run:
    for date, follow_up in (("2026-10-01", "2026-10-15"), ("2026-11-14", "2026-11-28")):
        added = run("session", "add", "--date", date, "--kind", "laser", "--follow-up", follow_up)
        assert added.exit_code == 0, added.output
    run("care", "add", "ice-pack", "--date", "2026-11-20")
    for session, date, *values in STORY:
        logged = run("log", *values, "--date", date, "--session", session)
        assert logged.exit_code == 0, logged.output
    flags = json.loads(run("flags", "--json").stdout)
    assert {flag["kind"] for flag in flags} == RULES  # every kind of flag is on the pages
    return run


@pytest.fixture
def web(db_url: str, story: Run) -> Iterator[Browser]:
    browser = Browser(db_url, TODAY)
    assert browser.sign_in().status_code == 303
    yield browser
    browser.close()


def _pages(web: Browser) -> dict[str, str]:
    """Every page a patient can reach, and the refusals a form can bring."""
    gets = [
        "/",
        "/?date=2026-11-20",
        "/?date=2026-12-30",
        "/status",
        "/history",
        "/history?session=1",
        "/history?session=99",
        "/chart",
        "/chart?session=1",
        "/chart?all=1",
        "/chart.svg?session=2",
        "/sessions",
        "/sessions/2",
        "/sessions/99",
        "/report",
        "/report.pdf?session=99",
        "/reminders.ics?at=25:00",
    ]
    found = {path: web.get(path).text for path in gets}
    posts = {
        "/checkin": {"date": "2026-09-01", "value-redness": "0"},
        "/sessions": {"date": "2026-11-14", "kind": "laser-rejuvenation", "area": ""},
        "/sessions/2": {"date": "2026-11-30", "kind": "laser-rejuvenation"},
        "/history/value/remove": {"session": "2", "date": "2026-11-19", "symptom": "itching"},
        "/history/care/remove": {"care": "999", "session": "2"},
        "/profiles": {"name": "default"},
        "/profile": {"profile": "nobody"},
    }
    for path, form in posts.items():
        response = web.post(path, form, follow_redirects=True)
        assert response.status_code in (400, 404, 409), (path, response.status_code)
        found[f"POST {path}"] = response.text
    return found


def _read(page: str) -> str:
    """What a person reads on a page: its text, and the words its attributes say aloud or
    show (alt, title, aria-label, placeholder), not its addresses."""
    said = re.findall(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"', page)
    return html.unescape(" ".join([re.sub(r"<[^>]+>", " ", page), *said]))


def _without_commands(where: str, text: str) -> None:
    for needle in NEEDLES:
        found = needle.search(text)
        at = found.start() if found else 0
        assert found is None, f"{where}: {needle.pattern!r} in ...{text[at - 80 : at + 80]}..."


def test_no_web_page_names_a_command(web: Browser) -> None:
    pages = _pages(web)
    status = pages["/status"]
    assert "Log Redness as 0 today" in status  # the web's own next step: a link
    assert "if it is gone, log it as 0." in status
    for path, page in pages.items():
        _without_commands(path, _read(page))


def test_the_page_that_refuses_a_browser_without_the_key_names_no_command(
    db_url: str, story: Run
) -> None:
    stranger = Browser(db_url, TODAY)  # never opened the printed address
    try:
        refused = stranger.get("/status")
        assert refused.status_code == 403
        _without_commands("refused", _read(refused.text))
    finally:
        stranger.close()


def test_a_new_profile_s_first_page_names_no_command(db_url: str, story: Run) -> None:
    assert story("profile", "add", "anna").exit_code == 0
    browser = Browser(db_url, TODAY, profile="anna")
    try:
        browser.sign_in()
        for path in ("/", "/status", "/history", "/chart", "/report", "/report.pdf"):
            _without_commands(f"anna {path}", _read(browser.get(path).text))
    finally:
        browser.close()


def test_the_report_and_the_calendar_name_no_command(web: Browser) -> None:
    pdf = web.get("/report.pdf?session=2")
    assert pdf.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Blisters" in text and "slower" in text.lower()  # the flags are in it
    _without_commands("report", " ".join(text.split()))
    calendar = web.get("/reminders.ics?session=2")
    assert calendar.status_code == 200
    unfolded = calendar.data.decode().replace("\r\n ", "")
    assert "Follow-up visit" in unfolded
    _without_commands("calendar", unfolded.replace("\\,", ","))


def test_the_command_line_says_its_own_next_step(story: Run) -> None:
    """The same story through the command line: there the next step is a command, and the
    needles above find it (the tests above would fail on words that named one)."""
    flags = story("flags").stdout
    assert "To log it: tracker log redness=0 --session 2" in flags
    assert all(needle.search(flags) for needle in NEEDLES)
    missing = story("history", "--session", "99")
    assert missing.stderr == "Error: There is no session 99. Run: tracker session list\n"
    # Another profile's commands name it, or they would show the default profile's data.
    assert story("profile", "add", "Mum J").exit_code == 0
    theirs = story("--profile", "Mum J", "history", "--session", "99")
    assert theirs.stderr == (
        "Error: There is no session 99. Run: tracker --profile 'Mum J' session list\n"
    )
    story("--profile", "Mum J", "session", "add", "--date", "2026-11-20", "--kind", "ipl")
    urgent = story("--profile", "Mum J", "log", "fever=1").stdout
    assert "To log it: tracker --profile 'Mum J' log fever=0\n" in urgent


def test_no_face_reads_an_error_s_words() -> None:
    """The faces decide with an error's kind, field and hint, never with its wording."""
    reading = re.compile(
        r"in \w+\.message\b|\.message\s*==|\.message\.(?:split|startswith|endswith|find|lower)"
    )
    faces = Path(__file__).parent.parent / "tracker"
    for path in [*(faces / "web").rglob("*.py"), *(faces / "cli").rglob("*.py")]:
        found = reading.search(path.read_text())
        assert found is None, f"{path.name}: {found.group() if found else ''}"


def test_an_old_schema_s_check_names_the_upgrade_on_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tracker.cli import cli
    from tracker.storage import migrate
    from tracker.storage.database import resolve
    from tracker.storage.revisions import HEAD

    path = tmp_path / "old.db"
    migrate.upgrade(resolve(str(path)), "0004")
    checked = CliRunner().invoke(cli, ["--db", str(path), "db", "check"])
    assert checked.exit_code == 1
    assert f"Problem:  schema 0004 is older than {HEAD}: the database needs an upgrade" in (
        checked.stdout
    )
    assert checked.stdout.endswith("Run: tracker db upgrade\n")
