"""The whole schema, compared with what the migrations make.

A database that carries a revision number can still hold something the tracker never made:
a trigger that deletes every earlier value on each insert, a view in place of a table, a
dropped column, an index of its own. Opening, restoring and ``db check`` compare the
database's schema (tables, columns and their types, indexes, unique, foreign-key and check
constraints, and the absence of any trigger, view or rule but the audit log's own) with the
one a freshly migrated database has, kept in ``schema_reference.json`` per database kind.
A test holds that file equal to freshly migrated SQLite and PostgreSQL databases
(``python scripts/schema_reference.py --write`` remakes it after a new migration).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.pool import StaticPool

from tracker.domain.text import clipped, visible
from tracker.storage.schema_reference import SQLITE_SCHEMA_ROWS, sqlite_digest
from tracker.storage.schema_reference import references as _references

# Each fact of a schema, named as a difference names it ("column entries.note"), and its
# detail ("TEXT NOT NULL").
Schema = dict[str, str]
MAX_NAME_CHARS = 60  # a name shown in a message (a hostile one can be any length)


def _name(value: object) -> str:
    shown = visible(str(value))
    return shown if len(shown) <= MAX_NAME_CHARS else shown[:MAX_NAME_CHARS] + "…"


def _columns(names: list[Any]) -> str:
    return "(" + ", ".join(_name(name) for name in names) + ")"


def _squash(sql: object) -> str:
    return re.sub(r"\s+", " ", str(sql)).strip()


def _column(column: dict[str, Any]) -> str:
    parts = [_squash(column["type"])]
    if not column.get("nullable", True):
        parts.append("NOT NULL")
    if column.get("default") is not None:
        parts.append(f"DEFAULT {_squash(column['default'])}")
    return " ".join(parts)


def _table_facts(found: Schema, table: str, info: dict[str, Any]) -> None:
    found[f"table {table}"] = ""
    for column in info["columns"]:
        found[f"column {table}.{_name(column['name'])}"] = _column(column)
    primary = info["pk"].get("constrained_columns") or []
    if primary:
        found[f"primary key of {table}"] = _columns(primary)
    for index in info["indexes"]:
        unique = " unique" if index.get("unique") else ""
        found[f"index {_name(index['name'])}"] = f"on {table} {_columns(index['column_names'])}"
        found[f"index {_name(index['name'])}"] += unique
    for unique in info["uniques"]:
        found[f"unique {table} {_columns(unique['column_names'])}"] = ""
    for key in info["foreign_keys"]:
        target = f"{_name(key['referred_table'])} {_columns(key['referred_columns'])}"
        delete = (key.get("options") or {}).get("ondelete")
        found[f"foreign key {table} {_columns(key['constrained_columns'])}"] = f"to {target}" + (
            f" on delete {delete.lower()}" if delete else ""
        )
    for check in info["checks"]:
        found[f"check {_name(check['name'])} on {table}"] = _squash(check["sqltext"])


def _extras(connection: Connection) -> list[tuple[str, str, str]]:
    """Triggers (and PostgreSQL rules): (kind, name, table)."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            text("SELECT 'trigger', name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        )
    else:
        rows = connection.execute(
            text(
                "SELECT 'trigger', t.tgname, c.relname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace "
                "UNION ALL SELECT 'rule', rulename, tablename FROM pg_rules "
                "WHERE schemaname = current_schema()"
            )
        )
    return [(str(kind), str(name), str(table)) for kind, name, table in rows]


def describe(connection: Connection) -> Schema:
    """Every fact of the schema a difference can be about, as key -> detail."""
    inspector = inspect(connection)
    found: Schema = {}
    tables = inspector.get_table_names()
    if tables:
        gathered: dict[str, dict[Any, Any]] = {
            "columns": inspector.get_multi_columns(filter_names=tables),
            "pk": inspector.get_multi_pk_constraint(filter_names=tables),
            "indexes": inspector.get_multi_indexes(filter_names=tables),
            "uniques": inspector.get_multi_unique_constraints(filter_names=tables),
            "foreign_keys": inspector.get_multi_foreign_keys(filter_names=tables),
            "checks": inspector.get_multi_check_constraints(filter_names=tables),
        }
        for table in tables:
            info = {what: facts.get((None, table)) for what, facts in gathered.items()}
            info["pk"] = info["pk"] or {}
            for what in ("columns", "indexes", "uniques", "foreign_keys", "checks"):
                info[what] = info[what] or []
            _table_facts(found, _name(table), info)
    for view in inspector.get_view_names():
        found[f"view {_name(view)}"] = ""
    for kind, name, table in _extras(connection):
        found[f"{kind} {_name(name)} on {_name(table)}"] = ""
    return found


def reference(dialect: str) -> Schema:
    """The schema a freshly migrated database of this kind has, at the newest revision."""
    found: Schema = _references().get(dialect, {})
    return found


def fingerprint(connection: Connection) -> str | None:
    """SQLite: a digest of every CREATE statement, which the migrations make word for word
    (but for the order of a table's constraints).

    Equal to the reference's, the schema is the same and ``describe`` (some 20 ms) is not
    needed; different, ``describe`` says how (or finds only a difference of spelling).
    """
    if connection.dialect.name != "sqlite":
        return None
    return sqlite_digest(connection.exec_driver_sql(SQLITE_SCHEMA_ROWS))


# The triggers the migrations make (0009: the audit log is append-only), by name and table.
OWN_TRIGGERS = frozenset(
    {
        ("audit_events_no_update", "audit_events"),
        ("audit_events_no_delete", "audit_events"),
        ("audit_events_no_change", "audit_events"),
        ("audit_events_no_truncate", "audit_events"),
    }
)


