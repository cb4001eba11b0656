"""Export, import, backup, restore and check: nothing lost, nothing half-done."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TODAY, Run, State, refusal

from tracker.domain.errors import CONFLICT, MALFORMED, REFUSED, Kind

# Another program writing all the time: inserts and deletes, each its own transaction.
WRITER = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30)
insert = "INSERT INTO entries (session_id, date, symptom, severity) VALUES (1, ?, 'itching', ?)"
delete = "DELETE FROM entries WHERE session_id = 1 AND date = ?"
for i in range(3000):
    c.execute(insert, (f"2026-02-{i % 28 + 1:02d}", i % 11))
    c.execute(delete, (f"2026-02-{(i + 1) % 28 + 1:02d}",))
    c.commit()
"""


def _filled(run: Run) -> None:
    assert (
        run(
            "session",
            "add",
            "--date",
            "2026-11-10",
            "--kind",
            "ipl",
            "--area",
            "face",
            "--clinic",
            "Skin & Co",
            "--notes",
            'first "pass"; 14 J',
            "--follow-up",
            "2026-11-30",
        ).exit_code
        == 0
    )
    assert run("session", "add", "--date", "2026-11-18", "--kind", "peel-medium").exit_code == 0
    assert (
        run(
            "log",
            "redness=5",
            "itching=2",
            "--date",
            "2026-11-11",
            "--session",
            "1",
            "--note",
            "warm, then fine — ok 👍",
        ).exit_code
        == 0
    )
    assert run("log", "redness=3", "--date", "2026-11-12", "--session", "1").exit_code == 0
    assert run("log", "peeling=4", "swelling=1", "--date", "2026-11-20").exit_code == 0
    assert run("care", "add", "ice-pack", "--date", "2026-11-11", "--session", "1").exit_code == 0
    assert run("care", "add", "other", "--note", "cool shower").exit_code == 0
    assert run("protocol", "set", "ipl", "redness", "--max-days", "5").exit_code == 0


def test_json_round_trip_gives_the_same_document(run: Run, tmp_path: Path) -> None:
    _filled(run)
    first = run("export", "--format", "json")
    document = json.loads(first.stdout)
    assert document["schema_revision"]
    assert document["protocol_overrides"] == [
        {"kind": "ipl", "symptom": "redness", "typical_days": 1, "max_days": 5}
    ]
    path = tmp_path / "all.json"
    path.write_text(first.stdout)
    other = tmp_path / "other.db"
    base = ["--db", str(other), "--today", TODAY.isoformat()]
    from click.testing import CliRunner

    from tracker.cli import cli

    imported = CliRunner().invoke(cli, [*base, "import", str(path)])
    assert imported.exit_code == 0, imported.output
    again = CliRunner().invoke(cli, [*base, "export", "--format", "json"])
    assert again.stdout == first.stdout


def test_csv_round_trip_keeps_every_value(run: Run, tmp_path: Path) -> None:
    _filled(run)
    out = tmp_path / "values.csv"
    result = run("export", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0
    assert (out.stat().st_mode & 0o777) == 0o600
    care = tmp_path / "values-care.csv"
    assert care.read_text().splitlines()[0] == "date,session_id,session_date,kind,day,action,note"
    from click.testing import CliRunner

    from tracker.cli import cli

    base = ["--db", str(tmp_path / "copy.db"), "--today", TODAY.isoformat()]
    for file in (out, care):
        done = CliRunner().invoke(cli, [*base, "import", str(file)])
        assert done.exit_code == 0, done.output
    original = json.loads(run("history", "--json").stdout)
    copied = json.loads(CliRunner().invoke(cli, [*base, "history", "--json"]).stdout)
    assert copied == original
    assert json.loads(CliRunner().invoke(cli, [*base, "care", "list", "--json"]).stdout) == (
        json.loads(run("care", "list", "--json").stdout)
    )


def test_a_bad_row_names_its_line_and_nothing_is_imported(
    run: Run, tmp_path: Path, state: State
) -> None:
    assert run("session", "list").exit_code == 0  # the database exists, empty
    before = state()
    rows = ["date,session_id,session_date,kind,day,symptom,severity,note"]
    rows += [f"2026-11-{d:02d},1,2026-11-01,ipl,{d - 1},redness,{d % 5}," for d in range(1, 9)]
    rows.insert(6, "2026-11-09,1,2026-11-01,ipl,8,redness,12,oops")  # line 7
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n")
    result = run("import", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}:7: Severity for redness must be from 0 (none) to 10 (worst), not 12.\n"
    )
    assert state() == before


