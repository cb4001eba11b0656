"""The schema a freshly migrated database has, kept as tracker/data/schema_reference.json.

    python scripts/schema_reference.py                 # print it (SQLite only)
    python scripts/schema_reference.py --write         # and write it into the package
    python scripts/schema_reference.py --postgres URL --write   # with PostgreSQL's too

Opening, restoring and `db check` compare a database's whole schema with this reference
(tracker/storage/schema.py). After a new migration, run it with an empty PostgreSQL
database's URL (`.ci/with-postgres` gives one in TRACKER_TEST_DATABASE_URL) and --write;
tests/test_schema_check.py fails while the file differs from a freshly migrated database.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine

from tracker.storage.database import resolve
from tracker.storage.migrate import migrated_schema
from tracker.storage.schema import fingerprint
from tracker.storage.schema_reference import POSTGRES_SCHEMA_ROWS, postgres_digest

TARGET = Path(__file__).resolve().parent.parent / "tracker" / "data" / "schema_reference.json"


def reference(postgres: str | None) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fresh.db"
        found["sqlite"] = migrated_schema(resolve(str(path)))
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as connection:
            found["fingerprints"] = {"sqlite": fingerprint(connection) or ""}
        engine.dispose()
    if postgres:
        found["postgresql"] = migrated_schema(resolve(postgres))
        found["fingerprints"]["postgresql"] = postgres_fingerprint_of(postgres)
    elif TARGET.exists():  # keep the one written before
        before = json.loads(TARGET.read_text(encoding="utf-8"))
        found["postgresql"] = before["postgresql"]
        if "postgresql" in before["fingerprints"]:
            found["fingerprints"]["postgresql"] = before["fingerprints"]["postgresql"]
    return found


def postgres_fingerprint_of(url: str) -> str:
    """The digest of the migrated database's schema, as a triage read through psycopg
    alone compares it (tracker/storage/quick_read.py)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        digest = postgres_digest(connection.exec_driver_sql(POSTGRES_SCHEMA_ROWS))
    engine.dispose()
    return digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="an empty PostgreSQL database")
    parser.add_argument("--write", action="store_true", help=f"write {TARGET.name}")
    arguments = parser.parse_args()
    shown = json.dumps(reference(arguments.postgres), indent=1, sort_keys=True) + "\n"
    if arguments.write:
        TARGET.write_text(shown, encoding="utf-8")
    else:
        sys.stdout.write(shown)


if __name__ == "__main__":
    main()
