"""Parameter types and shared options: parsing at the edge, rules in the core.

Every value a patient types has its own type here, so that a mistake is answered in
their words ("give a whole number from 0 to 10") and help pages show words (0-10,
DATE, SESSION) instead of click's INTEGER RANGE and [x>=1].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import click

from tracker.cli.context import AppContext
from tracker.cli.hints import said
from tracker.domain.dates import ACCEPTED, ACCEPTED_PAST, parse_date
from tracker.domain.errors import TrackerError
from tracker.domain.limits import MAX_COURSE_DAYS, MAX_ID

F = TypeVar("F", bound=Callable[..., Any])


class DateType(click.ParamType[dt.date, Any]):
    """A date as people type it. ``past``: the command records a day that has happened,
    so its help and its refusals offer no forms counting ahead."""

    name = "DATE"

    def __init__(self, *, past: bool = False) -> None:
        self.accepted = ACCEPTED_PAST if past else ACCEPTED

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        app = ctx.find_object(AppContext) if ctx is not None else None
        today = app.today if app is not None else dt.date.today()
        try:
            return parse_date(str(value), today, accepted=self.accepted)
        except TrackerError as exc:
            self.fail(said(exc), param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "DATE"

    @property
    def help(self) -> str:
        return f"Accepts {self.accepted}."


class WholeNumber(click.ParamType[int, Any]):
    """A whole number in a range, refused in the words of what it counts."""

    def __init__(
        self, metavar: str, *, low: int, high: int | None = None, meaning: str, where: str = ""
    ) -> None:
        self.name = metavar
        self.low = low
        self.high = high
        self.meaning = meaning  # e.g. "a severity from 0 (none) to 10 (worst)"
        self.where = where  # e.g. " (see `tracker session list`)"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not text.isascii() or not text.lstrip("+-").isdigit():
                self.fail(f"{str(value)!r} is not a number: give {self.meaning}{self.where}.")
            if len(text) > 40:  # far past any limit; Python refuses to read 4300 digits
                self.fail(f"That number is far too large: give {self.meaning}{self.where}.")
            number = int(text)
        if number < self.low or (self.high is not None and number > self.high):
            self.fail(f"{number} is out of range: give {self.meaning}{self.where}.")
        return number

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self.name


class CatalogType(click.ParamType[str, Any]):
    """A symptom, treatment kind or care action, by key or alias in any case."""

    def __init__(self, name: str, lookup: Callable[[str], str]) -> None:
        self.name = name
        self.lookup = lookup

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return self.lookup(str(value))
        except TrackerError as exc:
            self.fail(said(exc), param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self.name


DATE = DateType()
PAST_DATE = DateType(past=True)
SEVERITY = WholeNumber("0-10", low=0, high=10, meaning="a whole number from 0 (none) to 10 (worst)")
SESSION_ID = WholeNumber(
    "SESSION",
    low=1,
    high=MAX_ID,
    meaning="a session's number",
    where=" (see `tracker session list`)",
)
CARE_ID = WholeNumber(
    "ID", low=1, high=MAX_ID, meaning="a care entry's number", where=" (see `tracker care list`)"
)
DAYS = WholeNumber(
    "DAYS",
    low=0,
    high=MAX_COURSE_DAYS,
    meaning=f"a whole number of days after the session, from 0 to {MAX_COURSE_DAYS}",
)


def _symptom_key(word: str) -> str:
    from tracker.domain.catalog import symptom_key  # loaded when a value is read, not for --help

    return symptom_key(word)


def _kind_key(word: str) -> str:
    from tracker.domain.catalog import kind_key

    return kind_key(word)


SYMPTOM = CatalogType("SYMPTOM", _symptom_key)
KIND = CatalogType("KIND", _kind_key)
DATE_HELP = DATE.help
PAST_DATE_HELP = PAST_DATE.help


def json_option(func: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print machine-readable JSON instead."
    )(func)


def session_option(help_text: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option("--session", "session_id", type=SESSION_ID, help=help_text)(func)

    return decorate


def force_option(func: F) -> F:
    return click.option(
        "--force", is_flag=True, help="Replace the file if it exists (never the database)."
    )(func)


def output_option(help_text: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), help=help_text
        )(func)

    return decorate


PHOTO_ID = WholeNumber(
    "ID", low=1, high=MAX_ID, meaning="a photo's number", where=" (see `tracker photo list`)"
)
