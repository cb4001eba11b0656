"""The scenarios of "flags a patient can trust", through the command line, at their exact days."""

from __future__ import annotations

import datetime as dt
import json

from conftest import Run

START = dt.date(2026, 11, 1)


def day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


def on(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def _session(run: Run, kind: str = "laser-rejuvenation", *extra: str) -> None:
    result = run("session", "add", "--date", day(0), "--kind", kind, *extra, today=on(0))
    assert result.exit_code == 0, result.output


def _log(run: Run, n: int, *pairs: str, session: str | None = None) -> str:
    where = ("--session", session) if session else ()
    result = run("log", *pairs, "--date", day(n), *where, today=on(n))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_symptom_no_longer_logged_is_not_called_on_course(run: Run) -> None:
    _session(run)
    _log(run, 3, "redness=4")
    on_day_7 = json.loads(run("flags", "--json", today=on(7)).stdout)
    assert [(f["kind"], f["level"]) for f in on_day_7] == [("missing", "info")]
    text = run("flags", "--as-of", day(8), today=on(8)).stdout
    assert "No flags" not in text
    # Not heard of since day 3: the alarm asks, its cause under it.
    assert "WARNING  redness no data since day 3 (session 1, day 8)" in text
    words = " ".join(text.split())
    assert "We have not heard about your redness since day 3 (4/10 then)" in words
    assert "Also: Redness was 4/10 on day 3 and has not been logged since" in words
    assert run("flags", "--fail-on", "warning", today=on(8)).exit_code == 3
    status = run("status", today=on(20)).stdout
    assert "within its expected course" not in status
    assert (
        "redness 4/10, day 3 (most people gone by day 3; flagged after day 7): past its "
        "expected course, and not logged since" in " ".join(status.split())
    )
    assert run("log", "redness=0", today=on(20)).exit_code == 0
    assert "No flags as of 2026-11-21" in run("flags", today=on(20)).stdout


def test_a_faded_strong_day_0_is_history_not_an_alarm(run: Run) -> None:
    _session(run)
    for n, value in enumerate([8, 8, 5, 3, 2]):
        _log(run, n, f"redness={value}")
    assert run("flags", "--fail-on", "urgent", today=on(12)).exit_code == 0
    assert json.loads(run("flags", "--json", today=on(4)).stdout) == []
    history = json.loads(run("flags", "--history", "--json", today=on(4)).stdout)
    assert [(f["kind"], f["level"], f["state"], f["resolved_date"]) for f in history] == [
        ("severe", "urgent", "resolved", day(2))
    ]
    text = run("flags", "--history", today=on(4)).stdout
    assert "No flags as of 2026-11-05" in text
    assert "resolved redness severe (session 1, days 0-1; urgent, ended 2026-11-03)" in text
    assert "Redness was severe on days 0-1, 8/10; down to 5/10 by day 2." in text


def test_logging_a_red_flag_prints_its_advice_at_once(run: Run) -> None:
    _session(run)
    out = _log(run, 3, "blistering=1")
    assert "blistering   1/10  mild" in out
    assert "URGENT: Blisters logged on day 3 (1/10)." in out
    assert "Contact your skin specialist or clinic now." in out
    assert "If you cannot reach them" in out
    assert "Once it is gone, log it as 0.\nTo log it: tracker log blistering=0\n" in out
    # Gone the next day: the alarm ends, and stays in the history.
    assert "URGENT" not in _log(run, 4, "blistering=0")
    assert json.loads(run("flags", "--json", today=on(5)).stdout) == []
    assert run("flags", "--all-profiles", "--fail-on", "urgent", today=on(5)).exit_code == 0


def test_hives_is_urgent_with_emergency_advice(run: Run) -> None:
    _session(run)
    out = " ".join(_log(run, 1, "urticaria=2").split())
    assert "hives 2/10 mild" in out
    assert "allergic reaction" in out and "emergency number" in out
    assert "trouble breathing" in out
    assert "URGENT" not in _log(run, 1, "rash=2")


def test_a_severe_value_prints_urgent_advice_but_an_expected_one_does_not(run: Run) -> None:
    _session(run, "co2-ablative")
    out = _log(run, 1, "swelling=8", "pain=8", "redness=8")
    assert "URGENT" not in out
    flags = json.loads(run("flags", "--json", today=on(1)).stdout)
    assert {(f["symptom"], f["kind"], f["level"]) for f in flags} == {
        ("swelling", "expected-strong", "info"),
        ("pain", "expected-strong", "info"),
        ("redness", "expected-strong", "info"),
    }
    # After its strong stage (day 3) and not easing: a warning; past day 7: urgent.
    assert "URGENT" not in _log(run, 4, "swelling=8")
    assert "URGENT: Swelling is still severe: 8/10 on day 8, past day 7" in " ".join(
        _log(run, 8, "swelling=8").split()
    )


def test_expected_late_symptoms_are_not_worsening(run: Run) -> None:
    _session(run)
    for n, value in enumerate([0, 0, 1, 1, 3]):
        _log(run, n, f"peeling={value}")
    assert json.loads(run("flags", "--json", today=on(4)).stdout) == []


def test_a_sparse_rise_is_worsening(run: Run) -> None:
    _session(run, "microneedling")
    _log(run, 0, "itching=2")
    _log(run, 4, "itching=5")
    flags = json.loads(run("flags", "--json", today=on(4)).stdout)
    assert [(f["kind"], f["first_day"]) for f in flags] == [("worsening", 4)]


def test_a_deep_peel_uses_a_medium_peels_itching_course(run: Run) -> None:
    _session(run, "peel-deep")
    _log(run, 0, "itching=3")
    _log(run, 6, "itching=2")
    assert json.loads(run("flags", "--json", today=on(6)).stdout) == []
    rows = json.loads(run("protocol", "--kind", "peel-deep", "--json").stdout)
    itching = next(r for r in rows if r["symptom"] == "itching")
    assert (itching["max_days"], itching["from_kind"]) == (14, "peel-medium")
    assert {r["basis"] for r in rows} >= {"published", "inferred", "default", "red-flag"}
    text = run("protocol", "--kind", "peel-deep").stdout
    assert "no figure" in text and "from peel-medium" in text


def test_blistering_is_never_within_its_expected_course(run: Run) -> None:
    _session(run)
    _log(run, 2, "blistering=1")
    status = run("status", today=on(2)).stdout
    assert "blistering 1/10, day 2: a warning sign: contact your clinic now" in status
    assert "within its expected course" not in status


def test_a_newer_session_does_not_hide_open_flags(run: Run) -> None:
    _session(run)
    _log(run, 1, "redness=4", "fever=1")
    added = run("session", "add", "--date", day(3), "--kind", "ipl", today=on(3))
    assert added.exit_code == 0
    assert "Warning: session 1 still has 2 open flags (fever, redness)" in added.stderr
    flags = json.loads(run("flags", "--json", today=on(9)).stdout)
    assert {(f["session_id"], f["symptom"], f["kind"]) for f in flags} == {
        (1, "fever", "red-flag"),
        (1, "redness", "persisting"),
    }
    status = run("status", today=on(9)).stdout
    assert "Still open from earlier sessions:" in status
    assert "tracker log SYMPTOM=0 --session 1" in status
    assert "To log it: tracker log fever=0 --session 1" in status
    # The missing flag's step names no value: any value (0 once gone) ends it.
    assert "To log it: tracker log redness=N --session 1\n" in run("flags", today=on(4)).stdout
    triage = json.loads(run("flags", "--all-profiles", "--json", today=on(9)).stdout)
    assert {(f["profile"], f["session_id"], f["kind"]) for f in triage} == {
        ("default", 1, "red-flag"),
        ("default", 1, "persisting"),
    }
    _log(run, 9, "fever=0", "redness=0", session="1")
    assert json.loads(run("flags", "--json", today=on(9)).stdout) == []


def test_a_duplicate_session_is_refused_unless_again(run: Run) -> None:
    _session(run, "ipl", "--area", "face")
    again = run("session", "add", "--date", day(0), "--kind", "ipl", "--area", "face")
    assert again.exit_code == 1
    assert "Session 1 (ipl on 2026-11-01, face) already exists" in again.stderr
    assert "--again" in again.stderr
    other_area = run("session", "add", "--date", day(0), "--kind", "ipl", "--area", "neck")
    assert other_area.exit_code == 0
    forced = run("session", "add", "--date", day(0), "--kind", "ipl", "--area", "face", "--again")
    assert forced.exit_code == 0
    assert len(json.loads(run("session", "list", "--json").stdout)) == 3
