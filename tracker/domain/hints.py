"""What a person can do next, as data: each face says it its own way.

Words below the faces never name a command. Where a message has a next step, it carries a
``Hint``; the command line prints it as a command ("Run: tracker log redness=0"), the web as
a link or button that does it ("Log Redness as 0 today"), or nothing where it has no such
step (the web writes no files, so it has nothing to --force).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Action = Literal[
    "log",  # give a value for ``symptom`` (``value`` when named; any day's values without one)
    "session-list",  # see the sessions and their numbers
    "session-add",  # add the session the patient had
    "other-session",  # choose another (earlier) session
    "again",  # record the same thing a second time that day, on purpose
    "care-list",  # see the care log and its entry numbers
    "profile-list",  # see the profiles
    "profile-add",  # add the profile named ``profile``
    "import-into",  # import ``path`` into the profile named ``profile``
    "catalog",  # the list ``topic`` names ("symptoms", "kinds"), with their other names
    "on-duplicate",  # say whether an import skips or replaces what is already there
    "force",  # replace a file that exists
    "name-db",  # say which database to use
    "name-clinic-db",  # say which database is the clinic's (never the personal default)
    "new-link",  # a new one-time link for the account ``email`` (it exists already)
    "invite-patient",  # a clinic invites a patient (an account and a profile of their own)
    "db-upgrade",  # bring the database's schema up to date
    "db-check-repair",  # make the symptom summaries anew from the values
]


@dataclass(frozen=True)
class Hint:
    action: Action
    symptom: str | None = None
    value: int | None = None
    profile: str | None = None
    path: str | None = None
    topic: str | None = None
    email: str | None = None

    @classmethod
    def log(cls, symptom: str | None = None, value: int | None = None) -> Hint:
        return cls("log", symptom=symptom, value=value)

    def to_json(self) -> dict[str, Any]:
        found = {"symptom": self.symptom, "value": self.value}
        found.update({"profile": self.profile, "path": self.path, "topic": self.topic})
        found["email"] = self.email
        return {"action": self.action, **{k: v for k, v in found.items() if v is not None}}
