"""The one exception type the core raises for anything a user can get wrong.

It says what went wrong in words meant for the person using the tracker, and carries as
data what the faces decide with: its ``kind``, the ``field`` it is about, and a ``hint``
(the next step, which each face says its own way). No face reads the words to decide
anything; exit codes and HTTP statuses are the faces' own, chosen from the kind.
"""

from __future__ import annotations

import enum

from tracker.domain.hints import Hint


class Kind(enum.Enum):
    MALFORMED = "malformed"  # what was typed or handed over cannot be read
    REFUSED = "refused"  # it can be read, but a rule says no (a date before the session)
    NOT_FOUND = "not found"  # it names something that is not there (session 9)
    CONFLICT = "conflict"  # it clashes with what is already there (the same session twice)
    NO_ROOM = "no room"  # nothing can be saved now: the disk holding the database is full


MALFORMED = Kind.MALFORMED
REFUSED = Kind.REFUSED
NOT_FOUND = Kind.NOT_FOUND
CONFLICT = Kind.CONFLICT
NO_ROOM = Kind.NO_ROOM


class TrackerError(Exception):
    """A problem explained in words meant for the person using the tracker.

    ``field``: what the problem is about, by the name the forms and options share ("date",
    "follow_up", "name", "skin_type", "symptom", "session"...), when it is about one.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: Kind = REFUSED,
        field: str | None = None,
        hint: Hint | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.field = field
        self.hint = hint

    @classmethod
    def malformed(
        cls, message: str, *, field: str | None = None, hint: Hint | None = None
    ) -> TrackerError:
        return cls(message, kind=MALFORMED, field=field, hint=hint)

    @classmethod
    def not_found(
        cls, message: str, *, field: str | None = None, hint: Hint | None = None
    ) -> TrackerError:
        return cls(message, kind=NOT_FOUND, field=field, hint=hint)

    @classmethod
    def conflict(
        cls, message: str, *, field: str | None = None, hint: Hint | None = None
    ) -> TrackerError:
        return cls(message, kind=CONFLICT, field=field, hint=hint)

    def at(self, place: str) -> TrackerError:
        """The same problem, said with where it is: "values.csv:7: ..."."""
        return TrackerError(
            f"{place}: {self.message}", kind=self.kind, field=self.field, hint=self.hint
        )
