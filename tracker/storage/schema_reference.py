"""The schema a freshly migrated database has (``tracker/data/schema_reference.json``) and
the digest of an SQLite schema compared with it: no SQLAlchemy here, so that a day's log
(``tracker.storage.quick``) checks a file's schema with sqlite3 alone, as opening does."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

# Every CREATE statement SQLite keeps, in a fixed order; but for the statistics ANALYZE
# gathers (sqlite_stat1, sqlite_stat4: SQLite's own, which describing the schema skips too).
SQLITE_SCHEMA_ROWS = (
    "SELECT type, name, tbl_name, sql FROM sqlite_master "
    "WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name"
)


@cache
def references() -> dict[str, Any]:
    data = resources.files("tracker.data").joinpath("schema_reference.json").read_text("utf-8")
    found: dict[str, Any] = json.loads(data)
    return found


def sqlite_digest(rows: Iterable[tuple[Any, ...]]) -> str:
    """A digest of the rows of ``SQLITE_SCHEMA_ROWS``: equal to the reference's, the schema
    is the one the migrations make (they write each statement word for word, but for the
    order of a table's constraints)."""
    digest = hashlib.sha256()
    for kind, name, table, sql in rows:
        # A batch migration writes a table's constraints in no fixed order: sorted lines.
        lines = sorted(line.strip().rstrip(",").strip() for line in str(sql).splitlines())
        digest.update(json.dumps([kind, name, table, lines]).encode())
    return digest.hexdigest()


def sqlite_fingerprint() -> str | None:
    """The digest of a freshly migrated SQLite database's schema."""
    found: str | None = references().get("fingerprints", {}).get("sqlite")
    return found
