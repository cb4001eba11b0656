"""CSV that spreadsheets cannot run and that reads back exactly; JSON imports that are strict."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TODAY, Run, State, refusal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.cli import cli
from tracker.domain.errors import MALFORMED, REFUSED
from tracker.domain.exchange import from_spreadsheet_safe, spreadsheet_safe


@pytest.mark.parametrize(
    ("note", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2 since yesterday", "'-2 since yesterday"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=already marked", "''=already marked"),
        ("'quoted", "'quoted"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_formula_cells_are_marked_as_text_and_unmarked_exactly(note: str, cell: str) -> None:
    assert spreadsheet_safe(note) == cell
    assert from_spreadsheet_safe(cell) == note


def test_csv_export_escapes_formulas_and_quotes_carriage_returns(
    run: Run, tmp_path: Path, session_id: int
) -> None:
    assert run("log", "itching=2", "--note", "=1+1", "--date", "2026-11-20").exit_code == 0
    assert run("log", "itching=3", "--note", "a\rb", "--date", "2026-11-21").exit_code == 0
    assert run("care", "add", "ice-pack", "--note", "@me", "--date", "2026-11-21").exit_code == 0
    out = tmp_path / "v.csv"
    assert run("export", "--format", "csv", "-o", str(out)).exit_code == 0
    values = out.read_bytes().decode()
    assert ",'=1+1\n" in values
    assert ',"a\rb"\n' in values
    assert ",'@me\n" in (tmp_path / "v-care.csv").read_text()


def _cli(db: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--today", TODAY.isoformat(), *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def _round_trip(folder: Path, note: str, detail: str) -> None:
    first = folder / "first.db"
    _cli(first, "session", "add", "--date", "2026-11-14", "--kind", "ipl", f"--area={detail}")
    _cli(first, "log", "itching=3", f"--note={note}", "--date", "2026-11-15")
    _cli(first, "care", "add", "moisturiser", f"--note={note}", "--date", "2026-11-15")
    for fmt in ("csv", "json"):
        out = folder / f"out.{fmt}"
        _cli(first, "export", "--format", fmt, "-o", str(out))
        second = folder / f"second-{fmt}.db"
        _cli(second, "import", str(out))
        if fmt == "csv":
            _cli(second, "import", str(folder / "out-care.csv"))
        again = folder / f"again.{fmt}"
        _cli(second, "export", "--format", fmt, "-o", str(again))
        assert again.read_bytes() == out.read_bytes(), fmt
        if fmt == "csv":
            assert (folder / "again-care.csv").read_bytes() == (
                folder / "out-care.csv"
            ).read_bytes()


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
).filter(lambda t: t.strip() != "")


@pytest.mark.sqlite_only
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(note=TEXT, detail=TEXT)
def test_export_import_export_is_identical_for_any_text(note: str, detail: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _round_trip(Path(folder), note, detail)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "note",
    ["-2 since yesterday", "=cmd|' /C calc'!A0", "x" * 200_000, "line\r\nline\rline", "''=x"],
)
def test_hard_notes_round_trip(tmp_path: Path, note: str) -> None:
    first = tmp_path / "first.db"
    _cli(first, "session", "add", "--date", "2026-11-14", "--kind", "ipl")
    _cli(first, "log", "itching=3", f"--note={note}", "--date", "2026-11-15")
    out, again = tmp_path / "out.csv", tmp_path / "again.csv"
    _cli(first, "export", "--format", "csv", "-o", str(out))
    _cli(tmp_path / "second.db", "import", str(out))
    _cli(tmp_path / "second.db", "export", "--format", "csv", "-o", str(again))
    assert again.read_bytes() == out.read_bytes()
    exported = json.loads(_cli(tmp_path / "second.db", "export"))
    assert exported["sessions"][0]["entries"][0]["note"] == note


def _document(run: Run) -> dict[str, object]:
    return dict(json.loads(run("export").stdout))


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("area",), {"x": [1, 2]}, "sessions[0].area: must be text or null, not an object"),
        (("clinic",), False, "sessions[0].clinic: must be text or null, not true/false"),
        (("kind",), 7, "sessions[0].kind: must be text, not a number"),
        (("date",), None, "sessions[0].date: must be text, not null"),
        (("follow_up",), ["2026-12-01"], "sessions[0].follow_up: must be text or null, not a list"),
        (
            ("entries", 0, "severity"),
            "3",
            "sessions[0].entries[0].severity: must be a whole number",
        ),
        (("entries", 0, "severity"), True, "entries[0].severity: must be a whole number, not true"),
        (("entries", 0, "note"), 12, "sessions[0].entries[0].note: must be text or null, not a n"),
        (("entries", 0, "symptom"), ["x"], "entries[0].symptom: must be text, not a list"),
        (("care", 0, "note"), {"a": 1}, "sessions[0].care[0].note: must be text or null, not an"),
        (("follow_up",), "2026-11-01", "the follow-up (2026-11-01) cannot be before the session"),
    ],
)
def test_json_import_checks_each_field(
    run: Run, state: State, tmp_path: Path, path: tuple[object, ...], value: object, message: str
) -> None:
    assert run("session", "add", "--date", "2026-11-14", "--kind", "ipl").exit_code == 0
    assert run("log", "itching=3", "--date", "2026-11-15").exit_code == 0
    assert run("care", "add", "ice-pack", "--date", "2026-11-15").exit_code == 0
    document = _document(run)
    assert run("session", "delete", "1", "--yes").exit_code == 0
    before = state()
    place: object = document["sessions"][0]  # type: ignore[index]
    for step in path[:-1]:
        place = place[step]  # type: ignore[index]
    place[path[-1]] = value  # type: ignore[index]
    data = tmp_path / "d.json"
    data.write_text(json.dumps(document))
    result = run("import", str(data))
    # A wrong shape is malformed; a follow-up before its session is refused, as when typed.
    kind = REFUSED if "cannot be before" in message else MALFORMED
    assert (result.exit_code, result.kind) == refusal(kind), result.output
    assert result.stderr.startswith(f"Error: {data}: ")
    assert message in result.stderr, result.stderr
    assert state() == before


def test_a_matched_session_with_other_details_is_reported_never_dropped(
    run: Run, tmp_path: Path
) -> None:
    assert run("session", "add", "--date", "2026-11-14", "--kind", "ipl").exit_code == 0
    document = _document(run)
    session = document["sessions"][0]  # type: ignore[index]
    session.update(area="cheeks", clinic="Skin Clinic", notes="second pass")
    data = tmp_path / "d.json"
    data.write_text(json.dumps(document))
    refused = run("import", str(data))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {data}: sessions[0]: the session on 2026-11-14 (ipl) is already there with a "
        "different area, clinic, notes (use --on-duplicate skip or replace)\n"
    )
    skipped = run("import", str(data), "--on-duplicate", "skip")
    assert "1 with different details kept as they were" in skipped.stdout
    assert json.loads(run("session", "show", "1", "--json").stdout)["area"] is None
    replaced = run("import", str(data), "--on-duplicate", "replace")
    assert "1 with details replaced" in replaced.stdout
    shown = json.loads(run("session", "show", "1", "--json").stdout)
    assert (shown["area"], shown["clinic"], shown["notes"]) == (
        "cheeks",
        "Skin Clinic",
        "second pass",
    )
    assert "matched" in run("import", str(data)).stdout  # now the same: nothing to report


def test_a_json_date_before_1900_is_one_line(run: Run, tmp_path: Path, session_id: int) -> None:
    document = _document(run)
    document["sessions"][0]["date"] = dt.date(1, 1, 1).isoformat()  # type: ignore[index]
    data = tmp_path / "d.json"
    data.write_text(json.dumps(document))
    result = run("import", str(data))
    assert result.exit_code == 2 and "between 1900-01-01 and 2999-12-31" in result.stderr
