"""Reading form fields with the same parsers as the command line, one error per field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import TypeVar

from flask import request
from werkzeug.datastructures import MultiDict

from tracker.domain.dates import parse_date
from tracker.domain.errors import TrackerError
from tracker.domain.limits import parse_id

T = TypeVar("T")


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
            self.errors[name] = exc.message
            return None

    def date(self, name: str, today: dt.date, *, required: bool = False) -> dt.date | None:
        return self.read(name, lambda text: parse_date(text, today), required=required)

    def fail(self, name: str, exc: TrackerError) -> None:
        self.errors[name] = exc.message

    def refuse(self, exc: TrackerError, fields: Collection[str], default: str) -> None:
        """An error next to the field it is about, when this form has that field."""
        field = exc.field if exc.field is not None and exc.field in fields else default
        self.fail(field, exc)

    @property
    def ok(self) -> bool:
        return not self.errors


def empty() -> Form:
    return Form(MultiDict())


def number_of(thing: str) -> Callable[[str], int]:
    """A reader of the number a session or an entry is given by: ASCII digits, 1 to 2^63-1
    (limits.parse_id); "-1", "²" or 24 digits are refused in words, never a 500."""

    def read(text: str) -> int:
        return parse_id(text, thing)

    return read


session_number = number_of("session")


def asked_session() -> int | None:
    """The ``?session=N`` of the address: none (the latest), or a valid number; anything
    else ("-1", 24 digits) is refused (TrackerError), never read as "the latest"."""
    raw = request.args.get("session", "")
    return session_number(raw) if raw.strip() else None
