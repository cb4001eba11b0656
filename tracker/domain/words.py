"""The catalogue of words the tracker says to a person, below the faces (after jrnl's MsgText).

Each text is defined once, face-neutral: it names no command, option or page. What to do
next travels beside it as a ``Hint`` (tracker.domain.hints), which the command line says as
a command and the web as a link. Fill a text in with ``Words.NAME.format(...)``. What the
flags say is in its friend ``flag_words``: the rules find facts, and that step says them.
"""

from __future__ import annotations

import enum
from typing import Any


class Words(enum.Enum):
    # Something named that is not there.
    NO_SESSION = "There is no session {session_id}."
    NO_SESSION_BEFORE = (
        "There is no treatment session on or before {date}: add the session you had first."
    )
    NO_CARE_ENTRY = "There is no care entry {care_id}."

    # A session named where several could be meant (a flag, a reminder): its number within
    # the profile, its kind, its date and the area treated (``area``: " · neck" or "").
    SESSION_HEADING = "Session {number}: {kind} on {date}{area}"
    NO_PROFILE = "There is no profile named {name!r}.{did_you_mean}"

    # Not yet, or not possible.
    IN_THE_FUTURE = "{date} is in the future; {what} a day once it has happened."
    FOLDER_MISSING = "The folder {folder} does not exist; create it first."
    CANNOT_WRITE = "Cannot write {path}: {reason}."
    NOT_UTF8 = "{path}: not UTF-8 text"
    DAMAGED_DATABASE = "{path} is not a tracker database (or it is damaged): {detail}."
    DISK_FULL = (
        "The disk holding {path} is full: nothing was saved or changed. Free some space on it "
        "and try again."
    )

    # A patient's Status after their clinic reviewed an urgent flag (hosted): the reply leads,
    # and the alarm stays while its cause does.
    CLINIC_REPLIED = "Your clinic {verb} on {date}"
    STILL_URGENT = (
        "It stays urgent while it lasts: if it gets worse or something new appears, contact "
        "your clinic again now."
    )

    # Something already there.
    PROFILE_EXISTS = "A profile named {name!r} already exists."
    SESSION_EXISTS = "{session} already exists."
    CARE_EXISTS = (
        "{action} is already recorded on {date} (entry {care_id}, session {session_id}); "
        "nothing was added."
    )
    FILE_EXISTS = "{path} already exists."
    OTHER_PROFILES_BUNDLE = (
        "{path} is the bundle of profile {owner!r}: import it into that profile."
    )
    ANOTHER_PATIENTS_BUNDLE = (
        "{path} is another patient's bundle (patient id {patient_id}), and profile {name!r} "
        "already holds sessions of its own: add a profile for them and import it there."
    )

    # A log or check-in holds one value per symptom.
    GIVEN_TWICE = "{symptom} is given more than once in this {what}."

    # Nothing to work on yet.
    NOTHING_TO_DRAW = (
        "Session {session_id} has nothing logged yet, so there is nothing to {what}. Log a day "
        "first, or choose an earlier session."
    )
    NO_READINGS = "Give at least one symptom with how strong it is, from 0 to 10."
    # Fever is how unwell one feels, 0-10; a thermometer's reading is a measure of its own.
    FEVER_IN_DEGREES = (
        "A temperature in degrees is given as the temperature (38.4, or 101.2F for °F); "
        "38 °C (100.4 °F) or more after a treatment: contact your clinic now."
    )

    # Where a figure comes from.
    OVERRIDE_SOURCE = "your own setting"

    # The database's own state.
    SCHEMA_OLDER = "schema {revision} is older than {head}: the database needs an upgrade"

    # The calendar file.
    CALENDAR_NAME = "Skin recovery reminders"
    DAILY_SUMMARY = "Log today's symptoms"
    FOLLOW_UP_EVENT = "Follow-up visit ({kind}, session of {date}{area})"
    FOLLOW_UP_ALARM = "Tomorrow: follow-up visit"
    DAILY_REMINDER = (
        "How strong is each symptom today, from 0 (none) to 10? Your {kind} session of {date}"
        "{area} is day 0."
    )
    FOLLOW_UP_REMINDER = "Bring your record: the tracker's report is a PDF made for the doctor."

    def format(self, **values: Any) -> str:
        text: str = self.value
        return text.format(**values)

    def __str__(self) -> str:
        return str(self.value)
