"""`tracker remind`: the calendar file, parsed back, holds the right events and alarms."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from conftest import TODAY, Run, State, refusal
from icalendar import Calendar, Event

from tracker.cli import cli
from tracker.domain.errors import MALFORMED, NOT_FOUND

PARIS = ZoneInfo("Europe/Paris")


def _longest_course(run: Run, kind: str) -> int:
    rows = json.loads(run("protocol", "--kind", kind, "--json").stdout)
    return max(row["max_days"] for row in rows if row["max_days"] is not None)


def _read(path: Path) -> tuple[Calendar, list[Event]]:
    calendar = Calendar.from_ical(path.read_bytes())
    return calendar, list(calendar.walk("VEVENT"))


def _add_session(run: Run, *extra: str, date: str = "2026-11-14") -> None:
    result = run("session", "add", "--date", date, "--kind", "laser", *extra)
    assert result.exit_code == 0, result.output


def test_daily_reminder_with_alarm_and_the_follow_up_the_day_before(
    run: Run, tmp_path: Path
) -> None:
    _add_session(run, "--follow-up", "2026-11-26")
    target = tmp_path / "recovery.ics"
    result = run("remind", "-o", str(target), "--at", "20:00", "--tz", "Europe/Paris")
    assert result.exit_code == 0, result.output
    course = _longest_course(run, "laser-rejuvenation")
    last = dt.date(2026, 11, 14) + dt.timedelta(days=course)
    assert result.stdout.splitlines() == [
        f"Wrote {target}: a daily reminder at 20:00 (Europe/Paris) from 2026-11-14 to {last} "
        f"({course + 1} days: the longest expected course after Laser skin rejuvenation is "
        f"{course} days).",
        "Follow-up visit on 2026-11-26, with a reminder the day before at 20:00.",
        "Open the file with your calendar app (phone or desktop) to add the reminders.",
    ]
    assert target.stat().st_mode & 0o777 == 0o600

    calendar, events = _read(target)
    assert calendar["VERSION"] == "2.0"
    daily, visit = events
    assert str(daily["SUMMARY"]) == "Log today's symptoms"
    start = daily.decoded("DTSTART")
    assert start == dt.datetime(2026, 11, 14, 20, 0, tzinfo=PARIS)
    assert daily["DTSTART"].params["TZID"] == "Europe/Paris"
    rule = daily["RRULE"]
    assert (rule["FREQ"], rule["COUNT"]) == (["DAILY"], [course + 1])
    # A calendar is read on a phone, away from the terminal: words, no command.
    assert str(daily["DESCRIPTION"]).endswith("session of 2026-11-14 is day 0.")
    (alarm,) = daily.walk("VALARM")
    assert (str(alarm["ACTION"]), alarm.decoded("TRIGGER")) == ("DISPLAY", dt.timedelta(0))
    assert str(alarm["DESCRIPTION"]) == "Log today's symptoms"

    assert (
        str(visit["SUMMARY"]) == "Follow-up visit (Laser skin rejuvenation, session of 2026-11-14)"
    )
    assert visit.decoded("DTSTART") == dt.date(2026, 11, 26)
    assert visit.decoded("DTEND") == dt.date(2026, 11, 27)
    (reminder,) = visit.walk("VALARM")
    assert reminder.decoded("TRIGGER") == -dt.timedelta(hours=4)  # 20:00 the day before
    assert str(reminder["DESCRIPTION"]) == "Tomorrow: follow-up visit"

    # The time zone travels with the file, daylight saving time included.
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Paris"
    assert {c.name for c in timezone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert len({str(e["UID"]) for e in events}) == 2


def test_the_same_events_when_made_again_and_the_end_moves_once_all_is_zero(
    run: Run, tmp_path: Path
) -> None:
    _add_session(run)
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert run("remind", "-o", str(first), "--tz", "Europe/Paris").exit_code == 0
    assert run("log", "redness=5", "itching=3", "--date", "2026-11-15").exit_code == 0
    assert run("log", "redness=0", "itching=0", "--date", "2026-11-18").exit_code == 0
    result = run("remind", "-o", str(second), "--tz", "Europe/Paris")
    assert result.exit_code == 0, result.output
    assert "to 2026-11-18 (5 days: every symptom logged had reached 0 by 2026-11-18)" in (
        result.stdout
    )
    assert "has no follow-up date: add one with tracker session edit 1 --follow-up DATE" in (
        result.stdout
    )
    (before,) = _read(first)[1]
    (after,) = _read(second)[1]
    assert str(before["UID"]) == str(after["UID"])  # a calendar updates it, not doubles it
    assert after["RRULE"]["COUNT"] == [5]
    assert after.decoded("DTSTART") == dt.datetime(2026, 11, 14, 20, 0, tzinfo=PARIS)


def test_a_symptom_outlasting_the_course_keeps_the_reminder_going(run: Run, tmp_path: Path) -> None:
    _add_session(run, date="2026-09-01")
    assert run("log", "redness=2", "--date", "2026-11-20").exit_code == 0
    target = tmp_path / "r.ics"
    result = run("remind", "-o", str(target), "--tz", "Europe/Paris", "--at", "08:30")
    assert result.exit_code == 0, result.output
    until = TODAY + dt.timedelta(days=7)
    assert f"from 2026-09-01 to {until}" in result.stdout
    assert "redness still logged above 0 after the longest expected course" in result.stdout
    (daily,) = _read(target)[1]
    assert daily["RRULE"]["COUNT"] == [(until - dt.date(2026, 9, 1)).days + 1]
    assert daily.decoded("DTSTART") == dt.datetime(2026, 9, 1, 8, 30, tzinfo=PARIS)


def test_the_computers_zone_by_default(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--db", db_url, "--today", TODAY.isoformat()]
    assert runner.invoke(cli, [*base, "session", "add", "--date", "2026-11-20"]).exit_code == 0
    target = tmp_path / "r.ics"
    result = runner.invoke(
        cli, [*base, "remind", "-o", str(target)], env={"TZ": "America/New_York"}
    )
    assert result.exit_code == 0, result.output
    assert "at 20:00 (America/New_York)" in result.stdout
    (daily,) = _read(target)[1]
    assert daily["DTSTART"].params["TZID"] == "America/New_York"


def test_refusals_change_nothing_and_leave_no_file(run: Run, tmp_path: Path, state: State) -> None:
    target = tmp_path / "r.ics"
    none = run("remind", "-o", str(target))
    assert (none.exit_code, "There is no treatment session" in none.stderr) == (1, True)
    _add_session(run)
    before = state()
    for args, words, kind in [
        (["--at", "8pm"], "A time is written HH:MM", MALFORMED),
        (["--at", "25:00"], "A time is written HH:MM", MALFORMED),
        (["--tz", "Mars/Olympus"], "Unknown time zone 'Mars/Olympus'", MALFORMED),
        (["--session", "9"], "There is no session 9", NOT_FOUND),
    ]:
        result = run("remind", "-o", str(target), *args)
        assert (result.exit_code, result.kind) == refusal(kind), (args, result.output)
        assert words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
    assert not target.exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert state() == before


def test_all_symptoms_at_zero_after_the_course_end_it_there(run: Run, tmp_path: Path) -> None:
    _add_session(run, date="2026-09-01")
    assert run("log", "redness=4", "--date", "2026-09-02").exit_code == 0
    assert run("log", "redness=0", "--date", "2026-11-20").exit_code == 0
    target = tmp_path / "r.ics"
    result = run("remind", "-o", str(target), "--tz", "Europe/Paris")
    assert result.exit_code == 0, result.output
    assert "to 2026-11-20 (81 days: every symptom logged had reached 0 by 2026-11-20)" in (
        result.stdout
    )
    (daily,) = _read(target)[1]
    assert daily["RRULE"]["COUNT"] == [81]


def test_a_morning_time_reminds_of_the_visit_the_morning_before(run: Run, tmp_path: Path) -> None:
    _add_session(run, "--follow-up", "2026-11-26")
    target = tmp_path / "r.ics"
    result = run("remind", "-o", str(target), "--at", "07:30", "--tz", "Asia/Tokyo")
    assert result.exit_code == 0, result.output
    assert "with a reminder the day before at 07:30." in result.stdout
    daily, visit = _read(target)[1]
    assert daily.decoded("DTSTART") == dt.datetime(
        2026, 11, 14, 7, 30, tzinfo=ZoneInfo("Asia/Tokyo")
    )
    (alarm,) = visit.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -dt.timedelta(hours=16, minutes=30)  # 07:30 on the 25th


def test_the_reminder_names_the_profile_it_is_for(run: Run, tmp_path: Path) -> None:
    _add_session(run)
    assert run("profile", "add", "anna").exit_code == 0
    assert run("--profile", "anna", "session", "add", "--kind", "ipl").exit_code == 0
    for profile, words in (("default", "is day 0."), ("anna", "is day 0. For anna's record.")):
        target = tmp_path / f"{profile}.ics"
        result = run("--profile", profile, "remind", "-o", str(target), "--tz", "UTC")
        assert result.exit_code == 0, result.output
        daily = _read(target)[1][0]
        assert str(daily["DESCRIPTION"]).replace("\n", " ").endswith(words)
        assert "tracker " not in str(daily["DESCRIPTION"])
