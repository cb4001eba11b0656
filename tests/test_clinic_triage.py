"""A clinic's triage list, worst first, and the clinician's reviews (issue 26, item 4; issue
22: a patient silent since the session is on the list). On a real database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import TODAY, Run
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.domain.errors import MALFORMED, REFUSED, TrackerError
from tracker.domain.triage import MAX_NOTE_CHARS, Concern, check_review
from tracker.services import reviews, triage
from tracker.storage.database import Database, resolve

NOW = dt.datetime(2026, 11, 24, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    found = Database(resolve(db_url))
    yield found
    found.dispose()


def _patient(run: Run, name: str, kind: str, date: str, *logs: tuple[str, list[str]]) -> None:
    assert run("profile", "add", name).exit_code == 0
    assert run("--profile", name, "session", "add", "--date", date, "--kind", kind).exit_code == 0
    for day, values in logs:
        assert run("--profile", name, "log", *values, "--date", day).exit_code == 0


def _clinic(run: Run) -> None:
    """One patient per category, added in an order that is not the list's."""
    assert run("profile", "add", "nosession").exit_code == 0
    _patient(run, "quiet", "microneedling", "2026-11-22", ("2026-11-24", ["redness=0"]))
    _patient(run, "silent", "co2-ablative", "2026-11-20")
    assert run("profile", "add", "followup").exit_code == 0
    added = run(
        "--profile",
        "followup",
        "session",
        "add",
        "--date",
        "2026-11-14",
        "--follow-up",
        "2026-11-24",
    )
    assert added.exit_code == 0
    assert run("--profile", "followup", "log", "redness=0").exit_code == 0
    # Non-ablative fractional swelling 8 on day 4 and nothing since (issue 22): aged.
    _patient(run, "aged", "nonablative-fractional", "2026-11-14", ("2026-11-18", ["swelling=8"]))
    _patient(
        run,
        "warned",
        "laser-rejuvenation",
        "2026-11-10",
        ("2026-11-11", ["redness=5"]),
        ("2026-11-23", ["redness=2"]),
    )
    _patient(run, "urgent", "ipl", "2026-11-19", ("2026-11-24", ["blistering=3"]))


def _order(database: Database, as_of: dt.date = TODAY) -> list[tuple[str, str, bool]]:
    with database.reading() as store:
        lines = triage.clinic_lines(store, as_of)
    return [(x.profile, x.category, x.reviewed) for x in lines if x.profile != "default"]


EVERY_CATEGORY = [
    ("urgent", "urgent", False),
    ("warned", "warning", False),
    ("aged", "no-data", False),
    ("followup", "follow-up", False),
    ("silent", "silent", False),
    ("quiet", "none", False),
    ("nosession", "no-session", False),
]


def test_worst_first_urgent_warning_no_data_follow_up_silent(run: Run, database: Database) -> None:
    _clinic(run)
    assert _order(database) == EVERY_CATEGORY
    with database.reading() as store:
        words = {x.profile: x.words for x in triage.clinic_lines(store, TODAY)}
    assert words["aged"].startswith("Swelling: no data since day 4")
    assert words["followup"] == "follow-up due 2026-11-24 (today)"
    assert words["silent"] == "nothing logged since the session (now day 4)"
    assert words["quiet"] == "nothing open"


def test_silent_since_the_session_only_while_its_course_runs(run: Run, database: Database) -> None:
    """Issue 22: a CO2 patient who has logged nothing since day 0 is not 'none'; a session
    whose whole expected course has passed is history, not silence."""
    _patient(run, "silent", "co2-ablative", "2026-11-20")
    assert _order(database, dt.date(2026, 11, 21)) == [("silent", "none", False)]  # day 1
    assert _order(database, dt.date(2026, 11, 22)) == [("silent", "silent", False)]  # day 2
    with database.reading() as store:
        course = triage.course_days()("co2-ablative")
    after = dt.date(2026, 11, 20) + dt.timedelta(days=course + 1)
    assert _order(database, after) == [("silent", "none", False)]
    # Only zeros on day 0, then nothing: silent since day 0 too.
    _patient(run, "zeros", "co2-ablative", "2026-11-20", ("2026-11-20", ["itching=0"]))
    with database.reading() as store:
        zeros = next(x for x in triage.clinic_lines(store, TODAY) if x.profile == "zeros")
    assert (zeros.category, zeros.words) == ("silent", "nothing logged since day 0")


