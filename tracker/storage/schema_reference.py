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


# PostgreSQL: every fact of the current schema that ``schema.describe`` compares, and more
# (each column's type, nullability, default and identity; each index, constraint, trigger
# and rule as the server prints it; every table, view and foreign table), as rows of text.
# Sorted before the digest, so that a database's collation cannot change it. Equal to the
# reference's, nothing ``describe`` sees can differ; different (another server version
# may print a definition otherwise, a restored dump its checks), opening compares the
# whole schema as ever, and only a triage read through psycopg alone is not taken.
POSTGRES_SCHEMA_ROWS = """
SELECT 'relation', c.relname, c.relkind::text, ''
FROM pg_class c
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL
SELECT 'column', c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod),
    a.attnotnull::text || ' ' || a.attidentity::text || ' ' || a.attgenerated::text || ' '
        || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'index', i.relname, t.relname, pg_get_indexdef(x.indexrelid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relnamespace = current_schema()::regnamespace
UNION ALL
SELECT 'constraint', k.conname, t.relname, k.contype::text || ' ' || pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
WHERE t.relnamespace = current_schema()::regnamespace
UNION ALL
SELECT 'trigger', g.tgname, t.relname, pg_get_triggerdef(g.oid)
FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
WHERE NOT g.tgisinternal AND t.relnamespace = current_schema()::regnamespace
UNION ALL
SELECT 'rule', r.rulename, r.tablename, r.definition
FROM pg_rules r WHERE r.schemaname = current_schema()
"""


def postgres_digest(rows: Iterable[tuple[Any, ...]]) -> str:
    """A digest of the rows of ``POSTGRES_SCHEMA_ROWS``, in sorted order."""
    digest = hashlib.sha256()
    for row in sorted(tuple(str(part) for part in row) for row in rows):
        digest.update(json.dumps(row).encode())
    return digest.hexdigest()


def postgres_fingerprint() -> str | None:
    """The digest of a freshly migrated PostgreSQL database's schema, when the reference
    holds one (``scripts/schema_reference.py --postgres URL --write``)."""
    found: str | None = references().get("fingerprints", {}).get("postgresql")
    return found
