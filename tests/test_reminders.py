"""The reminder plan and the calendar file, without a database or a clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tracker.domain.errors import MALFORMED, TrackerError
from tracker.domain.expectations import Expectation
from tracker.domain.records import SessionRecord, ValueRecord
from tracker.domain.reminders import (
    DAILY_SUMMARY,
    PRODID,
    NextSteps,
    ReminderPlan,
    calendar_bytes,
    parse_time,
    plan_reminders,
    zone,
)

START = dt.date(2026, 11, 1)
SESSION = SessionRecord(4, START, "ipl", follow_up=dt.date(2026, 11, 20))
COURSES = [
    Expectation("ipl", "redness", 1, 3, "published", "s"),
    Expectation("ipl", "peeling", 5, 10, "published", "s"),
]


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def entry(d: int, symptom: str, value: int) -> ValueRecord:
    return ValueRecord(4, day(d), d, symptom, value)


def plan(entries: list[ValueRecord], as_of_day: int, courses=COURSES, session=SESSION):
    return plan_reminders(session, entries, courses, as_of=day(as_of_day), uid_base="u")


def test_daily_to_the_end_of_the_longest_course_of_the_kind() -> None:
    found = plan([entry(0, "redness", 3)], 2)
    assert found == ReminderPlan(
        SESSION,
        START,
        day(10),
        "the longest expected course after Intense pulsed light (IPL, photofacial) is 10 days",
        10,
        "u",
    )
    assert found.days == 11
    assert plan([], 30).last_day == day(10)  # nothing logged: the course is all we know
    unknown = SessionRecord(5, START, "tattoo-removal")
    assert plan([], 0, [], unknown).reason == (
        "the longest expected course after tattoo-removal is 0 days"
    )


def test_ends_on_the_day_every_symptom_logged_reached_0() -> None:
    entries = [
        entry(0, "redness", 3),
        entry(3, "redness", 0),
        entry(1, "peeling", 2),
        entry(5, "peeling", 0),
    ]
    found = plan(entries[::-1], 6)
    assert (found.first_day, found.last_day, found.days) == (START, day(5), 6)
    assert found == ReminderPlan(
        SESSION, START, day(5), "every symptom logged had reached 0 by 2026-11-06", 10, "u"
    )
    assert plan([entry(0, "redness", 3), entry(6, "redness", 0)], 6).last_day == day(6)
    # A 0 logged after the as-of date is not known yet.
    assert plan([entry(0, "redness", 3), entry(7, "redness", 0)], 6).last_day == day(10)


def test_goes_on_while_a_symptom_outlasts_the_longest_course() -> None:
    entries = [
        entry(0, "redness", 3),
        entry(9, "redness", 1),
        entry(2, "peeling", 0),
        entry(4, "swelling", 2),
    ]
    found = plan(entries, 11)
    assert found == ReminderPlan(
        SESSION,
        START,
        day(18),
        "redness, swelling still logged above 0 after the longest expected course (10 days): "
        "7 more days, then make the file again",
        10,
        "u",
    )
    assert plan(entries, 10).last_day == day(10)  # the course's last day: not past it yet


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20:00", dt.time(20, 0)), (" 7:05 ", dt.time(7, 5)), ("00:59", dt.time(0, 59))],
)
def test_a_time_is_hours_and_minutes(text: str, expected: dt.time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["7:5", "24:00", "20:60", "2000", "20:00:00", "ab:cd", ""])
def test_anything_else_is_refused_in_words(text: str) -> None:
    with pytest.raises(TrackerError) as refused:
        parse_time(text)
    assert refused.value.kind == MALFORMED
    assert refused.value.message == (
        f"A time is written HH:MM (24-hour), like 20:00, not {text!r}."
    )
    assert refused.value.field == "at"


@pytest.mark.parametrize("name", ["Nowhere/Town", "", "../etc", "Europe"])
def test_an_unknown_zone_is_refused_in_words(name: str) -> None:
    with pytest.raises(TrackerError) as refused:
        zone(name)
    assert refused.value.kind == MALFORMED
    assert refused.value.message == (
        f"Unknown time zone {name!r}: give an IANA name like Europe/Paris or America/New_York."
    )
    assert zone("Europe/Paris") == ZoneInfo("Europe/Paris")


PARIS = ZoneInfo("Europe/Paris")
STAMP = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def calendar(session: SessionRecord, at: dt.time = dt.time(20, 15)) -> Calendar:
    found = plan([entry(0, "redness", 3)], 2, session=session)
    steps = NextSteps(check_in="Open the tracker.", report="Download it.")
    return Calendar.from_ical(calendar_bytes(found, at, PARIS, STAMP, steps))


def test_the_calendar_holds_the_daily_event_with_its_alarm() -> None:
    cal = calendar(SessionRecord(4, START, "ipl"))
    assert str(cal["prodid"]) == PRODID == "-//skin-recovery-tracker//remind//EN"
    assert (str(cal["version"]), str(cal["calscale"])) == ("2.0", "GREGORIAN")
    assert str(cal["x-wr-calname"]) == "Skin recovery reminders"
    (daily,) = cal.walk("VEVENT")
    assert str(daily["uid"]) == "u-session-4-daily@skin-recovery-tracker"
    assert daily.decoded("dtstamp") == STAMP
    assert daily.decoded("dtstart") == dt.datetime(2026, 11, 1, 20, 15, tzinfo=PARIS)
    assert daily.decoded("duration") == dt.timedelta(minutes=10)
    assert dict(daily["rrule"]) == {"FREQ": ["DAILY"], "COUNT": [11]}
    assert b"\r\nRRULE:FREQ=DAILY;COUNT=11\r\n" in cal.to_ical()
    assert str(daily["summary"]) == DAILY_SUMMARY == "Log today's symptoms"
    assert str(daily["description"]) == (
        "How strong is each symptom today, from 0 (none) to 10? Your Intense pulsed light "
        "(IPL, photofacial) session of 2026-11-01 is day 0. Open the tracker."
    )
    (alarm,) = daily.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger") == dt.timedelta(0)
    assert str(alarm["description"]) == "Log today's symptoms"
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_the_follow_up_is_an_all_day_event_reminded_the_evening_before() -> None:
    cal = calendar(SessionRecord(4, START, "tattoo-removal", follow_up=day(19)))
    daily, visit = cal.walk("VEVENT")
    assert "Your tattoo-removal session of 2026-11-01" in str(daily["description"])
    assert str(visit["uid"]) == "u-session-4-follow-up@skin-recovery-tracker"
    assert visit.decoded("dtstamp") == STAMP
    assert (visit.decoded("dtstart"), visit.decoded("dtend")) == (day(19), day(20))
    assert str(visit["summary"]) == "Follow-up visit (tattoo-removal, session of 2026-11-01)"
    assert str(visit["description"]) == (
        "Bring your record: the tracker's report is a PDF made for the doctor. Download it."
    )
    assert str(visit["transp"]) == "TRANSPARENT"
    (alarm,) = visit.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    # Midnight minus 3 h 45 min: 20:15 the evening before.
    assert alarm.decoded("trigger") == -dt.timedelta(hours=3, minutes=45)
    assert str(alarm["description"]) == "Tomorrow: follow-up visit"
    morning = calendar(SessionRecord(4, START, "ipl", follow_up=day(19)), dt.time(8, 0))
    (early,) = morning.walk("VEVENT")[1].walk("VALARM")
    assert early.decoded("trigger") == -dt.timedelta(hours=16)
