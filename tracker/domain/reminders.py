"""Reminders in the patient's own calendar: when to ask for a log, and the iCalendar file.

The plan is pure: a session, what was logged and the expected courses go in; the days to
remind come out. ``calendar_bytes`` writes the plan as RFC 5545 with the ``icalendar``
library, which every calendar (phone or desktop) reads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tracker.domain.catalog import kind_name
from tracker.domain.errors import TrackerError
from tracker.domain.expectations import Expectation
from tracker.domain.records import SessionRecord, ValueRecord
from tracker.domain.text import clipped, visible
from tracker.domain.words import Words

if TYPE_CHECKING:
    from icalendar import Alarm

DAILY_SUMMARY = str(Words.DAILY_SUMMARY)
# When symptoms are still logged above 0 after the longest expected course, the reminders
# go on this many days past the day the file is made: silence is earned by the data.
STILL_PRESENT_DAYS = 7
PRODID = "-//skin-recovery-tracker//remind//EN"


@dataclass(frozen=True)
class NextSteps:
    """What a face adds to the calendar's words: where to check in, where the report is.

    Each face says it its own way (a command, a web address); empty when it has nothing."""

    check_in: str = ""
    report: str = ""


@dataclass(frozen=True)
class ReminderPlan:
    """What the calendar file will hold, and why the daily reminder ends when it does."""

    session: SessionRecord
    first_day: dt.date
    last_day: dt.date
    reason: str
    course_days: int
    uid_base: str
    # The patient has several sessions: each event names its own (number, kind, date, area),
    # so that two calendars' reminders are told apart.
    named: bool = False

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def plan_reminders(
    session: SessionRecord,
    entries: Sequence[ValueRecord],
    courses: Sequence[Expectation],
    *,
    as_of: dt.date,
    uid_base: str,
    named: bool = False,
) -> ReminderPlan:
    """Daily from the session day to the end of the longest expected course of its kind;
    or to the day every logged symptom reached 0; or on, while a symptom outlasts it."""
    course_days = max((c.max_days for c in courses), default=0)
    course_end = session.date + dt.timedelta(days=course_days)
    kind = kind_name(session.kind)
    latest: dict[str, ValueRecord] = {}
    for entry in sorted(entries, key=lambda e: e.date):
        if entry.date <= as_of:
            latest[entry.symptom] = entry
    if latest and all(e.severity == 0 for e in latest.values()):
        reached = max(e.date for e in latest.values())
        return ReminderPlan(
            session,
            session.date,
            reached,
            f"every symptom logged had reached 0 by {reached}",
            course_days,
            uid_base,
            named,
        )
    if latest and course_end < as_of:
        still = sorted(s for s, e in latest.items() if e.severity > 0)
        last_day = as_of + dt.timedelta(days=STILL_PRESENT_DAYS)
        return ReminderPlan(
            session,
            session.date,
            last_day,
            f"{', '.join(still)} still logged above 0 after the longest expected course "
            f"({course_days} days): {STILL_PRESENT_DAYS} more days, then make the file again",
            course_days,
            uid_base,
            named,
        )
    return ReminderPlan(
        session,
        session.date,
        course_end,
        f"the longest expected course after {kind} is {course_days} days",
        course_days,
        uid_base,
        named,
    )


# ASCII digits only: Arabic-Indic digits or 20 digits never reach int() or dt.time().
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})", re.ASCII)


def parse_time(text: str) -> dt.time:
    """HH:MM, 24-hour."""
    found = _TIME.fullmatch(text.strip())
    try:
        if found is None:
            raise ValueError
        return dt.time(int(found[1]), int(found[2]))
    except ValueError:
        raise TrackerError.malformed(
            f"A time is written HH:MM (24-hour), like 20:00, not {clipped(text)!r}.", field="at"
        ) from None


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        raise TrackerError.malformed(
            f"Unknown time zone {name!r}: give an IANA name like Europe/Paris or America/New_York."
        ) from None


def calendar_bytes(
    plan: ReminderPlan, at: dt.time, tz: ZoneInfo, stamp: dt.datetime, steps: NextSteps
) -> bytes:
    """The plan as an iCalendar file: the daily event with its alarm, and the follow-up.

    The events' words are the catalogue's; ``steps`` is the face's own "what to do next"."""
    from icalendar import Calendar, Event

    s = plan.session
    kind = kind_name(s.kind)
    heading = f" ({s.heading()})" if plan.named else ""
    summary = DAILY_SUMMARY + heading
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", str(Words.CALENDAR_NAME))

    daily = Event()
    # The same UID each time the file is made: a calendar updates the event, not doubles it.
    daily.add("uid", f"{plan.uid_base}-session-{s.id}-daily@skin-recovery-tracker")
    daily.add("dtstamp", stamp)
    start = dt.datetime.combine(plan.first_day, at, tzinfo=tz)
    daily.add("dtstart", start)
    daily.add("duration", dt.timedelta(minutes=10))
    daily.add("rrule", {"freq": "daily", "count": plan.days})
    daily.add("summary", summary)
    area = f" · {visible(s.area)}" if s.area else ""
    daily.add(
        "description",
        _with(Words.DAILY_REMINDER.format(kind=kind, date=s.date, area=area), steps.check_in),
    )
    daily.add_component(_alarm(dt.timedelta(0), summary))
    calendar.add_component(daily)

    if s.follow_up is not None:
        visit = Event()
        visit.add("uid", f"{plan.uid_base}-session-{s.id}-follow-up@skin-recovery-tracker")
        visit.add("dtstamp", stamp)
        visit.add("dtstart", s.follow_up)
        visit.add("dtend", s.follow_up + dt.timedelta(days=1))
        visit.add("summary", Words.FOLLOW_UP_EVENT.format(kind=kind, date=s.date, area=area))
        visit.add(
            "description",
            _with(str(Words.FOLLOW_UP_REMINDER), steps.report),
        )
        visit.add("transp", "TRANSPARENT")
        # An all-day event starts at midnight: the reminder comes the day before, at --at.
        before = dt.timedelta(days=1) - dt.timedelta(hours=at.hour, minutes=at.minute)
        visit.add_component(_alarm(-before, str(Words.FOLLOW_UP_ALARM) + heading))
        calendar.add_component(visit)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _with(text: str, step: str) -> str:
    return f"{text} {step}" if step else text


def _alarm(trigger: dt.timedelta, text: str) -> Alarm:
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", trigger)
    alarm.add("description", text)
    return alarm
