"""Exports: a profile's data read in one transaction, then written as CSV, JSON or FHIR
to a checked file, a stream, or text in memory (the web page's downloads)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from tracker.domain.exchange import (
    CARE_COLUMNS,
    ENTRY_COLUMNS,
    TEMPERATURE_COLUMNS,
    care_rows,
    csv_line,
    entry_rows,
    json_document,
    temperature_rows,
)
from tracker.services.exchange import export_data
from tracker.services.outputs import Target, text_output
from tracker.storage.revisions import HEAD
from tracker.storage.store import Store

FORMATS = ("csv", "care-csv", "temperature-csv", "json", "fhir")
Writer = Callable[[IO[str]], object]


def _json(document: Any) -> Writer:
    return lambda handle: handle.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _csv(columns: tuple[str, ...], rows: Iterable[list[object]]) -> Writer:
    def write(handle: IO[str]) -> None:
        handle.write(csv_line(columns))
        handle.writelines(csv_line(row) for row in rows)

    return write


def _read(store: Store, fmt: str, session_id: int | None) -> Writer:
    """Read everything first (a refusal, such as an unknown session, writes nothing); the
    writer it returns then only writes."""
    if fmt == "fhir":
        from tracker.services.fhir_exchange import export_fhir

        return _json(export_fhir(store, session_id))
    bundles, overrides = export_data(store, session_id)
    if fmt == "json":
        # One session's export restores that session alone, not the profile's settings.
        return _json(json_document(bundles, overrides if session_id is None else [], HEAD))
    if fmt == "csv":
        return _csv(ENTRY_COLUMNS, entry_rows(bundles))
    if fmt == "care-csv":
        return _csv(CARE_COLUMNS, care_rows(bundles))
    if fmt == "temperature-csv":
        return _csv(TEMPERATURE_COLUMNS, temperature_rows(bundles))
    raise ValueError(f"unknown export format {fmt!r}")


def export_text(store: Store, fmt: str) -> str:
    """Everything of the profile, as `tracker export --format ...` writes it."""
    buffer = io.StringIO(newline="")
    _read(store, fmt, None)(buffer)
    return buffer.getvalue()


def care_file(fmt: str, named: Path, target: Target, what: str = "care") -> Path | None:
    """Where a CSV export to a file puts the care actions: FILE-care.csv beside FILE.csv,
    and the temperatures (``what`` "temperatures"): FILE-temperatures.csv (a stream gets
    the values alone)."""
    if fmt != "csv" or target.kind != "file":
        return None
    return named.with_name(f"{named.stem}-{what}{named.suffix or '.csv'}")


def write_export(
    store: Store,
    fmt: str,
    to: Target | IO[str],
    *,
    session_id: int | None = None,
    care_to: Target | None = None,
    temperatures_to: Target | None = None,
) -> None:
    """Write the export to a checked target or an open text stream; with ``care_to`` and
    ``temperatures_to`` (CSV), the care actions and the temperatures go there, each file
    complete or not written at all."""
    if care_to is not None and temperatures_to is not None:
        assert fmt == "csv" and isinstance(to, Target)
        bundles, _ = export_data(store, session_id)
        with (
            text_output(to) as values,
            text_output(care_to) as care,
            text_output(temperatures_to) as measured,
        ):
            _csv(ENTRY_COLUMNS, entry_rows(bundles))(values)
            _csv(CARE_COLUMNS, care_rows(bundles))(care)
            _csv(TEMPERATURE_COLUMNS, temperature_rows(bundles))(measured)
        return
    write = _read(store, fmt, session_id)
    if isinstance(to, Target):
        with text_output(to) as handle:
            write(handle)
    else:
        write(to)
