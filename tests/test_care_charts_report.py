"""The care log, charts and the follow-up report, as files a person opens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Run, State
from pypdf import PdfReader

PNG = b"\x89PNG\r\n\x1a\n"


def _session_with_values(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-14", "--follow-up", "2026-11-28").exit_code == 0
    for day, (itching, redness) in enumerate([(4, 6), (3, 5), (1, 4), (0, 4), (0, 3)]):
        date = f"2026-11-{14 + day}"
        assert run("log", f"itching={itching}", f"redness={redness}", "--date", date).exit_code == 0
    assert run("log", "redness=3", "--note", "still pink in the mornings").exit_code == 0


def test_care_add_and_list(run: Run) -> None:
    _session_with_values(run)
    added = run("care", "add", "ice", "--date", "2026-11-14", "--note", "10 minutes")
    assert added.stdout == (
        "Recorded ice pack (10 minutes) on 2026-11-14, day 0 after session 1 (entry 1).\n"
    )
    assert run("care", "add", "moisturiser").exit_code == 0
    listed = json.loads(run("care", "list", "--json").stdout)
    assert listed == [
        {
            "id": 1,
            "session_id": 1,
            "date": "2026-11-14",
            "day": 0,
            "action": "ice-pack",
            "note": "10 minutes",
        },
        {
            "id": 2,
            "session_id": 1,
            "date": "2026-11-24",
            "day": 10,
            "action": "moisturizer",
            "note": None,
        },
    ]
    assert run("care", "list").stdout == (
        "id  date        day  session  action       note\n"
        " 1  2026-11-14    0        1  ice-pack     10 minutes\n"
        " 2  2026-11-24   10        1  moisturiser\n"
        "Remove an entry recorded by mistake with: tracker care remove ID\n"
    )


def test_care_refusals(run: Run, state: State) -> None:
    _session_with_values(run)
    before = state()
    cases = {
        ("care", "add", "other"): (2, "Say what you did, in a note,"),
        ("care", "add", "botox"): (2, "Unknown care action"),
        ("care", "add", "sunscreen", "--date", "tomorrow"): (1, "in the future"),
        ("care", "add", "sunscreen", "--date", "2026-11-01"): (1, "before your first session"),
        ("care", "add", "sunscreen", "--session", "4"): (1, "no session 4"),
    }
    for args, (code, words) in cases.items():
        result = run(*args)
        assert (result.exit_code, words in result.stderr) == (code, True), result.output
    assert state() == before


def test_deleting_a_session_takes_its_care_log_with_it(run: Run) -> None:
    _session_with_values(run)
    assert run("care", "add", "sunscreen").exit_code == 0
    assert run("session", "delete", "1", "--yes").exit_code == 0
    assert json.loads(run("care", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("name", "header"),
    [("c.png", PNG), ("c.svg", b"<?xml"), ("c.pdf", b"%PDF-")],
)
def test_chart_formats_follow_the_extension(
    run: Run, tmp_path: Path, name: str, header: bytes
) -> None:
    _session_with_values(run)
    path = tmp_path / name
    result = run("chart", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Chart written to {path}\n"
    assert path.read_bytes().startswith(header)
    assert (path.stat().st_mode & 0o777) == 0o600  # it holds health data


def test_chart_default_name_is_printed(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _session_with_values(run)
    monkeypatch.chdir(tmp_path)
    result = run("chart")
    assert result.stdout == "Chart written to recovery-session-1.png\n"
    assert (tmp_path / "recovery-session-1.png").read_bytes().startswith(PNG)


def test_chart_refusals_are_clear(run: Run, tmp_path: Path) -> None:
    assert run("session", "add", "--date", "2026-11-20").exit_code == 0
    empty = run("chart", "-o", str(tmp_path / "x.png"))
    assert empty.exit_code == 1
    assert "has nothing logged yet" in empty.stderr
    assert not (tmp_path / "x.png").exists()
    assert run("log", "itching=2").exit_code == 0
    wrong = run("chart", "-o", str(tmp_path / "x.jpg"))
    assert (wrong.exit_code, "name the file .png, .svg or .pdf" in wrong.stderr) == (2, True)
    missing = run("chart", "-o", str(tmp_path / "no" / "x.png"))
    assert (missing.exit_code, "does not exist" in missing.stderr) == (1, True)
    other = run("chart", "--symptom", "fever", "-o", str(tmp_path / "x.png"))
    assert (other.exit_code, "Nothing logged for fever" in other.stderr) == (1, True)


def test_one_entry_and_every_symptom_draw_sound_charts(run: Run, tmp_path: Path) -> None:
    assert run("session", "add", "--date", "2026-11-20").exit_code == 0
    assert run("log", "itching=2").exit_code == 0
    assert run("chart", "-o", str(tmp_path / "one.png")).exit_code == 0
    from tracker.domain.catalog import SYMPTOMS

    pairs = [f"{s.key}={i % 11}" for i, s in enumerate(SYMPTOMS)]
    assert run("log", *pairs, "--date", "yesterday").exit_code == 0
    assert run("care", "add", "ice-pack").exit_code == 0
    result = run("chart", "-o", str(tmp_path / "all.png"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "all.png").read_bytes().startswith(PNG)
    only = run("chart", "--symptom", "itching", "--symptom", "rash", "-o", str(tmp_path / "2.svg"))
    assert only.exit_code == 0
    svg = (tmp_path / "2.svg").read_text()
    assert "Itching" in svg and "Swelling" not in svg


def test_compare_aligns_sessions_and_says_days_to_zero(run: Run, tmp_path: Path) -> None:
    assert run("session", "add", "--date", "2026-10-01").exit_code == 0
    for day, value in enumerate([5, 3, 0]):
        assert run("log", f"redness={value}", "--date", f"2026-10-0{day + 1}").exit_code == 0
    _session_with_values(run)
    path = tmp_path / "compare.png"
    result = run("chart", "--compare", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(PNG)
    assert "  redness: session 1 day 2, session 2 not yet" in result.stdout
    assert "  itching: session 2 day 3" in result.stdout
    assert run("chart", "--compare", "--session", "1").exit_code == 2


def test_report_is_a_searchable_multi_page_pdf(run: Run, tmp_path: Path) -> None:
    _session_with_values(run)
    assert run("care", "add", "ice-pack", "--date", "2026-11-14").exit_code == 0
    path = tmp_path / "report.pdf"
    result = run("report", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Report written to {path} (4 pages)\n"
    assert (path.stat().st_mode & 0o777) == 0o600
    pages = [page.extract_text() for page in PdfReader(path).pages]
    assert len(pages) == 4
    first = pages[0]
    assert "Recovery report for the follow-up visit" in first
    assert "Laser skin rejuvenation" in first
    # The treatment in words for the doctor; its key is the command line's.
    assert "laser-rejuvenation" not in first
    assert PdfReader(path).metadata.title.startswith("Recovery report: laser skin rejuvenation on")
    # One patient's own database: no profile name to tell apart; what is not recorded says so.
    assert "Patient profile" not in first
    assert "Skin skin type not recorded; not marked as sensitive" in first
    assert "2026-11-28" in first  # follow-up
    assert "WARNING: Redness (persisting, days 8-10)" in first
    assert "Resolved flags" not in first
    assert "Questions to ask at your visit" in first
    assert "Itching" in pages[2] and "Redness" in pages[2]
    assert "Ice pack" in pages[2]
    assert "still pink in the mornings" in pages[3]
    for page in pages:
        assert "Information, not a diagnosis" in page


def test_report_lists_resolved_flags_apart(run: Run, tmp_path: Path) -> None:
    assert run("session", "add", "--date", "2026-11-14").exit_code == 0
    for day, redness in enumerate([8, 8, 5, 3, 2, 0]):
        assert run("log", f"redness={redness}", "--date", f"2026-11-{14 + day}").exit_code == 0
    path = tmp_path / "report.pdf"
    assert run("report", "-o", str(path)).exit_code == 0
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    flags, resolved = text.split("Resolved flags")
    assert "None open on 2026-11-24." in flags
    assert "Redness (severe, urgent, days 0-1; ended 2026-11-16)" in resolved
    assert "Redness was severe on days 0-1, 8/10; down to 5/10 by day 2." in resolved


def test_report_refusals(run: Run, tmp_path: Path) -> None:
    assert run("session", "add", "--date", "2026-11-20").exit_code == 0
    empty = run("report", "-o", str(tmp_path / "r.pdf"))
    assert empty.exit_code == 1
    # A new session is not yet reportable; the earlier ones are, and the message says how.
    assert "Log a day first, or choose an earlier session." in empty.stderr
    assert "For example: tracker log itching=3, or --session N (tracker session" in empty.stderr
    assert not (tmp_path / "r.pdf").exists()
    assert run("log", "itching=1").exit_code == 0
    bad = run("report", "-o", str(tmp_path / "r.png"))
    assert (bad.exit_code, "name the file .pdf" in bad.stderr) == (2, True)


def test_demo_writes_chart_and_report(run: Run, tmp_path: Path) -> None:
    result = run("demo", str(tmp_path / "demo"))
    assert f"Chart:  {tmp_path / 'demo' / 'recovery-chart.png'}" in result.stdout
    assert f"Report: {tmp_path / 'demo' / 'recovery-report.pdf'}" in result.stdout
    text = PdfReader(tmp_path / "demo" / "recovery-report.pdf").pages[0].extract_text()
    assert "Redness (persisting" in text
    assert "Itching (" not in text  # faded in time: no flag


def test_every_symptom_in_the_catalogue_is_drawn_in_a_look_of_its_own() -> None:
    from tracker.domain.catalog import SYMPTOMS
    from tracker.drawing.parts import style

    looks = {tuple(sorted(style(i).items())) for i in range(len(SYMPTOMS))}
    assert len(looks) == len(SYMPTOMS)
    # Points alone (a line hidden under another) must differ too: colour, marker and face.
    points = {
        (look["color"], look["marker"], look.get("markerfacecolor"))
        for look in (style(i) for i in range(len(SYMPTOMS)))
    }
    assert len(points) == len(SYMPTOMS)


def test_report_shows_an_aged_alarm_with_its_reasons_under_it(run: Run, tmp_path: Path) -> None:
    assert run("session", "add", "--date", "2026-11-10").exit_code == 0
    assert run("log", "swelling=3", "--date", "2026-11-18").exit_code == 0
    path = tmp_path / "report.pdf"
    assert run("report", "-o", str(path)).exit_code == 0
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())
    assert "WARNING: Swelling (no data since day 8, days 8-14)" in text
    assert "We have not heard about your swelling since day 8" in text
    assert "Also: Swelling was still 3/10 on day 8, past its expected course" in text


def test_the_report_lists_the_corrections_with_what_was_said_before(
    run: Run, tmp_path: Path
) -> None:
    assert run("session", "add", "--date", "2026-11-14").exit_code == 0
    assert run("log", "redness=9", "itching=2", "--date", "2026-11-20").exit_code == 0
    assert run("log", "redness=4", "--date", "2026-11-20").exit_code == 0  # a typo fixed
    assert run("log", "--remove", "itching", "--date", "2026-11-20").exit_code == 0
    path = tmp_path / "report.pdf"
    assert run("report", "-o", str(path)).exit_code == 0
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Corrections" in text
    assert "Redness 9 to 4" in " ".join(text.split())
    assert "Itching 2 removed" in " ".join(text.split())
    plain = tmp_path / "plain.pdf"
    run("session", "add", "--date", "2026-11-21", "--kind", "ipl")
    run("log", "redness=2", "--date", "2026-11-22")
    assert run("report", "-o", str(plain)).exit_code == 0
    assert "Corrections" not in " ".join(p.extract_text() for p in PdfReader(plain).pages)
