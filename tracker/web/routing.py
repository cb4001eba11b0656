"""How URLs name rows: a number the database can hold, or no such page."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

# The largest id or session number either database holds (PostgreSQL's INTEGER; SQLite's
# 64-bit integers are wider). Werkzeug's own `int` takes any length of digits, and
# /sessions/99999999999999999999 then reached SQLite as an int it cannot bind
# (OverflowError: a 500) and PostgreSQL as an out-of-range 400: a URL anyone can type.
LARGEST_ROW_NUMBER = 2**31 - 1


class RowNumber(IntegerConverter):
    """`<int:...>` in our routes: 0 to LARGEST_ROW_NUMBER; a larger one matches no route,
    so it is the same "not found" page as a number no row has."""

    def __init__(self, map, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("max", LARGEST_ROW_NUMBER)
        super().__init__(map, *args, **kwargs)


def bound_row_numbers(app: Flask) -> None:
    """Before any route is added: every `<int:...>` in the app is a RowNumber."""
    app.url_map.converters["int"] = RowNumber