def foreign_objects(connection: Connection) -> list[str]:
    """The triggers, views and rules in the database that the migrations did not make: any
    one was put there by something else (the migrations make only the audit log's)."""
    found = [
        f"{kind} {_name(name)} on {_name(table)}"
        for kind, name, table in _extras(connection)
        if not (kind == "trigger" and (name, table) in OWN_TRIGGERS)
    ]
    found += [f"view {_name(view)}" for view in inspect(connection).get_view_names()]
    return [f"{thing} is not the tracker's" for thing in found]


def _table_of(key: str, detail: str) -> str | None:
    """The table a fact belongs to, from how ``describe`` names it."""
    for pattern, text_ in (
        (r"^column ([^.]+)\.", key),
        (r"^primary key of (\S+)$", key),
        (r"^(?:unique|foreign key) (\S+) \(", key),
        (r" on (\S+)$", key),
        (r"^on (\S+) \(", detail),
    ):
        found = re.search(pattern, text_)
        if found:
            return found.group(1)
    return None


# PostgreSQL prints a CHECK over a VARCHAR list as it parsed it, and a pg_dump restored
# parses that print again into other casts ('admin'::character varying::text vs
# ARRAY[...]::text[]): the same rule. Compared without those casts, a restored backup is
# the tracker's own schema.
_TEXT_CASTS = re.compile(r"::(?:character varying|text)(?:\[\])?")


def _same(key: str, found: str, expected: str) -> bool:
    if found == expected:
        return True
    return key.startswith("check ") and _TEXT_CASTS.sub("", found) == _TEXT_CASTS.sub("", expected)


def differences(found: Schema, expected: Schema) -> list[str]:
    """Each way the found schema differs from the expected one, in words: a missing table
    once (not each of its columns), then each other difference."""
    gone = {key[len("table ") :] for key in expected if key.startswith("table ")} - {
        key[len("table ") :] for key in found if key.startswith("table ")
    }
    lines = [f"table {table} is missing" for table in sorted(gone)]
    for key, detail in expected.items():
        if key.startswith("table ") or _table_of(key, detail) in gone:
            continue
        if key not in found:
            lines.append(f"{key} is missing")
        elif not _same(key, found[key], detail):
            lines.append(f"{key} is {found[key] or 'different'}, not {detail}")
    for key in found:
        if key not in expected:
            lines.append(f"{key} is not the tracker's")
    return lines


def check(connection: Connection) -> list[str]:
    """How this database's schema differs from a freshly migrated one; empty when the same."""
    dialect = connection.dialect.name
    known = _references().get("fingerprints", {}).get(dialect)
    if known is not None and fingerprint(connection) == known:
        return []
    return differences(describe(connection), reference(dialect))


def on_sqlite(
    connection: sqlite3.Connection, compare: Callable[[Connection], list[str]]
) -> list[str]:
    """``check`` or ``foreign_objects`` over a connection opened with sqlite3 itself."""
    engine = create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)
    with engine.connect() as wrapped:
        return compare(wrapped)


# What each column type holds, as SQLite reads it: a value of another kind is damage
# (SQLite stores whatever it is given; a hand edit or another program can put it there).
_HOLDS = (
    ("DATETIME", "a date and time", "(typeof({c}) = 'text' AND datetime({c}) IS NOT NULL)"),
    ("DATE", "a date", "(typeof({c}) = 'text' AND date({c}) IS {c})"),
    ("BOOLEAN", "true or false", "{c} IN (0, 1)"),
    ("INTEGER", "a whole number", "typeof({c}) = 'integer'"),
    ("VARCHAR", "text", "typeof({c}) = 'text'"),
    ("TEXT", "text", "typeof({c}) = 'text'"),
)


def _holds(detail: str) -> tuple[str, str] | None:
    found = next((item for item in _HOLDS if detail.startswith(item[0])), None)
    return None if found is None else (found[1], found[2])


def damaged_records(connection: Connection, limit: int = 20) -> list[str]:
    """SQLite: each record holding a value its column cannot hold (a date "9999-99-99", a
    severity "abc" or 99, bytes for a note), as "damaged record N in TABLE: ...".

    PostgreSQL enforces the types and checks itself: nothing to find there.
    """
    if connection.dialect.name != "sqlite":
        return []
    expected = reference("sqlite")
    found: list[str] = []
    for key, detail in expected.items():
        table, _, column = key.removeprefix("column ").partition(".")
        holds = _holds(detail)
        if not key.startswith("column ") or f"column {table}.id" not in expected or not holds:
            continue
        meaning, valid = holds
        quoted = f'"{column}"'
        allowed = valid.format(c=quoted)
        if "NOT NULL" not in detail:
            allowed = f"({quoted} IS NULL OR {allowed})"
        rows = connection.exec_driver_sql(
            f'SELECT id, {quoted} FROM "{table}" WHERE NOT {allowed} ORDER BY id LIMIT {limit}'
        )
        found += [
            f"damaged record {record} in {table}: its {column} is {clipped(repr(value))}, "
            f"not {meaning}"
            for record, value in rows
        ]
    return found + _broken_rules(connection, expected, limit)


def _broken_rules(connection: Connection, expected: Schema, limit: int) -> list[str]:
    found: list[str] = []
    for key, detail in expected.items():
        if key.startswith("check ") and " on " in key:
            table = key.rsplit(" on ", 1)[1]
            rows = connection.exec_driver_sql(
                f'SELECT id FROM "{table}" WHERE ({detail}) = 0 ORDER BY id LIMIT {limit}'
            )
            found += [f"damaged record {r[0]} in {table}: breaks its rule {detail}" for r in rows]
    return found