def test_status_of_every_profile_lists_them_most_in_need_first(
    run: Run, database: Database
) -> None:
    _clinic(run)
    lines = run("status", "--all-profiles").stdout.splitlines()
    assert lines[0] == "Every profile as of 2026-11-24, most in need first:"
    assert [line.split()[0] for line in lines[2:]] == [
        "urgent",
        "warned",
        "aged",
        "followup",
        "silent",
        "quiet",
        "default",
        "nosession",
    ]
    assert lines[6].split()[4:] == [
        "nothing",
        "logged",
        "since",
        "the",
        "session",
        "(now",
        "day",
        "4)",
        "never",
    ]


def test_a_review_moves_the_patient_down_until_a_new_or_worse_concern(
    run: Run, database: Database
) -> None:
    _clinic(run)
    patient = database.for_profile("urgent")
    with patient.writing() as store:
        review = reviews.add_review(store, TODAY, "seen", "  Called, coming in at 4  ", 7, NOW)
    assert review.note == "Called, coming in at 4"  # stripped, never cut
    assert review.at == dt.datetime(2026, 11, 24, 15, 30)
    assert review.covers == (
        Concern(review.session_id or 0, "blistering", "urgent", ("red-flag",)),
    )
    # Below every unreviewed concern, above the patients with nothing open.
    reviewed = [*EVERY_CATEGORY[1:5], ("urgent", "urgent", True), *EVERY_CATEGORY[5:]]
    assert _order(database) == reviewed
    # The same flag the next day (still urgent, not worse): stays down.
    assert run("--profile", "urgent", "log", "blistering=2", "--date", "2026-11-24").exit_code == 0
    assert _order(database) == reviewed
    # A new symptom flagged: lifted back to the top.
    assert run("--profile", "urgent", "log", "pus=1", "--date", "2026-11-24").exit_code == 0
    assert _order(database)[0] == ("urgent", "urgent", False)


def test_a_higher_level_lifts_a_reviewed_warning_and_a_lower_one_does_not(
    run: Run, database: Database
) -> None:
    _patient(
        run,
        "warned",
        "laser-rejuvenation",
        "2026-11-10",
        ("2026-11-11", ["redness=5"]),
        ("2026-11-23", ["redness=2"]),
    )
    _patient(run, "silent", "co2-ablative", "2026-11-20")
    with database.for_profile("warned").writing() as store:
        reviews.add_review(store, TODAY, "contacted", None, 7, NOW)
    assert _order(database) == [("silent", "silent", False), ("warned", "warning", True)]
    # Redness 9 on day 14 after laser rejuvenation: urgent, above the reviewed warning.
    assert run("--profile", "warned", "log", "redness=9", "--date", "2026-11-24").exit_code == 0
    assert _order(database)[0] == ("warned", "urgent", False)
    with database.for_profile("warned").writing() as store:
        reviews.add_review(store, TODAY, "seen", "urgent seen", 7, NOW)
    assert _order(database)[-1] == ("warned", "urgent", True)
    # Back to a warning the next day: covered by the urgent review (lower), stays down.
    later = dt.date(2026, 11, 25)
    assert (
        run(
            "--profile", "warned", "log", "redness=3", "--date", "2026-11-25", today=later
        ).exit_code
        == 0
    )
    assert _order(database, later)[-1][0] == "warned"
    assert _order(database, later)[-1][2] is True


def test_reviews_are_kept_each_as_made(run: Run, database: Database) -> None:
    _patient(run, "silent", "co2-ablative", "2026-11-20")
    with database.for_profile("silent").writing() as store:
        first = reviews.add_review(store, TODAY, "seen", "first", 1, NOW)
        second = reviews.add_review(store, TODAY, "contacted", "second", 2, NOW)
    with database.for_profile("silent").reading() as store:
        kept = reviews.reviews(store)
    assert [(r.id, r.action, r.note, r.reviewer_id) for r in kept] == [
        (second.id, "contacted", "second", 2),
        (first.id, "seen", "first", 1),
    ]
    assert kept[0].covers == kept[1].covers != ()


