"""Turning plain records into what a person reads, or into JSON."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.hints import command
from tracker.domain.dates import relative_day
from tracker.domain.text import visible

if TYPE_CHECKING:  # the flag rules load only in commands that judge flags
    from tracker.domain.flags import Flag

__all__ = ["command", "echo_json", "relative_day", "table"]


def echo_urgent(flags: Sequence[Flag], width: int = 92) -> None:
    """Urgent flags with their advice, at once, where the value that raised them was given."""
    for flag in flags:
        click.echo()
        click.echo(f"URGENT: {flag.message}")
        click.echo(textwrap.fill(flag.advice, width))
        if flag.hint is not None:
            click.echo(f"To log it: {command(flag.hint)}")


def counted(number: int, one: str, many: str | None = None) -> str:
    """ "1 row", "2 rows": a count said as a person would."""
    return f"{number} {one if number == 1 else (many or one + 's')}"


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], right: frozenset[int] = frozenset()
) -> str:
    """A plain text table; columns in ``right`` are right-aligned (numbers)."""
    cells = [[("" if value is None else visible(str(value))) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(value))

    def line(values: Sequence[str]) -> str:
        parts = [
            value.rjust(widths[i]) if i in right else value.ljust(widths[i])
            for i, value in enumerate(values)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(headers), *(line(row) for row in cells)])
