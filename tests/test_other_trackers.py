"""Imports from Flaredown, Bearable and Track & Graph: every row accounted for.

The samples in tests/samples/ follow each project's own export code, as stored in public
repositories (found with the project's search tool):
- flaredown.csv: rubyforgood/Flaredown, backend/app/jobs/data_export_job.rb: a header of
  'Date', then condition, symptom and treatment names, then 'Tags' and 'Foods' joined with
  '; '; one row per check-in date (Date#to_s, YYYY-MM-DD); symptom values 0-4, treatment
  values as the dose text.
- bearable.csv: Bearable's exporter is not public. Its columns come from the issue and from
  two public readers of its export: OmegaJak/bearable-csv, src/lib/Symptom.ts (dates like
  '13th May 2021', 'time of day' pre/am/mid/pm, 'detail' as 'Name (Severity)', an integer
  'rating/amount') and bcwilsondotcom/obsidian-bearable-import-plugin,
  src/dataTypes/symptomData.ts (category 'Symptom'; other categories in the same file).
- trackandgraph.csv: SamAmco/track-and-graph,
  data/src/main/java/com/samco/trackandgraph/data/csvreadwriter/CSVReadWriterImpl.kt:
  headers FeatureName, Timestamp, Value, Label, Note; Value is a Double's toString ('7.0')
  or H:MM:SS for durations; Timestamp is OffsetDateTime.toString (seconds left out when
  zero, 'Z' for UTC).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, State, refusal
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.errors import MALFORMED, NOT_FOUND

SAMPLES = Path(__file__).parent / "samples"


def _history(run: Run) -> list[dict[str, Any]]:
    result = run("history", "--json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def _values(run: Run) -> dict[tuple[str, str], int]:
    return {(e["date"], e["symptom"]): e["severity"] for e in _history(run)}


def test_flaredown_sample(run: Run, session_id: int) -> None:
    result = run("import", "--from", "flaredown", str(SAMPLES / "flaredown.csv"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Read 5 rows of flaredown.csv (Flaredown): 15 readings (1 of the rows held none).",
        "Imported 8 into session 1 (2026-11-14, laser-rejuvenation).",
        "Converted 8 of them from the 0-4 scale to 0-10 (0->0, 1->2, 2->5, 3->8, 4->10); "
        "each one's note says so, and the history and the PDF report show it.",
        "Skipped 7:",
        "  1 dated before the session (day 0)",
        "  6 of names that match no symptom: 'Ibuprofen' (1), 'Itchy skin' (1), "
        "'Rosacea' (4); --map NAME=SYMPTOM brings one in",
    ]
    assert _values(run) == {
        ("2026-11-14", "itching"): 8,
        ("2026-11-14", "redness"): 10,
        ("2026-11-14", "swelling"): 5,
        ("2026-11-15", "itching"): 5,
        ("2026-11-15", "redness"): 8,
        ("2026-11-15", "swelling"): 2,
        ("2026-11-16", "itching"): 2,
        ("2026-11-16", "redness"): 5,
    }
    notes = {(e["date"], e["symptom"]): e["note"] for e in _history(run)}
    assert notes[("2026-11-14", "redness")] == "[from Flaredown: Redness 4, 0-4, converted]"


def test_bearable_sample_keeps_a_days_highest_and_carries_notes(run: Run, session_id: int) -> None:
    result = run("import", "--from", "bearable", str(SAMPLES / "bearable.csv"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Read 9 rows of bearable.csv (Bearable): 9 readings.",
        "Imported 4 into session 1 (2026-11-14, laser-rejuvenation).",
        "Converted 4 of them from the 0-4 scale to 0-10 (0->0, 1->2, 2->5, 3->8, 4->10); "
        "each one's note says so, and the history and the PDF report show it.",
        "Skipped 5:",
        "  1 another reading of that symptom that day (a day keeps its highest)",
        "  1 dated before the session (day 0)",
        "  2 not a symptom (another category)",
        "  1 of names that match no symptom: 'Neck pain' (1); --map NAME=SYMPTOM brings one in",
        # Itching 8/10 on day 0 and nothing since, imported on day 10: an alarm that has aged
        # into a question ("we have not heard about your itching since day 0"), a warning that
        # status, flags and triage show; it is no longer "urgent-care today".
    ]
    flags = json.loads(run("flags", "--json").stdout)
    itching = next(f for f in flags if f["symptom"] == "itching")
    assert (itching["kind"], itching["level"], itching["silent_since"]) == ("severe", "warning", 0)
    assert itching["message"].startswith("We have not heard about your itching since day 0")
    history = {(e["date"], e["symptom"]): (e["severity"], e["note"]) for e in _history(run)}
    assert history == {
        ("2026-11-14", "itching"): (
            8,
            "worse after the shower [from Bearable: Itching 3, 0-4, converted]",
        ),
        ("2026-11-15", "redness"): (5, "[from Bearable: Redness 2, 0-4, converted]"),
        ("2026-11-15", "swelling"): (
            10,
            "ice pack, then better [from Bearable: Swelling 4, 0-4, converted]",
        ),
        # No rating: the word in the detail, "Mild", is 1 on their scale.
        ("2026-11-16", "redness"): (2, "[from Bearable: Redness Mild, 0-4, converted]"),
    }


def test_trackandgraph_sample_days_in_their_own_offset(run: Run, session_id: int) -> None:
    result = run("import", "--from", "trackandgraph", str(SAMPLES / "trackandgraph.csv"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Read 9 rows of trackandgraph.csv (Track & Graph): 9 readings.",
        "Imported 3 into session 1 (2026-11-14, laser-rejuvenation).",
        "Rounded 1 of them to whole numbers (half up); each one's note says so, and the "
        "history and the PDF report show it.",
        "Skipped 6:",
        "  1 another reading of that symptom that day (a day keeps its highest)",
        "  1 dated after today",
        "  1 dated before the session (day 0)",
        "  1 not a value on their scale (0-4; 0-10 for Track & Graph)",
        "  2 of names that match no symptom: 'Ice pack' (1), 'Mood' (1); "
        "--map NAME=SYMPTOM brings one in",
    ]
    history = {(e["date"], e["symptom"]): (e["severity"], e["note"]) for e in _history(run)}
    assert history == {
        ("2026-11-14", "redness"): (7, None),  # 7.0 beats 5.5 the same evening
        ("2026-11-15", "redness"): (4, "late"),  # 00:30 at +01:00 is the 15th there
        ("2026-11-15", "itching"): (3, "[from Track & Graph: Itching 2.5, rounded]"),
    }


def test_map_and_a_new_session_by_kind_and_date(run: Run) -> None:
    result = run(
        "import",
        "--from",
        "flaredown",
        str(SAMPLES / "flaredown.csv"),
        "--kind",
        "ipl",
        "--date",
        "2026-11-13",
        "--map",
        "itchy SKIN=itching",
        "--map",
        "Rosacea=redness",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "Imported 10 into session 1 (2026-11-13, ipl, a new session)."
    assert "  4 another reading of that symptom that day (a day keeps its highest)" in lines
    assert "  1 of names that match no symptom: 'Ibuprofen' (1); --map" in lines[-1]
    values = _values(run)
    assert values[("2026-11-13", "redness")] == 2  # Rosacea 1 on the session day itself
    assert values[("2026-11-13", "itching")] == 0
    assert values[("2026-11-14", "redness")] == 10  # Redness 4 beats Rosacea 2
    assert values[("2026-11-16", "itching")] == 2  # Itching 1 and Itchy skin 1: one value


def test_dry_run_and_refusals_change_nothing(
    run: Run, session_id: int, tmp_path: Path, state: State
) -> None:
    before = state()
    dry = run("import", "--from", "bearable", str(SAMPLES / "bearable.csv"), "--dry-run")
    assert dry.exit_code == 0 and dry.stdout.splitlines()[-1] == "Dry run: nothing was written."
    assert "Would import 4 into session 1" in dry.stdout
    assert state() == before

    broken = tmp_path / "broken.csv"
    text = (SAMPLES / "trackandgraph.csv").read_text()
    broken.write_text(text.replace("2026-11-15T08:00:00Z", "yesterday"))
    cases: list[tuple[list[str], str]] = [
        (["--from", "trackandgraph", str(broken)], "broken.csv: line 6: timestamp 'yesterday'"),
        (
            ["--from", "bearable", str(SAMPLES / "flaredown.csv")],
            "not a Bearable export (missing columns category, date, detail, rating/amount)",
        ),
        (
            ["--from", "flaredown", str(SAMPLES / "flaredown.csv"), "--map", "Rosacea=acne?"],
            "Unknown symptom 'acne?'",
        ),
        (
            ["--from", "flaredown", str(SAMPLES / "flaredown.csv"), "--map", "x"],
            "matched to a symptom as NAME=SYMPTOM",
        ),
        (
            ["--from", "flaredown", str(SAMPLES / "flaredown.csv"), "--kind", "ipl"],
            "needs the date of that session",
        ),
        (
            [
                "--from",
                "flaredown",
                str(SAMPLES / "flaredown.csv"),
                "--session",
                "1",
                "--date",
                "-1",
            ],
            "not both",
        ),
        ([str(SAMPLES / "flaredown.csv"), "--map", "a=itching"], "go with --from"),
        (["--from", "flaredown", str(SAMPLES / "flaredown.csv"), "--session", "7"], "no session 7"),
    ]
    for args, words in cases:
        result = run("import", *args)
        # What was typed or handed in is malformed; session 7 is not there.
        kind = NOT_FOUND if words == "no session 7" else MALFORMED
        assert (result.exit_code, result.kind) == refusal(kind), (args, result.output)
        assert words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
    assert state() == before


def test_values_already_logged_follow_on_duplicate(run: Run, session_id: int, state: State) -> None:
    assert run("log", "redness=1", "--date", "2026-11-15").exit_code == 0
    before = state()
    sample = str(SAMPLES / "bearable.csv")
    refused = run("import", "--from", "bearable", sample)
    assert refused.exit_code == 1
    assert "bearable.csv:7: redness on 2026-11-15 is already logged" in refused.stderr
    assert state() == before  # one transaction: nothing of the file landed
    kept = run("import", "--from", "bearable", sample, "--on-duplicate", "skip")
    assert "Imported 3 into session 1" in kept.stdout
    assert "  1 already logged for that day" in kept.stdout
    assert _values(run)[("2026-11-15", "redness")] == 1
    replaced = run("import", "--from", "bearable", sample, "--on-duplicate", "replace")
    assert "Imported 0 into session 1 (2026-11-14, laser-rejuvenation) and replaced 4" in (
        replaced.stdout
    )
    assert _values(run)[("2026-11-15", "redness")] == 5


@pytest.mark.parametrize("source", ["flaredown", "bearable", "trackandgraph"])
def test_every_reading_is_accounted_for(run: Run, session_id: int, source: str) -> None:
    result = run("import", "--from", source, str(SAMPLES / f"{source}.csv"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    readings = int(lines[0].split(": ")[1].split()[0])
    imported = int(lines[1].split()[1])
    skipped = sum(int(line.split()[0]) for line in lines if line.startswith("  "))
    assert imported + skipped == readings
    assert len(_history(run)) == imported


def test_the_five_point_table_lands_in_the_matching_bands() -> None:
    from tracker.domain.other_trackers import FIVE_POINT_TO_TEN
    from tracker.domain.severity import band

    words = [band(FIVE_POINT_TO_TEN[level]) for level in range(5)]
    assert words == ["none", "mild", "moderate", "severe", "severe"]
    assert FIVE_POINT_TO_TEN[4] == 10


@given(st.floats(min_value=-20, max_value=20) | st.sampled_from([math.nan, math.inf]))
def test_a_trackandgraph_value_is_kept_only_on_the_scale_and_rounded_half_up(
    number: float,
) -> None:
    import datetime as dt

    from tracker.domain.other_trackers import ForeignFile, ForeignValue, convert

    day = dt.date(2026, 11, 15)
    found = ForeignFile("trackandgraph", 1, [ForeignValue(2, "Redness", day, repr(number))])
    result = convert(found, {}, session_date=day, today=day)
    if not 0 <= number <= 10:  # NaN too: it compares False
        assert result.kept == {} and sum(result.skipped.values()) == 1
        return
    (kept,) = result.kept.values()
    assert 0 <= kept.severity <= 10
    assert abs(kept.severity - number) <= 0.5
    assert kept.converted == (not number.is_integer())
