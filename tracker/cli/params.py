"""Parameter types and shared options: parsing at the edge, rules in the core."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import click

from tracker.cli.context import AppContext
from tracker.domain.dates import ACCEPTED, parse_date
from tracker.domain.errors import TrackerError
from tracker.domain.limits import MAX_COURSE_DAYS, MAX_ID

F = TypeVar("F", bound=Callable[..., Any])


class DateType(click.ParamType[dt.date, Any]):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        app = ctx.find_object(AppContext) if ctx is not None else None
        today = app.today if app is not None else dt.date.today()
        try:
            return parse_date(str(value), today)
        except TrackerError as exc:
            self.fail(exc.message, param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "DATE"


class CatalogType(click.ParamType[str, Any]):
    """A symptom or treatment kind, by key or alias in any case."""

    def __init__(self, name: str, lookup: Callable[[str], str]) -> None:
        self.name = name
        self.lookup = lookup

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return self.lookup(str(value))
        except TrackerError as exc:
            self.fail(exc.message, param, ctx)


DATE = DateType()


def _symptom_key(word: str) -> str:
    from tracker.domain.catalog import symptom_key  # loaded when a value is read, not for --help

    return symptom_key(word)


def _kind_key(word: str) -> str:
    from tracker.domain.catalog import kind_key

    return kind_key(word)


SYMPTOM = CatalogType("SYMPTOM", _symptom_key)
KIND = CatalogType("KIND", _kind_key)
RECORD_ID = click.IntRange(min=1, max=MAX_ID)  # SQLite and PostgreSQL ids are 64-bit
SESSION_ID = RECORD_ID
COURSE_DAYS = click.IntRange(min=0, max=MAX_COURSE_DAYS)
DATE_HELP = f"Accepts {ACCEPTED}."


def json_option(func: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print machine-readable JSON instead."
    )(func)


def session_option(help_text: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--session", "session_id", type=SESSION_ID, metavar="ID", help=help_text
        )(func)

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
