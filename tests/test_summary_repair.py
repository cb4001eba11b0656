"""A database edited by hand (raw SQL) can leave a symptom summary that no longer says what
the values do: `tracker db check` names each (profile, session, symptom) that differs and
says how to repair; `tracker db check --repair` makes them anew from the values in one
transaction, changing no value (issue 24)."""

from __future__ import annotations

from conftest import Run
from sqlalchemy import create_engine, text


def _sql(db_url: str, *statements: str) -> list[tuple[object, ...]]:
    """Statements run as a hand edit would: straight on the database, past the tracker."""
    url = db_url if "://" in db_url else f"sqlite:///{db_url}"
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            found: list[tuple[object, ...]] = []
            for statement in statements:
                result = connection.execute(text(statement))
                if result.returns_rows:
                    found = [tuple(row) for row in result]
            return found
    finally:
        engine.dispose()


VALUES = "SELECT session_id, date, symptom, severity, note FROM entries ORDER BY id"


def test_check_names_each_summary_a_hand_edit_left_wrong_and_repair_remakes_them(
    run: Run, db_url: str, session_id: int
) -> None:
    for day, values in ((15, ("redness=6", "itching=3")), (16, ("redness=4", "swelling=2"))):
        assert run("log", *values, "--date", f"2026-11-{day}").exit_code == 0
    assert run("db", "check").exit_code == 0
    # As if the clinic's list had judged the patient's line: the hand edit counts no write.
    judged = _sql(
        db_url, "UPDATE triage_lines SET judged = changes", "SELECT judged FROM triage_lines"
    )
    assert judged and all(row[0] is not None for row in judged)
    _sql(
        db_url,
        # redness's latest value changed (its summary still says 4 on the 16th)
        "UPDATE entries SET severity = 0 WHERE symptom = 'redness' AND date = '2026-11-16'",
        # itching's values gone (its summary stays)
        "DELETE FROM entries WHERE symptom = 'itching'",
        # a value written without its summary
        "INSERT INTO entries (session_id, date, symptom, severity) "
        "SELECT session_id, '2026-11-16', 'pain', 5 FROM entries WHERE symptom = 'swelling'",
    )
    values = _sql(db_url, VALUES)
    checked = run("db", "check")
    assert checked.exit_code == 1
    lines = [line for line in checked.stdout.splitlines() if line.startswith("Problem:")]
    where = f"symptom summary of profile 'default', session {session_id}"
    assert lines == [
        f"Problem:  {where}, itching: kept (latest value 3 on 2026-11-15, not gone, 1 values), "
        "but the session holds no such value",
        f"Problem:  {where}, pain: missing (its values: latest value 5 on 2026-11-16, not gone, "
        "1 values)",
        f"Problem:  {where}, redness: says latest value 4 on 2026-11-16, not gone, 2 values; "
        "its values say latest value 0 on 2026-11-16, gone on 2026-11-16, 2 values",
    ]
    assert checked.stdout.rstrip().endswith("Run: tracker db check --repair")

    repaired = run("db", "check", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert repaired.stdout.startswith("Repaired: 3 symptom summaries made anew from their values.")
    assert "Symptom summaries: as the values say." in repaired.stdout
    assert run("db", "check").exit_code == 0
    assert _sql(db_url, VALUES) == values  # the record itself is not touched
    # ... and the kept triage lines are judged anew from the values when next asked for.
    assert _sql(db_url, "SELECT judged FROM triage_lines") == [(None,)] * len(judged)
    # What the pages read from the summaries now follows the values: redness is gone.
    status = run("status", "--json")
    assert status.exit_code == 0
    assert "pain" in status.stdout
    again = run("db", "check", "--repair")  # nothing to repair: a check, nothing written
    assert again.exit_code == 0
    assert "Repaired" not in again.stdout


def test_check_counts_the_summaries_past_the_first_forty(run: Run, db_url: str) -> None:
    for number in range(10):  # a session a day, each with 7 symptoms: 70 summaries
        assert (
            run("session", "add", "--date", f"2026-11-1{number}", "--kind", "laser").exit_code == 0
        )
    symptoms = ("redness", "itching", "swelling", "pain", "burning", "dryness", "peeling")
    for day in range(10, 20):
        assert run("log", *(f"{s}=2" for s in symptoms), "--date", f"2026-11-{day}").exit_code == 0
    _sql(db_url, "DELETE FROM symptom_courses")  # as a generator writing values alone leaves it
    checked = run("db", "check")
    assert checked.exit_code == 1
    problems = [line for line in checked.stdout.splitlines() if line.startswith("Problem:")]
    pairs = len(_sql(db_url, "SELECT DISTINCT session_id, symptom FROM entries"))
    assert pairs == 70
    assert len(problems) == 41
    assert (
        problems[-1]
        == f"Problem:  and {pairs - 40} more symptom summaries differ from their values"
    )
    assert f"Repaired: {pairs} symptom" in run("db", "check", "--repair").stdout
    assert run("db", "check").exit_code == 0


def test_repair_leaves_a_database_with_another_problem_as_it_is(
    run: Run, db_url: str, session_id: int
) -> None:
    assert run("log", "redness=3", "--date", "2026-11-15").exit_code == 0
    _sql(
        db_url,
        "DELETE FROM symptom_courses",
        "CREATE VIEW hand_made AS SELECT * FROM entries",  # not the tracker's schema
    )
    checked = run("db", "check", "--repair")
    assert checked.exit_code == 1
    assert "Repaired" not in checked.stdout
    assert len(_sql(db_url, "SELECT * FROM symptom_courses")) == 0
