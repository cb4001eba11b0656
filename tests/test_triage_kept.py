"""The clinic's triage list from kept lines (issue 26, speed and scale): silence must be
earned, so the kept, paged list must be the whole flag engine's answer, in order.

- The domain: a line kept on a day holds on every day it says it holds (judged again by
  the engine on each of them), over random histories and days, and over the scenario files
  of issue 22.
- A real database: random patients, writes and days; after each, every page of the kept
  list, in order, equals ``clinic_lines`` (the engine over every open recovery), and the
  counts per category equal its. Each kind of write makes the line stale.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.records import ProfileRecord, SessionRecord, ValueRecord
from tracker.domain.temperature import TemperatureRecord, parse_temperature
from tracker.domain.triage import Review
from tracker.domain.triage_kept import PatientFacts, kept_line, line_on
from tracker.services import accounts, reviews, triage, triage_pages
from tracker.storage.database import Database, resolve

KINDS = (
    "laser-rejuvenation",
    "ipl",
    "microneedling",
    "peel-medium",
    "co2-ablative",
    "nonablative-fractional",
)
SYMPTOMS = ("redness", "swelling", "itching", "blistering", "peeling", "crusting", "pain")
START = dt.date(2026, 10, 1)
SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.toml"))
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def _courses() -> Any:
    return triage.course_days()


def _shown(line: Any) -> tuple[object, ...]:
    session = line.session
    return (
        line.category,
        line.reviewed,
        line.words,
        line.waiting,
        None if session is None else (session.id, session.kind, session.date),
        line.last_logged,
    )


def _kept_shown(kept: Any, as_of: dt.date) -> tuple[object, ...]:
    session = kept.session
    return (
        kept.category,
        kept.reviewed,
        kept.words,
        kept.waiting_on(as_of),
        None if session is None else (session.id, session.kind, session.date),
        kept.last_logged,
    )


def _holds_every_day(facts: PatientFacts, as_of: dt.date) -> int:
    """Keep the line on ``as_of`` and judge it again on each day it says it holds: the
    same, every day. Returns the number of days it holds."""
    expectations = Expectations(shipped_table(), facts.overrides, skin=facts.skin)
    first, kept = kept_line(facts, expectations.for_pair, _courses(), as_of)
    assert _shown(first) == _kept_shown(kept, as_of)
    assert kept.since == as_of <= kept.until
    day = as_of
    while day <= kept.until:
        again = line_on(facts, expectations.for_pair, _courses(), day)
        assert _shown(again) == _kept_shown(kept, day), (day, kept)
        assert again.sort_key() == kept.sort_key(day, facts.profile)
        day += dt.timedelta(days=1)
    return (kept.until - as_of).days + 1


# -- the domain: random histories -------------------------------------------------------


@st.composite
def patients(draw: st.DrawFn) -> PatientFacts:
    sessions: list[SessionRecord] = []
    values: dict[int, list[ValueRecord]] = {}
    temperatures: list[tuple[int, tuple[TemperatureRecord, ...]]] = []
    offset = 0
    for number in range(1, draw(st.integers(0, 2)) + 1):
        offset += draw(st.integers(0, 40))
        date = START + dt.timedelta(days=offset)
        follow = draw(st.none() | st.integers(0, 150))
        follow_up = None if follow is None else date + dt.timedelta(days=follow)
        session = SessionRecord(number, date, draw(st.sampled_from(KINDS)), follow_up=follow_up)
        sessions.append(session)
        logs = draw(
            st.lists(
                st.tuples(st.integers(0, 35), st.sampled_from(SYMPTOMS), st.integers(0, 10)),
                max_size=14,
                unique_by=lambda t: (t[0], t[1]),
            )
        )
        found = sorted(
            (ValueRecord(number, date + dt.timedelta(days=d), d, s, v) for d, s, v in logs),
            key=lambda v: v.date,
        )
        if found:
            values[number] = found
        readings = draw(
            st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["37.1", "38.6"])), max_size=3)
        )
        if readings:
            temperatures.append(
                (
                    number,
                    tuple(
                        TemperatureRecord(i, number, date + dt.timedelta(days=d), d, v, "C")
                        for i, (d, v) in enumerate(sorted(readings, key=lambda r: r[0]))
                    ),
                )
            )
    logged = {n: max(v.date for v in found) for n, found in values.items()}
    skin = ProfileRecord("p", draw(st.sampled_from([None, "II", "V"])), draw(st.booleans()))
    facts = PatientFacts("p", 1, skin, (), tuple(sessions), values, logged, tuple(temperatures))
    if sessions and draw(st.booleans()):
        # A review of the line on some day: what it covers then.
        expectations = Expectations(shipped_table(), skin=skin)
        on = START + dt.timedelta(days=draw(st.integers(0, 90)))
        seen = line_on(facts, expectations.for_pair, _courses(), on)
        review = Review(
            7,
            None,
            draw(st.sampled_from(["seen", "contacted"])),
            None,
            1,
            NOW.replace(tzinfo=None),
            seen.concerns,
        )
        facts = PatientFacts(
            *[
                getattr(facts, f)
                for f in (
                    "profile",
                    "profile_id",
                    "skin",
                    "overrides",
                    "sessions",
                    "values",
                    "logged",
                    "temperatures",
                )
            ],
            review,
        )
    return facts


@settings(max_examples=200, deadline=None)
@given(patients(), st.integers(-5, 220))
def test_a_kept_line_holds_on_every_day_it_says(facts: PatientFacts, day: int) -> None:
    _holds_every_day(facts, START + dt.timedelta(days=day))


def test_a_finished_recovery_is_kept_for_weeks_and_an_open_one_until_its_next_turn() -> None:
    """Not every day judged again: a recovery long over holds for the horizon, one on its
    course until its next threshold."""
    session = SessionRecord(1, START, "microneedling")
    over = [
        ValueRecord(1, START + dt.timedelta(days=d), d, "redness", v) for d, v in ((1, 3), (5, 0))
    ]
    done = PatientFacts("p", 1, ProfileRecord("p"), (), (session,), {}, {1: over[-1].date}, ())
    assert _holds_every_day(done, START + dt.timedelta(days=200)) == 61
    open_ = PatientFacts(
        "p", 1, ProfileRecord("p"), (), (session,), {1: over[:1]}, {1: over[0].date}, ()
    )
    # Aged into "no data since day 1": kept until the course's end, then for the horizon.
    assert 1 < _holds_every_day(open_, START + dt.timedelta(days=8)) < 61
    assert _holds_every_day(open_, START + dt.timedelta(days=30)) == 61


# -- the scenario files of issue 22 ------------------------------------------------------


def _scenario_facts(path: Path) -> PatientFacts:
    with path.open("rb") as handle:
        scenario = tomllib.load(handle)
    session = SessionRecord(1, START, scenario["kind"])
    values = sorted(
        (
            ValueRecord(1, START + dt.timedelta(days=log["day"]), log["day"], symptom, value)
            for log in scenario.get("log", ())
            for symptom, value in log.get("values", {}).items()
        ),
        key=lambda v: v.date,
    )
    readings = []
    for number, log in enumerate(scenario.get("log", ()), start=1):
        if "temperature" in log:
            typed = parse_temperature(log["temperature"])
            date = START + dt.timedelta(days=log["day"])
            readings.append(TemperatureRecord(number, 1, date, log["day"], typed.value, typed.unit))
    skin = ProfileRecord("p", scenario.get("skin_type") or None)
    logged = {1: values[-1].date} if values else {}
    temperatures = ((1, tuple(readings)),) if readings else ()
    return PatientFacts(
        "p", 1, skin, (), (session,), {1: values} if values else {}, logged, temperatures
    )


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_a_scenario_kept_on_a_day_holds_on_every_day_it_says(path: Path) -> None:
    facts = _scenario_facts(path)
    for day in range(-1, 50, 7):  # every day: the sweep below
        _holds_every_day(facts, START + dt.timedelta(days=day))


@pytest.mark.sweep
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_a_scenario_kept_on_any_day_holds_on_every_day_it_says(path: Path) -> None:
    facts = _scenario_facts(path)
    for day in range(-1, 50):
        _holds_every_day(facts, START + dt.timedelta(days=day))


# -- a real database: the kept, paged list is the engine's, in order ----------------------


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    found = Database(resolve(db_url))
    yield found
    found.dispose()


def _kept_list(
    database: Database, as_of: dt.date, size: int = 3
) -> tuple[list[Any], dict[str, int]]:
    """Every page of the kept list, as the clinician's page reads them."""
    found: list[Any] = []
    number = 1
    while True:
        with database.reading() as store:
            judged = triage_pages.stale_lines(store, as_of)
        with database.writing() as store:
            triage_pages.keep(store, judged)
            page = triage_pages.page(store, as_of, number, size)
        with database.reading() as store:
            assert triage_pages.stale_lines(store, as_of) == []
        found.extend((line.profile, *_kept_shown(line.kept, as_of)) for line in page.lines)
        if number >= page.pages:
            return found, page.counts
        number += 1