def test_an_import_says_at_once_what_needs_the_clinic(run: Run, tmp_path: Path) -> None:
    """As `log` does: imported blisters are not left for the patient to find later."""
    header = "date,session_id,session_date,kind,day,symptom,severity,note"
    calm = tmp_path / "calm.csv"
    calm.write_text(f"{header}\n2026-11-22,1,2026-11-20,ipl,2,redness,3,\n")
    quiet = run("import", str(calm))
    assert quiet.exit_code == 0, quiet.output
    assert "URGENT" not in quiet.stdout
    blisters = tmp_path / "blisters.csv"
    blisters.write_text(f"{header}\n2026-11-23,1,2026-11-20,ipl,3,blistering,2,\n")
    for args in (["--dry-run"], []):
        result = run("import", str(blisters), *args)
        assert result.exit_code == 0, result.output
        assert "\nURGENT: Blisters logged on day 3 (2/10)" in result.stdout
        assert "Contact your skin specialist or clinic now" in result.stdout
    # Once it is gone, an import of the 0 brings no alarm.
    gone = tmp_path / "gone.csv"
    gone.write_text(f"{header}\n2026-11-24,1,2026-11-20,ipl,4,blistering,0,\n")
    assert "URGENT" not in run("import", str(gone)).stdout


@pytest.mark.parametrize(
    ("line", "reason", "kind"),
    [
        ("2026-11-02,1,2026-11-01,ipl,1,sneezing,2,", "Unknown symptom 'sneezing'", MALFORMED),
        ("2026-11-02,1,2026-11-01,botox,1,redness,2,", "Unknown treatment kind 'botox'", MALFORMED),
        (
            "2026-11-31,1,2026-11-01,ipl,1,redness,2,",
            "date '2026-11-31' is not a YYYY-MM-DD date",
            MALFORMED,
        ),
        ("2026-10-02,1,2026-11-01,ipl,,redness,2,", "is before its session", REFUSED),
        ("2026-12-02,1,2026-11-01,ipl,,redness,2,", "is in the future", REFUSED),
        (
            "2026-11-03,1,2026-11-01,ipl,5,redness,2,",
            "day 5 does not match the dates (day 2)",
            MALFORMED,
        ),
        ("2026-11-03,1,2026-11-01,ipl,2,redness,2,x,y", "more values than columns", MALFORMED),
        ("2026-11-02,1,2026-11-01,ipl,1,redness,2,", "already logged for that session", CONFLICT),
    ],
)
def test_each_kind_of_bad_row_is_refused_with_its_line(
    run: Run, tmp_path: Path, line: str, reason: str, kind: Kind
) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "date,session_id,session_date,kind,day,symptom,severity,note\n"
        "2026-11-02,1,2026-11-01,ipl,1,redness,2,\n" + line + "\n"
    )
    result = run("import", str(path))
    assert (result.exit_code, result.kind) == refusal(kind), result.output
    assert result.stderr.startswith(f"Error: {path}:3: ")
    assert reason in result.stderr
    assert json.loads(run("session", "list", "--json").stdout) == []


def test_duplicates_skip_or_replace(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "date,session_id,session_date,kind,day,symptom,severity,note\n"
        "2026-11-02,1,2026-11-01,ipl,1,redness,2,\n"
    )
    assert run("import", str(path)).exit_code == 0
    path.write_text(path.read_text().replace(",2,\n", ",4,later\n"))
    skipped = run("import", str(path), "--on-duplicate", "skip")
    assert "1 skipped as already there" in skipped.stdout
    assert json.loads(run("history", "--json").stdout)[0]["severity"] == 2
    replaced = run("import", str(path), "--on-duplicate", "replace")
    assert "1 replaced" in replaced.stdout
    entry = json.loads(run("history", "--json").stdout)[0]
    assert (entry["severity"], entry["note"]) == (4, "later")
    # The value the import replaced is kept: undo puts it back.
    undone = run("undo")
    assert "redness on 2026-11-02: changed from 2/10 to 4/10 at " in undone.stdout
    entry = json.loads(run("history", "--json").stdout)[0]
    assert (entry["severity"], entry["note"]) == (2, None)


def test_dry_run_counts_and_writes_nothing(run: Run, tmp_path: Path, state: State) -> None:
    assert run("session", "list").exit_code == 0
    before = state()
    path = tmp_path / "rows.csv"
    path.write_text(
        "date,session_id,session_date,kind,day,symptom,severity,note\n"
        + "".join(f"2026-11-{d:02d},1,2026-11-01,ipl,,redness,1,\n" for d in range(1, 21))
    )
    result = run("import", str(path), "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == (
        "Would import 20 values from 20 rows (sessions: 1 new, 0 matched).\n"
        "Dry run: nothing was written.\n"
    )
    assert state() == before


