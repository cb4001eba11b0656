"""Reading form fields with the same parsers as the command line, one error per field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from werkzeug.datastructures import MultiDict

from tracker.domain.dates import parse_date
from tracker.domain.errors import TrackerError

T = TypeVar("T")


def page_words(exc: TrackerError) -> str:
    """The rule's own message, without the sentence telling what to type in a terminal.

    "There is no session 9. Run `tracker session list` to see yours." reads, on a page
    that has a Sessions link, as "There is no session 9."
    """
    sentences = exc.message.split(". ")
    kept = [sentence for sentence in sentences if "tracker " not in sentence]
    if not kept or len(kept) == len(sentences):
        return exc.message
    text = ". ".join(kept)
    return text if text.endswith((".", "?", "!")) else text + "."


class Form:
    """A submitted form: its raw values (to show back) and the problems found, by field."""

    def __init__(self, data: MultiDict[str, str]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str | None:
        value = self.data.get(name, "")
        return value if value.strip() else None

    def read(self, name: str, parse: Callable[[str], T], *, required: bool = False) -> T | None:
        raw = self.text(name)
        if raw is None:
            if required:
                self.errors[name] = "This is needed."
            return None
        try:
            return parse(raw)
        except TrackerError as exc:
            self.errors[name] = page_words(exc)
            return None

    def date(self, name: str, today: dt.date, *, required: bool = False) -> dt.date | None:
        return self.read(name, lambda text: parse_date(text, today), required=required)

    def fail(self, name: str, exc: TrackerError) -> None:
        self.errors[name] = page_words(exc)

    @property
    def ok(self) -> bool:
        return not self.errors


def empty() -> Form:
    return Form(MultiDict())
