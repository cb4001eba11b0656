"""The session list a page's picker shows, made in Python: a long history has hundreds of
sessions, and a template loop over them costs more than the rest of the page's rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape

from tracker.domain.catalog import kind_words
from tracker.domain.records import SessionRecord


def session_options(
    found: Sequence[tuple[SessionRecord, int]], chosen_id: int | None, counts: bool = False
) -> Markup:
    """The <option>s of a session picker, the latest session first: "Session 3: <kind> on
    <date>", with "(N values)" when asked, the chosen one selected."""
    words: dict[str, str] = {}
    options = []
    for record, count in reversed(found):
        kind = words.get(record.kind)
        if kind is None:
            kind = words[record.kind] = str(escape(kind_words(record.kind)))
        selected = " selected" if record.id == chosen_id else ""
        values = f" ({count} values)" if counts else ""
        options.append(
            f'<option value="{record.id}"{selected}>Session {record.id}: {kind} on '
            f"{record.date}{values}</option>"
        )
    return Markup("".join(options))


def sessions_ahead(
    found: Sequence[tuple[SessionRecord, int]], today: dt.date
) -> list[SessionRecord]:
    """The sessions not started yet on this day, oldest first."""
    return [record for record, _ in found if record.date > today]