def _engine_list(database: Database, as_of: dt.date) -> tuple[list[Any], dict[str, int]]:
    with database.reading() as store:
        lines = triage.clinic_lines(store, as_of)
        patients = reviews.patient_emails(store)
    shown = [(x.profile, *_shown(x)) for x in lines if x.profile_id in patients]
    counts: dict[str, int] = {}
    for x in lines:
        if x.profile_id in patients:
            counts[x.category] = counts.get(x.category, 0) + 1
    return shown, counts


def _same(database: Database, as_of: dt.date) -> None:
    kept, counts = _kept_list(database, as_of)
    engine, engine_counts = _engine_list(database, as_of)
    assert kept == engine
    assert counts == engine_counts


@st.composite
def steps(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Days forward (or back), and writes between them: (what, patient, ...)."""
    found: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(1, 8))):
        what = draw(
            st.sampled_from(
                ["day", "value", "value", "session", "follow-up", "temperature", "review", "undo"]
            )
        )
        patient = draw(st.integers(0, 2))
        if what == "day":
            found.append(("day", draw(st.integers(-3, 25))))
        elif what == "value":
            found.append(
                (
                    "value",
                    patient,
                    draw(st.integers(0, 12)),
                    draw(st.sampled_from(SYMPTOMS)),
                    draw(st.integers(0, 10)),
                )
            )
        elif what == "session":
            found.append(
                ("session", patient, draw(st.integers(0, 10)), draw(st.sampled_from(KINDS)))
            )
        elif what == "follow-up":
            found.append(("follow-up", patient, draw(st.integers(0, 20))))
        elif what == "temperature":
            found.append(("temperature", patient, draw(st.sampled_from(["37.0", "38.9"]))))
        else:
            found.append((what, patient))
    return found


class Clinic:
    """Three patients with accounts on one database; writes through the services."""

    def __init__(self, db_url: str, tag: int, writer_pays: bool = False) -> None:
        self.db_url = db_url
        self.names: list[str] = []
        self.writer_pays = writer_pays
        self.as_of = TODAY  # the day a writer judges the lines it wrote on
        admin = Database(resolve(db_url))
        try:
            with admin.writing() as store:
                for n in range(3):
                    email = f"p{tag}-{n}@example.org"
                    accounts.invite_patient(store, email, NOW)
                    self.names.append(accounts.profile_name_for(email))
        finally:
            admin.dispose()

    def db(self, name: str) -> Database:
        found = Database(resolve(self.db_url), profile=name)
        if self.writer_pays:  # as the clinic's server does
            found.after_writes(
                lambda store, written: triage_pages.keep_written(store, written, self.as_of)
            )
        return found


def _apply(clinic: Clinic, step: tuple[Any, ...], as_of: dt.date) -> None:
    from tracker.domain.temperature import parse_temperature as typed_temperature

    what, patient, *rest = step
    database = clinic.db(clinic.names[patient])
    try:
        with database.writing() as store:
            latest = store.latest_session_on_or_before(as_of)
            if what == "session":
                back, kind = rest
                store.add_session(SessionRecord(0, as_of - dt.timedelta(days=back), kind))
            elif latest is None:
                return
            elif what == "value":
                back, symptom, severity = rest
                date = max(latest.date, as_of - dt.timedelta(days=back))
                store.write_day(latest, date, {symptom: severity}, None)
            elif what == "follow-up":
                (days,) = rest
                store.update_session(
                    replace_follow_up(latest, latest.date + dt.timedelta(days=days))
                )
            elif what == "temperature":
                (reading,) = rest
                store.add_temperature(latest, as_of, typed_temperature(reading), None)
            elif what == "review":
                reviews.add_review(store, as_of, "seen", None, None, NOW)
            elif what == "undo":
                change = store.last_change()
                if change is not None:
                    store.undo_change(change)
    finally:
        database.dispose()


def replace_follow_up(session: SessionRecord, date: dt.date) -> SessionRecord:
    from dataclasses import replace

    return replace(session, follow_up=date)


EXAMPLES = iter(range(10**6))


def _stale(database: Database, as_of: dt.date) -> list[tuple[int, int]]:
    with database.reading() as store:
        return triage_pages.stale(store, as_of)


@pytest.mark.parametrize("writer_pays", [False, True], ids=["list-judges", "writer-judges"])
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=steps())
def test_the_kept_paged_list_is_the_engines_in_order(
    db_url: str, writer_pays: bool, plan: list[tuple[Any, ...]]
) -> None:
    """Whoever judges the lines: the list's load (each write left its line stale), or the
    writer, in the write's own transaction (as the clinic's server does: then a write
    leaves nothing for the list to judge, and the list read as kept is the engine's)."""
    clinic = Clinic(db_url, next(EXAMPLES), writer_pays)
    database = Database(resolve(db_url))
    as_of = TODAY
    try:
        _same(database, as_of)
        for step in plan:
            if step[0] == "day":
                as_of += dt.timedelta(days=step[1])
                clinic.as_of = as_of
            else:
                _apply(clinic, step, as_of)
                if writer_pays:
                    assert _stale(database, as_of) == [], step
            _same(database, as_of)
    finally:
        database.dispose()


# -- migration 0016, and a repair ---------------------------------------------------------


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(resolve(url).url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _execute(url: str, *sql: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(resolve(url).url)
    try:
        with engine.begin() as conn:
            for statement in sql:
                conn.execute(text(statement))
    finally:
        engine.dispose()


VALUES = (
    "SELECT session_id, date, symptom, severity FROM entries ORDER BY session_id, date, symptom"
)


@pytest.mark.new_database
def test_0016_keeps_a_line_for_every_profile_judged_on_first_load_and_steps_back(
    db_url: str,
) -> None:
    from tracker.storage import migrate

    location = resolve(db_url)
    migrate.upgrade(location, "0015")
    _execute(
        db_url,
        "INSERT INTO profiles (id, name, sensitive_skin, uuid) VALUES "
        "(2, 'ann', false, 'a'), (3, 'bob', false, 'b')",
        "INSERT INTO sessions (id, profile_id, number, date, kind) VALUES "
        "(1, 2, 1, '2026-11-19', 'ipl'), (2, 3, 1, '2026-11-01', 'ipl')",
        "INSERT INTO entries (session_id, date, symptom, severity) VALUES "
        "(1, '2026-11-24', 'blistering', 3), (2, '2026-11-02', 'redness', 0)",
        "INSERT INTO symptom_courses (session_id, symptom, latest, latest_severity, gone, "
        "value_count) VALUES (1, 'blistering', '2026-11-24', 3, NULL, 1), "
        "(2, 'redness', '2026-11-02', 0, NULL, 1)",
    )
    values = _rows(db_url, VALUES)
    migrate.upgrade(location, "0016")
    assert _rows(db_url, VALUES) == values
    # One row per profile (the default one too), nothing judged yet.
    kept = "SELECT profile_id, changes, judged, category FROM triage_lines ORDER BY profile_id"
    assert _rows(db_url, kept) == [(1, 1, None, None), (2, 1, None, None), (3, 1, None, None)]
    database = Database(resolve(db_url))
    try:
        with database.reading() as store:
            judged = triage_pages.stale_lines(store, TODAY)
        assert {k.profile_id: k.category for k, _ in judged} == {
            1: "no-session",
            2: "urgent",
            3: "none",
        }
        with database.writing() as store:
            triage_pages.keep(store, judged)
        assert [row[:3] for row in _rows(db_url, kept)] == [(1, 1, 1), (2, 1, 1), (3, 1, 1)]
    finally:
        database.dispose()
    migrate.downgrade(location, "0015")
    assert _rows(db_url, VALUES) == values
    assert not _rows(
        db_url,
        "SELECT 1 FROM sqlite_master WHERE name = 'triage_lines'"
        if db_url.endswith(".db")
        else "SELECT 1 FROM pg_tables WHERE tablename = 'triage_lines'",
    )
    migrate.upgrade(location)
    assert _rows(db_url, VALUES) == values


def test_every_write_to_a_record_makes_its_kept_line_stale_and_a_repair_judges_all_anew(
    db_url: str,
) -> None:
    """A line kept stays kept until its record is written; a database edited by hand (no
    write counted) is repaired by judging every line anew."""
    clinic = Clinic(db_url, 0)
    name = clinic.names[0]
    database = Database(resolve(db_url))

    def stale() -> set[str]:
        with database.reading() as store:
            found = triage_pages.stale_lines(store, TODAY)
            names = {pid: n for n, (pid, _) in store.all_profile_records().items()}
        with database.writing() as store:
            triage_pages.keep(store, found)
        return {names[k.profile_id] for k, _ in found}

    try:
        stale()
        assert stale() == set()
        steps: list[tuple[Any, ...]] = [
            ("session", 0, 3, "ipl"),
            ("value", 0, 1, "redness", 4),
            ("undo", 0),
            ("value", 0, 0, "redness", 5),
            ("follow-up", 0, 10),
            ("temperature", 0, "38.9"),
            ("review", 0),
        ]
        for step in steps:
            _apply(clinic, step, TODAY)
            assert stale() == {name}, step
        # A hand edit counts no write: the kept line would stay as it was, until repaired.
        _execute(db_url, "UPDATE entries SET severity = 0")
        assert stale() == set()
        with database.writing() as store:
            assert store.forget_triage_lines() == len(clinic.names) + 1
        assert stale() == {*clinic.names, "default"}
        _same(database, TODAY)
    finally:
        database.dispose()


def test_a_line_judged_before_a_write_does_not_replace_the_one_the_writer_kept(
    db_url: str,
) -> None:
    """A list's load reads a patient's facts, a check-in then writes and judges her line,
    and the load keeps what it judged last: the writer's line stays (it was judged after
    more writes), and nothing is left stale."""
    clinic = Clinic(db_url, 0, writer_pays=True)
    database = Database(resolve(db_url))
    try:
        _same(database, TODAY)
        _apply(clinic, ("session", 0, 3, "ipl"), TODAY)
        _execute(db_url, "UPDATE triage_lines SET judged = NULL")  # all to be judged
        with database.reading() as store:
            before = triage_pages.stale_lines(store, TODAY)
        _apply(clinic, ("value", 0, 0, "blistering", 3), TODAY)  # urgent, kept by the writer
        with database.writing() as store:
            triage_pages.keep(store, before)
        assert _stale(database, TODAY) == []
        with database.reading() as store:
            shown = triage_pages.page(store, TODAY)
        assert shown.counts.get("urgent") == 1
        _same(database, TODAY)
    finally:
        database.dispose()


def test_tracker_clinic_triage_judges_the_days_lines_ahead_and_all_anew(db_url: str) -> None:
    """The timer's command: what the first load of a day would judge, judged ahead; --all
    after a hand edit."""
    import re

    from conftest import invoke

    clinic = Clinic(db_url, 0)
    first = invoke("clinic", "triage", "--db", db_url)
    assert first.exit_code == 0, first.output
    assert re.fullmatch(
        r"Triage lines judged for \d{4}-\d\d-\d\d: 4, in \d+\.\d s\.\n", first.output
    )
    again = invoke("clinic", "triage", "--db", db_url)
    assert ": 0, in" in again.output
    _apply(clinic, ("session", 1, 2, "ipl"), TODAY)
    assert ": 1, in" in invoke("clinic", "triage", "--db", db_url).output
    every = invoke("clinic", "triage", "--all", "--db", db_url)
    assert ": 4 (4 kept lines set aside first), in" in every.output
    assert ": 0, in" in invoke("clinic", "triage", "--db", db_url).output


def test_the_triage_timer_and_its_service_are_valid_units() -> None:
    import shutil
    import subprocess

    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    deploy = Path(__file__).parent.parent / "deploy"
    done = subprocess.run(
        [
            analyze,
            "verify",
            str(deploy / "tracker-triage.timer"),
            str(deploy / "tracker-triage.service"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The only complaint allowed: the tracker it names is not installed at that path here.
    problems = [
        line
        for line in done.stderr.splitlines()
        if line.strip() and "/opt/tracker/venv/bin/tracker" not in line
    ]
    assert problems == [], done.stderr


@pytest.mark.sqlite_only
def test_tracker_log_on_a_file_makes_the_kept_line_stale_too(db_url: str) -> None:
    """`tracker log` on an SQLite file writes through sqlite3 alone (tracker.storage.quick):
    it counts the write as the store does."""
    from conftest import invoke

    clinic = Clinic(db_url, 0)
    name = clinic.names[0]
    _apply(clinic, ("session", 0, 3, "ipl"), TODAY)
    database = Database(resolve(db_url))
    try:
        _kept_list(database, TODAY)
        logged = invoke(
            "--db", db_url, "--profile", name, "log", "blistering=3", "--date", str(TODAY)
        )
        assert logged.exit_code == 0, logged.output
        with database.reading() as store:
            assert [pid for pid, _ in triage_pages.stale(store, TODAY)] == [
                store.all_profile_records()[name][0]
            ]
        _same(database, TODAY)
    finally:
        database.dispose()
