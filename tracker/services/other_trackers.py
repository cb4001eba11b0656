"""Bringing a history from Flaredown, Bearable or Track & Graph into one session."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tracker.domain.catalog import DEFAULT_KIND
from tracker.domain.errors import TrackerError
from tracker.domain.exchange import ImportedEntry, SessionKey, note_text
from tracker.domain.flags import Flag
from tracker.domain.other_trackers import READERS, SOURCES, convert, parse_map
from tracker.domain.records import SessionRecord
from tracker.domain.words import Words
from tracker.services import exchange
from tracker.services.common import chosen_session
from tracker.storage.store import Store


@dataclass
class ForeignImportReport:
    """Every value read, and where each one went: imported, already there, or skipped why."""

    source: str
    rows: int = 0
    values: int = 0
    empty_rows: int = 0
    added: int = 0
    replaced: int = 0
    already_there: int = 0
    converted: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    unmapped: Counter[str] = field(default_factory=Counter)
    session: SessionRecord | None = None
    session_created: bool = False
    dry_run: bool = False
    urgent: list[Flag] = field(default_factory=list)  # as exchange.ImportReport.urgent


def import_other_tracker(
    store: Store,
    path: Path,
    source: str,
    *,
    today: dt.date,
    maps: tuple[str, ...] = (),
    session_id: int | None = None,
    kind: str | None = None,
    date: dt.date | None = None,
    policy: str = "error",
    dry_run: bool = False,
) -> ForeignImportReport:
    """Read another tracker's export into one session, in one transaction.

    The session: the one named, or the one on --date of --kind (made if missing), or else
    the latest on or before today.
    """
    if source not in READERS:
        raise TrackerError.malformed(
            f"The other tracker is one of {', '.join(SOURCES)}.", field="from"
        )
    mapping = parse_map(maps)
    with exchange.open_text(path) as handle:
        try:
            found = READERS[source](handle)
        except TrackerError as exc:
            raise exc.at(str(path)) from None
        except UnicodeDecodeError:
            raise TrackerError.malformed(Words.NOT_UTF8.format(path=path)) from None
    report = ForeignImportReport(
        source, rows=found.rows, values=len(found.values) + sum(found.set_aside.values())
    )
    report.empty_rows = found.empty_rows
    report.dry_run = dry_run

    def work(importer: exchange.Importer) -> None:
        store = importer.store
        if session_id is not None:
            row = store.session(session_id)
            key = SessionKey(row.date, row.kind)
            target = row.id
        elif kind is not None or date is not None:
            if date is None:
                raise TrackerError.malformed(
                    "A treatment kind needs the date of that session too.", field="date"
                )
            key = SessionKey(date, kind or DEFAULT_KIND)
            target = importer.session_id(key)
            report.session_created = importer.report.sessions_created > 0
        else:
            row = chosen_session(store, None, today)
            key = SessionKey(row.date, row.kind)
            target = row.id
        report.session = store.session(target)
        result = convert(found, mapping, session_date=key.date, today=today)
        report.skipped, report.unmapped = result.skipped, result.unmapped
        report.converted = result.converted
        batch = [
            (target, ImportedEntry(c.line, key, c.date, c.symptom, c.severity, note_text(c.note)))
            for c in sorted(result.kept.values(), key=lambda c: (c.date, c.symptom))
        ]
        importer.entries(batch, lambda e: f"{path}:{e.line}")
        report.added = importer.report.added
        report.replaced = importer.report.replaced
        report.already_there = importer.report.skipped

    report.urgent = exchange.run_import(store, policy, dry_run, work, today=today).urgent
    return report
