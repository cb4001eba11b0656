"""The one exception type the core raises for anything a user can get wrong."""

from __future__ import annotations

# Exit codes the CLI uses, shared here so the core can say which kind of problem it met.
MALFORMED = 2
REFUSED = 1


class TrackerError(Exception):
    """A problem explained in words meant for the person using the tracker.

    ``exit_code`` is 2 when what they typed is malformed and 1 when it was
    well formed but refused (an unknown session, a date before the session...).
    """

    def __init__(self, message: str, *, exit_code: int = REFUSED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    @classmethod
    def malformed(cls, message: str) -> TrackerError:
        return cls(message, exit_code=MALFORMED)

    def at(self, place: str) -> TrackerError:
        """The same problem, said with where it is: "values.csv:7: ..."."""
        return TrackerError(f"{place}: {self.message}", exit_code=self.exit_code)