@pytest.mark.parametrize(
    ("action", "note", "field"),
    [
        ("called", None, "action"),
        ("seen", "x" * (MAX_NOTE_CHARS + 1), "note"),
        ("seen", "two\nlines", "note"),
        ("seen", "bell\x07", "note"),
    ],
)
def test_a_review_refused_is_not_stored(
    run: Run, database: Database, action: str, note: str, field: str
) -> None:
    _patient(run, "silent", "co2-ablative", "2026-11-20")
    patient = database.for_profile("silent")
    with pytest.raises(TrackerError) as raised, patient.writing() as store:
        reviews.add_review(store, TODAY, action, note, 1, NOW)
    assert (raised.value.kind, raised.value.field) == (MALFORMED, field)
    with database.for_profile("silent").reading() as store:
        assert reviews.reviews(store) == []


def test_the_longest_note_is_kept_whole() -> None:
    assert check_review("seen", "é" * MAX_NOTE_CHARS) == ("seen", "é" * MAX_NOTE_CHARS)
    assert check_review("contacted", "   ") == ("contacted", None)


def test_a_clinician_sets_the_follow_up_and_the_patient_rises_when_it_comes(
    run: Run, database: Database
) -> None:
    _patient(run, "quiet", "microneedling", "2026-11-22", ("2026-11-24", ["redness=0"]))
    with database.for_profile("quiet").writing() as store:
        changed = reviews.set_follow_up(store, TODAY, dt.date(2026, 11, 26))
    assert changed.follow_up == dt.date(2026, 11, 26)
    assert _order(database) == [("quiet", "none", False)]
    # On the day (logged 0 the day before: not silent), and 30 days after at most.
    assert (
        run(
            "--profile",
            "quiet",
            "log",
            "redness=0",
            "--date",
            "2026-11-26",
            today=dt.date(2026, 11, 26),
        ).exit_code
        == 0
    )
    assert _order(database, dt.date(2026, 11, 26)) == [("quiet", "follow-up", False)]
    patient = database.for_profile("quiet")
    with pytest.raises(TrackerError) as raised, patient.writing() as store:
        reviews.set_follow_up(store, TODAY, dt.date(2026, 11, 1))
    assert (raised.value.kind, raised.value.field) == (REFUSED, "follow_up")
    with database.for_profile("quiet").writing() as store:
        assert reviews.set_follow_up(store, TODAY, None).follow_up is None


def _own_statements(statements: list[str]) -> list[str]:
    return [s for s in statements if not s.lstrip().upper().startswith("BEGIN")]


def test_the_list_reads_a_fixed_number_of_statements_and_only_open_values(
    run: Run, database: Database
) -> None:
    """Profiles, overrides, the open sessions' values (one stream), the temperatures (a fever
    is an alarm of its own, issue 22), profiles with ids, the latest sessions, their last day
    logged, the latest reviews: 8, however many patients and values; a recovered patient's
    values are not read."""
    _clinic(run)
    with database.for_profile("urgent").writing() as store:
        reviews.add_review(store, TODAY, "seen", None, 1, NOW)
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    with database.reading() as store:
        store.profile_names()  # the transaction begun, before counting
        event.listen(Engine, "before_cursor_execute", record)
        try:
            lines = triage.clinic_lines(store, TODAY)
        finally:
            event.remove(Engine, "before_cursor_execute", record)
    small = _own_statements(statements)
    assert len(small) == 8, small
    # Forty recovered patients with a month of values each, all gone to 0.
    for number in range(40):
        name = f"done{number}"
        days = [(f"2026-10-{day:02d}", [f"redness={max(0, 3 - day)}"]) for day in range(2, 9)]
        _patient(run, name, "ipl", "2026-10-01", *days)
    statements.clear()
    with database.reading() as store:
        store.profile_names()
        event.listen(Engine, "before_cursor_execute", record)
        try:
            more = triage.clinic_lines(store, TODAY)
        finally:
            event.remove(Engine, "before_cursor_execute", record)
    assert len(_own_statements(statements)) == 8
    assert len(more) == len(lines) + 40
    assert {x.category for x in more if x.profile.startswith("done")} == {"none"}
    with database.reading() as store:
        opened = {name for name, _, _ in store.open_sessions_all_profiles(TODAY)}
    assert not any(name.startswith("done") for name in opened)