def test_one_row_is_counted_as_one_row(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text(
        "date,session_id,session_date,kind,day,symptom,severity,note\n"
        "2026-11-02,1,2026-11-01,ipl,,redness,1,\n"
    )
    result = run("import", str(path), "--dry-run")
    assert result.stdout.splitlines()[0] == (
        "Would import 1 value from 1 row (sessions: 1 new, 0 matched)."
    )


def test_files_that_are_not_exports_are_refused(run: Run, tmp_path: Path) -> None:
    # Each is malformed, but a newer program's export: refused, it is no one's typo.
    cases = {
        "a.json": ('{"hello": 1}', "not a tracker export"),
        "b.json": ("{not json", "b.json:1: not valid JSON"),
        "c.csv": ("name,age\nbob,3\n", "c.csv:1: not a tracker CSV"),
        "d.txt": ("whatever", "name it .csv or .json"),
        "e.csv": ("", "the file is empty"),
        "f.json": (
            json.dumps(
                {
                    "format": "skin-recovery-tracker",
                    "format_version": 1,
                    "schema_revision": "9999",
                    "sessions": [],
                }
            ),
            "newer version",
        ),
    }
    for name, (content, words) in cases.items():
        path = tmp_path / name
        path.write_text(content)
        result = run("import", str(path))
        kind = REFUSED if name == "f.json" else MALFORMED
        assert (result.exit_code, result.kind) == refusal(kind), (name, result.output)
        assert words in result.stderr, (name, result.stderr)
        assert "Traceback" not in result.output
    binary = tmp_path / "g.csv"
    binary.write_bytes(b"date,session_id\n\xff\xfe\x00bad")
    refused = run("import", str(binary))
    assert (refused.exit_code, "not UTF-8 text" in refused.stderr) == (2, True)


def test_fhir_bundle_validates_and_codes_symptoms(run: Run) -> None:
    from fhir.resources.R4B.bundle import Bundle

    _filled(run)
    document = json.loads(run("export", "--format", "fhir").stdout)
    bundle = Bundle.model_validate(document)
    assert bundle.type == "collection"
    kinds = [entry["resource"]["resourceType"] for entry in document["entry"]]
    assert kinds.count("Procedure") == 2
    assert kinds.count("Observation") == 5
    observations = [
        e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Observation"
    ]
    redness = next(o for o in observations if o["code"]["text"] == "Redness")
    assert redness["code"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "247441003",
        "display": "Erythema",
    }
    assert redness["valueInteger"] == 5
    assert redness["component"][0]["valueCodeableConcept"]["coding"][0]["code"] == "6736007"
    procedures = {
        e["fullUrl"] for e in document["entry"] if e["resource"]["resourceType"] == "Procedure"
    }
    assert all(o["partOf"][0]["reference"] in procedures for o in observations)
    for entry in document["entry"]:
        resource_type = entry["resource"]["resourceType"]
        module = __import__(f"fhir.resources.R4B.{resource_type.lower()}", fromlist=[resource_type])
        getattr(module, resource_type).model_validate(entry["resource"])


@pytest.mark.sqlite_only
def test_backup_while_another_process_logs_is_sound(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    assert run("session", "add", "--date", "2026-01-01").exit_code == 0
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path)])
    try:
        time.sleep(0.2)
        backups = []
        for number in range(3):
            target = tmp_path / f"backup-{number}.db"
            result = run("db", "backup", str(target))
            assert result.exit_code == 0, result.output
            backups.append(target)
    finally:
        writer.wait(timeout=120)
    for target in backups:
        assert (target.stat().st_mode & 0o777) == 0o600
        conn = sqlite3.connect(target)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()


@pytest.mark.sqlite_only
def test_backup_refuses_to_overwrite(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "b.db"
    assert run("db", "backup", str(target)).exit_code == 0
    again = run("db", "backup", str(target))
    assert (again.exit_code, "already exists" in again.stderr) == (1, True)


@pytest.mark.sqlite_only
def test_restore_keeps_the_current_database_and_swaps(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    _filled(run)
    backup = tmp_path / "b.db"
    assert run("db", "backup", str(backup)).exit_code == 0
    saved = run("export", "--format", "json").stdout
    assert run("session", "delete", "1", "--yes").exit_code == 0
    result = run("db", "restore", str(backup), "--yes")
    assert result.exit_code == 0, result.output
    kept = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1 and (kept[0].stat().st_mode & 0o777) == 0o600
    assert run("export", "--format", "json").stdout == saved
    assert run("db", "check").exit_code == 0


@pytest.mark.sqlite_only
def test_restore_refuses_what_is_not_a_tracker_database(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    _filled(run)
    before = db_path.read_bytes()
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    for source, words in ((other, "not a tracker database"), (text, "not a tracker database")):
        result = run("db", "restore", str(source), "--yes")
        assert result.exit_code == 1
        assert words in result.stderr
    assert db_path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]


@pytest.mark.sqlite_only
def test_check_finds_broken_links(run: Run, db_path: Path) -> None:
    _filled(run)
    assert run("db", "check").stdout.endswith(
        "Integrity: ok. Links between records: ok. Schema: as the tracker makes it. "
        "Symptom summaries: as the values say.\n"
    )
    conn = sqlite3.connect(db_path)  # foreign keys off here: simulate damage
    conn.execute("DELETE FROM sessions WHERE id = 2")
    conn.commit()
    conn.close()
    result = run("db", "check")
    assert result.exit_code == 1
    assert "foreign key: entries row" in result.stdout
    assert os.path.exists(db_path)
