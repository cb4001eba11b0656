"""Exports as text in memory, for the web page's downloads (the CLI streams to files)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from tracker.domain.exchange import (
    CARE_COLUMNS,
    ENTRY_COLUMNS,
    care_rows,
    entry_rows,
    json_document,
)
from tracker.services.transfer import export_data
from tracker.storage.database import Database
from tracker.storage.revisions import HEAD

FORMATS = ("csv", "care-csv", "json", "fhir")


def _csv(columns: tuple[str, ...], rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def export_text(db: Database, fmt: str) -> str:
    """Everything of the profile, as `tracker export --format ...` writes it."""
    if fmt == "fhir":
        from tracker.services.fhir_exchange import export_fhir

        return json.dumps(export_fhir(db), indent=2, ensure_ascii=False) + "\n"
    bundles, overrides = export_data(db)
    if fmt == "json":
        document = json_document(bundles, overrides, HEAD)
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(ENTRY_COLUMNS, entry_rows(bundles))
    if fmt == "care-csv":
        return _csv(CARE_COLUMNS, care_rows(bundles))
    raise ValueError(f"unknown export format {fmt!r}")
