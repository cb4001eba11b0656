"""The schema history: one head, reversible with data in place, and matching the models."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from pytest_alembic.tests import (
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

import tracker
from tracker.storage import migrate
from tracker.storage.database import resolve
from tracker.storage.models import Base
from tracker.storage.revisions import HEAD, REVISIONS

CHECKOUT = Path(__file__).resolve().parents[1]

# Every database here starts empty: these tests make the schema themselves.
pytestmark = pytest.mark.new_database

# pytest-alembic's four standard checks, imported so that pytest runs them here. They
# migrate the shipped migrations through whatever `alembic_engine` gives: on SQLite the
# plugin's own fixture (an Engine, which migrations/env.py must accept), on the PostgreSQL
# run a fresh database on the server.
__all__ = [
    "test_model_definitions_match_ddl",
    "test_single_head_revision",
    "test_up_down_consistency",
    "test_upgrade",
]


@pytest.fixture
def alembic_config() -> dict[str, str]:
    return {"script_location": str(migrate.migrations_dir())}


if os.environ.get("TRACKER_TEST_DATABASE_URL"):

    @pytest.fixture
    def alembic_engine(db_url: str) -> Iterator[Engine]:
        engine = create_engine(db_url)
        yield engine
        engine.dispose()


def _revision_chain() -> list[str]:
    script = migrate.script_directory()
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_single_head_and_the_program_knows_every_revision_in_order() -> None:
    script = migrate.script_directory()
    assert script.get_heads() == [HEAD]
    assert _revision_chain() == list(REVISIONS)


def _seed(url: str) -> None:
    engine = create_engine(resolve(url).url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sessions (id, date, kind) VALUES (1, '2026-11-10', 'ipl')"))
        conn.execute(
            text(
                "INSERT INTO entries (session_id, date, symptom, severity, note) "
                "VALUES (1, '2026-11-11', 'redness', 4, 'warm')"
            )
        )
    engine.dispose()


def _dump(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(resolve(url).url)
    with engine.connect() as conn:
        # The columns every revision has: later ones add columns, never drop these.
        columns = {
            "sessions": "id, date, kind, area, clinic, notes, follow_up",
            "entries": "id, session_id, date, symptom, severity, note",
        }
        dump = {
            table: [
                tuple(str(value) for value in row)
                for row in conn.execute(text(f"SELECT {names} FROM {table} ORDER BY id"))
            ]
            for table, names in columns.items()
        }
    engine.dispose()
    return dump


def test_upgrade_downgrade_upgrade_keeps_data(db_url: str) -> None:
    path = db_url
    location = resolve(db_url)
    migrate.upgrade(location, REVISIONS[0])
    _seed(path)
    before = _dump(path)
    migrate.upgrade(location)
    assert migrate.current(location) == HEAD
    assert _dump(path) == before
    engine = create_engine(location.url)
    with engine.connect() as conn:  # existing data belongs to the default profile
        owners = conn.execute(
            text("SELECT p.name FROM sessions s JOIN profiles p ON p.id = s.profile_id")
        )
        assert [row[0] for row in owners] == ["default"]
    with engine.begin() as conn:  # rows in the later tables too, so downgrades meet data
        conn.execute(
            text(
                "INSERT INTO protocol_overrides "
                "(profile_id, kind, symptom, typical_days, max_days) "
                "VALUES (1, 'ipl', 'redness', 2, 5)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO care_actions (session_id, date, action, note) "
                "VALUES (1, '2026-11-11', 'ice-pack', 'twice')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO entry_changes (session_id, date, symptom, before, after, "
                "changed_at) VALUES (1, '2026-11-11', 'redness', NULL, 4, '2026-12-03 01:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO flag_reviews (profile_id, session_id, action, note, reviewer_id, "
                "reviewed_at, covers) VALUES (1, 1, 'seen', 'ok', 1, '2026-12-03 01:00:00', '[]')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO audit_events (at, actor_id, actor_role, profile_id, what, address, "
                "outcome) VALUES ('2026-12-03 01:00:00', 1, 'clinician', 1, 'GET /x', "
                "'127.0.0.1', 'allowed')"
            )
        )
    engine.dispose()
    # Step down one revision at a time to the first, then back up.
    for revision in reversed(REVISIONS[:-1]):
        migrate.downgrade(location, revision)
        assert migrate.current(location) == revision
    assert _dump(path) == before
    migrate.upgrade(location)
    assert _dump(path) == before
    migrate.downgrade(location, "base")
    assert migrate.current(location) is None


def test_models_match_the_migrations(db_url: str) -> None:
    location = resolve(db_url)
    migrate.upgrade(location)
    engine = create_engine(location.url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_alembic_from_the_checkout_uses_the_same_migrations(db_url: str, db_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"db={db_url}", "upgrade", "head"],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert migrate.current(resolve(db_url)) == HEAD
    if db_path.exists():
        assert (db_path.stat().st_mode & 0o777) == 0o600


def test_installed_package_carries_the_checkout_migrations() -> None:
    shipped = migrate.migrations_dir()
    checkout = CHECKOUT / "migrations"
    names = sorted(p.name for p in (checkout / "versions").glob("*.py"))
    assert sorted(p.name for p in (shipped / "versions").glob("*.py")) == names
    for name in names:
        assert (shipped / "versions" / name).read_text() == (
            checkout / "versions" / name
        ).read_text()
    if shipped.resolve() == checkout.resolve():
        pytest.skip("running from the checkout: the wheel is checked after a plain `pip install .`")
    # Ask the installed copy's own metadata: alembic.ini's prepend_sys_path puts the checkout
    # (and the egg-info a build leaves there) on sys.path once a test has run alembic in-process.
    site = str(Path(tracker.__file__).resolve().parents[1])
    (installed,) = importlib.metadata.distributions(name="skin-recovery-tracker", path=[site])
    recorded = {str(f) for f in installed.files or []}
    for name in names:
        assert f"tracker/_migrations/versions/{name}" in recorded
    assert "tracker/_migrations/env.py" in recorded


@pytest.mark.sqlite_only
def test_dates_are_stored_as_iso_text_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    migrate.upgrade(resolve(str(path)), REVISIONS[0])
    _seed(str(path))
    migrate.upgrade(resolve(str(path)))
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT date FROM entries")).scalar() == "2026-11-11"
    engine.dispose()


def _profiles(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(resolve(url).url)
    with engine.connect() as conn:
        names = [c["name"] for c in inspect(conn).get_columns("profiles")]
        wanted = ", ".join(c for c in ("id", "name", "skin_type", "uuid") if c in names)
        rows = [
            tuple(row) for row in conn.execute(text(f"SELECT {wanted} FROM profiles ORDER BY id"))
        ]
    engine.dispose()
    return rows


def test_0005_gives_every_existing_profile_its_own_random_id_and_steps_back(db_url: str) -> None:
    location = resolve(db_url)
    migrate.upgrade(location, "0004")
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO profiles (name, skin_type) VALUES ('alice', 'III')"))
        conn.execute(text("INSERT INTO profiles (name) VALUES ('bob')"))
        conn.execute(
            text("INSERT INTO sessions (profile_id, date, kind) VALUES (2, '2026-11-10', 'ipl')")
        )
    engine.dispose()
    before = _profiles(db_url)
    assert [row[1] for row in before] == ["default", "alice", "bob"]

    migrate.upgrade(location, "0005")
    after = _profiles(db_url)
    assert [row[:3] for row in after] == before  # nothing else changed
    ids = [str(row[3]) for row in after]
    assert len(set(ids)) == 3
    assert all(str(uuid.UUID(value)) == value for value in ids)  # canonical, 36 characters

    migrate.downgrade(location, "0004")
    assert _profiles(db_url) == before
    migrate.upgrade(location, "0005")
    again = [str(row[3]) for row in _profiles(db_url)]
    assert len(set(again)) == 3 and not set(again) & set(ids)  # fresh randomness, not derived


def test_profile_ids_are_unique_in_the_schema(db_url: str) -> None:
    location = resolve(db_url)
    migrate.upgrade(location)
    engine = create_engine(location.url)
    same = "00000000-0000-4000-8000-000000000000"
    with engine.begin() as conn:
        conn.execute(text("UPDATE profiles SET uuid = :same"), {"same": same})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text("INSERT INTO profiles (name, sensitive_skin, uuid) VALUES ('x', false, :same)"),
            {"same": same},
        )
    engine.dispose()


def test_0006_adds_the_history_of_changes_beside_the_values_and_steps_back(db_url: str) -> None:
    location = resolve(db_url)
    migrate.upgrade(location, "0005")
    _seed_0005(db_url)
    before = _dump(db_url)
    migrate.upgrade(location, "0006")
    assert _dump(db_url) == before  # values untouched; they have no history yet
    engine = create_engine(location.url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM entry_changes")).scalar() == 0
        conn.execute(
            text(
                "INSERT INTO entry_changes (session_id, date, symptom, before, before_note, "
                "after, after_note, changed_at) VALUES "
                "(1, '2026-11-11', 'redness', 4, 'warm', 3, 'warm', '2026-12-03 01:02:03')"
            )
        )
        conn.execute(text("UPDATE entries SET severity = 3"))
        kept = conn.execute(text("SELECT before, after, changed_at FROM entry_changes")).one()
        assert (kept[0], kept[1], str(kept[2])) == (4, 3, "2026-12-03 01:02:03")
    engine.dispose()
    changed = _dump(db_url)
    migrate.downgrade(location, "0005")  # the history goes; the values stay as they are
    assert _dump(db_url) == changed
    engine = create_engine(location.url)
    with engine.connect() as conn:
        assert "entry_changes" not in inspect(conn).get_table_names()
    engine.dispose()
    migrate.upgrade(location)
    assert _dump(db_url) == changed


def _seed_0005(url: str) -> None:
    engine = create_engine(resolve(url).url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sessions (id, profile_id, date, kind) "
                "VALUES (1, 1, '2026-11-10', 'ipl')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO entries (session_id, date, symptom, severity, note) "
                "VALUES (1, '2026-11-11', 'redness', 4, 'warm')"
            )
        )
    engine.dispose()


def test_0008_adds_accounts_beside_the_profiles_and_steps_back(db_url: str) -> None:
    location = resolve(db_url)
    migrate.upgrade(location, "0007")
    _seed_0005(db_url)
    before = _dump(db_url)
    migrate.upgrade(location, "0008")
    assert _dump(db_url) == before  # no record is touched; accounts start empty
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO accounts (id, email, role, profile_id, password_hash, created_at) "
                "VALUES (1, 'ann@example.org', 'patient', 1, '$argon2id$x', '2026-12-03 07:00:00')"
            )
        )
        for table, columns, values in (
            (
                "account_links",
                "token_hash, created_at, expires_at",
                "'a', '2026-12-03', '2026-12-06'",
            ),
            (
                "login_sessions",
                "token_hash, stage, created_at, last_seen_at",
                "'b', 'full', '2026-12-03', '2026-12-03'",
            ),
            ("consents", "version, agreed_at", "'2026-12-03', '2026-12-03 07:01:00'"),
        ):
            conn.execute(text(f"INSERT INTO {table} (account_id, {columns}) VALUES (1, {values})"))
        conn.execute(
            text(
                "INSERT INTO login_failures (email_hash, address, failed_at) "
                "VALUES ('c', '127.0.0.1', '2026-12-03 07:02:00')"
            )
        )
        refused = text(
            "INSERT INTO accounts (email, role, created_at) "
            "VALUES ('x@example.org', 'owner', '2026-12-03')"
        )
        with pytest.raises(IntegrityError), conn.begin_nested():  # one of three roles
            conn.execute(refused)
    engine.dispose()
    migrate.downgrade(location, "0007")  # the accounts go; every record stays
    assert _dump(db_url) == before
    engine = create_engine(location.url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert not tables & {
        "accounts",
        "account_links",
        "login_sessions",
        "login_failures",
        "consents",
    }
    migrate.upgrade(location)
    assert _dump(db_url) == before


def test_0010_fills_the_symptom_courses_from_the_values_and_steps_back(db_url: str) -> None:
    location = resolve(db_url)
    migrate.upgrade(location, "0009")
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sessions (id, profile_id, date, kind) VALUES "
                "(1, 1, '2026-11-10', 'ipl'), (2, 1, '2026-11-20', 'ipl')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO entries (session_id, date, symptom, severity) VALUES "
                # redness: 4, 0, 2, 0, 0: gone on the 15th (the 0 after its last value above 0)
                "(1, '2026-11-11', 'redness', 4), (1, '2026-11-12', 'redness', 0), "
                "(1, '2026-11-14', 'redness', 2), (1, '2026-11-15', 'redness', 0), "
                "(1, '2026-11-16', 'redness', 0), "
                # itching still there; swelling never above 0
                "(1, '2026-11-11', 'itching', 1), (1, '2026-11-13', 'itching', 3), "
                "(1, '2026-11-12', 'swelling', 0), (2, '2026-11-21', 'redness', 5)"
            )
        )
    before = _dump(db_url)
    migrate.upgrade(location, "0010")
    assert _dump(db_url) == before
    with engine.connect() as conn:
        kept = conn.execute(
            text(
                "SELECT session_id, symptom, latest, latest_severity, gone, value_count "
                "FROM symptom_courses ORDER BY session_id, symptom"
            )
        )
        assert [tuple(str(v) for v in row) for row in kept] == [
            ("1", "itching", "2026-11-13", "3", "None", "2"),
            ("1", "redness", "2026-11-16", "0", "2026-11-15", "5"),
            ("1", "swelling", "2026-11-12", "0", "None", "1"),
            ("2", "redness", "2026-11-21", "5", "None", "1"),
        ]
    migrate.downgrade(location, "0009")  # the summary goes; the values stay
    assert _dump(db_url) == before
    with engine.connect() as conn:
        assert "symptom_courses" not in inspect(conn).get_table_names()
    engine.dispose()
    migrate.upgrade(location)
    assert _dump(db_url) == before


REVIEWED = '[{"about": "redness", "level": "warning", "rules": ["persisting"], "session_id": N}]'


def _review(url: str) -> tuple[object, ...]:
    engine = create_engine(resolve(url).url)
    with engine.connect() as conn:
        found = tuple(conn.execute(text("SELECT session_id, covers FROM flag_reviews")).one())
    engine.dispose()
    return found


def _session_numbers(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(resolve(url).url)
    with engine.connect() as conn:
        rows = [
            tuple(row)
            for row in conn.execute(
                text("SELECT id, profile_id, number, kind FROM sessions ORDER BY id")
            )
        ]
    engine.dispose()
    return rows


def test_0012_numbers_each_profiles_sessions_in_order_of_id_and_steps_back(db_url: str) -> None:
    location = resolve(db_url)
    migrate.upgrade(location, "0011")
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO profiles (name, sensitive_skin, uuid) VALUES "
                "('alice', false, 'a'), ('bob', false, 'b')"
            )
        )
        # Interleaved across profiles, and one added later for an earlier date: the number
        # follows the order the sessions were added in (their ids), not their dates.
        for profile, date, kind in [
            (1, "2026-11-01", "ipl"),
            (2, "2026-11-05", "laser"),
            (1, "2026-11-10", "peel"),
            (3, "2026-11-02", "ipl"),
            (2, "2026-10-20", "microneedling"),
            (1, "2026-11-20", "laser"),
        ]:
            conn.execute(
                text("INSERT INTO sessions (profile_id, date, kind) VALUES (:p, :d, :k)"),
                {"p": profile, "d": date, "k": kind},
            )
        conn.execute(
            text(
                "INSERT INTO entries (session_id, date, symptom, severity, note) "
                "VALUES (5, '2026-10-21', 'redness', 4, 'warm')"
            )
        )
        # A clinician's review of Alice's second session (row 5), as 0009 stored it.
        conn.execute(
            text(
                "INSERT INTO flag_reviews (profile_id, session_id, action, reviewed_at, covers) "
                "VALUES (2, 5, 'seen', '2026-11-24 10:00:00', :covers)"
            ),
            {"covers": REVIEWED.replace("N", "5")},
        )
    engine.dispose()
    before = _dump(db_url)

    migrate.upgrade(location, "0012")
    assert _dump(db_url) == before  # rows and their ids untouched
    assert [(row[1], row[2], row[3]) for row in _session_numbers(db_url)] == [
        (1, 1, "ipl"),
        (2, 1, "laser"),
        (1, 2, "peel"),
        (3, 1, "ipl"),
        (2, 2, "microneedling"),
        (1, 3, "laser"),
    ]
    assert _review(db_url) == (2, REVIEWED.replace("N", "2"))  # by number, as the program
    engine = create_engine(location.url)
    with pytest.raises(IntegrityError), engine.begin() as conn:  # one number per profile
        conn.execute(
            text(
                "INSERT INTO sessions (profile_id, number, date, kind) "
                "VALUES (2, 2, '2026-12-01', 'ipl')"
            )
        )
    with engine.begin() as conn:  # the same number in another profile is fine
        conn.execute(
            text(
                "INSERT INTO sessions (profile_id, number, date, kind) "
                "VALUES (3, 2, '2026-12-01', 'ipl')"
            )
        )
    engine.dispose()
    grown = _dump(db_url)

    migrate.downgrade(location, "0011")
    assert _dump(db_url) == grown
    assert _review(db_url) == (5, REVIEWED.replace("N", "5"))
    engine = create_engine(location.url)
    with engine.connect() as conn:
        names = [c["name"] for c in inspect(conn).get_columns("sessions")]
    engine.dispose()
    assert "number" not in names
    migrate.upgrade(location)
    assert _dump(db_url) == grown
    assert [row[2] for row in _session_numbers(db_url)] == [1, 1, 2, 1, 2, 3, 2]


def _links(url: str) -> list[tuple[str, str, str | None, object]]:
    engine = create_engine(resolve(url).url)
    with engine.connect() as conn:
        columns = [c["name"] for c in inspect(conn).get_columns("account_links")]
        keeps = "keeps_second_factor" if "keeps_second_factor" in columns else "NULL"
        rows = conn.execute(
            text(f"SELECT token_hash, expires_at, used_at, {keeps} FROM account_links ORDER BY id")
        )
        found = [(str(a), str(b), None if c is None else str(c), d) for a, b, c, d in rows]
    engine.dispose()
    return found


def test_0014_adds_reset_requests_and_links_that_keep_the_second_factor_and_steps_back(
    db_url: str,
) -> None:
    location = resolve(db_url)
    migrate.upgrade(location, "0013")
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO accounts (id, email, role, password_hash, created_at) "
                "VALUES (1, 'doc@example.org', 'clinician', '$argon2id$x', '2026-12-03 07:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO account_links (account_id, token_hash, created_at, expires_at) "
                "VALUES (1, 'made', '2026-12-03 07:00:00', '2026-12-06 07:00:00')"
            )
        )
    engine.dispose()
    migrate.upgrade(location, "0014")
    # The clinic's link stays what it was: it clears a staff member's second factor.
    assert [row[3] in (False, 0) for row in _links(db_url)] == [True]
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE account_links SET used_at = '2026-12-03 08:00:00'"))
        conn.execute(
            text(
                "INSERT INTO account_links "
                "(account_id, token_hash, created_at, expires_at, keeps_second_factor) "
                "VALUES (1, 'asked', '2026-12-03 08:00:00', '2026-12-06 08:00:00', true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO reset_requests (email_hash, address, asked_at) "
                "VALUES ('h', '203.0.113.9', '2026-12-03 08:00:00')"
            )
        )
    engine.dispose()
    migrate.downgrade(location, "0013")
    # The link asked for on the sign-in page would clear the second factor under the old
    # program: it is spent, at its making; the clinic's link is as it was.
    assert _links(db_url) == [
        ("made", "2026-12-06 07:00:00", "2026-12-03 08:00:00", None),
        ("asked", "2026-12-06 08:00:00", "2026-12-03 08:00:00", None),
    ]
    engine = create_engine(location.url)
    with engine.connect() as conn:
        assert "reset_requests" not in inspect(conn).get_table_names()
    engine.dispose()
    migrate.upgrade(location)
    assert [row[3] in (False, 0) for row in _links(db_url)] == [True, True]


def test_0015_adds_recovery_codes_beside_the_accounts_and_steps_back(db_url: str) -> None:
    location = resolve(db_url)
    migrate.upgrade(location, "0007")
    _seed_0005(db_url)  # a patient's records, carried up to 0014
    migrate.upgrade(location, "0014")
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO accounts (id, email, role, password_hash, totp_secret, "
                "totp_confirmed_at, created_at) VALUES (1, 'doc@example.org', 'clinician', "
                "'$argon2id$x', 'ABCDEFGH', '2026-12-03 07:01:00', '2026-12-03 07:00:00')"
            )
        )
    engine.dispose()

    def accounts() -> list[tuple[object, ...]]:
        engine = create_engine(location.url)
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT id, email, password_hash, totp_secret FROM accounts ORDER BY id")
            ).all()
        engine.dispose()
        return [tuple(row) for row in found]

    before, before_accounts = _dump(db_url), accounts()
    migrate.upgrade(location, "0015")
    assert (_dump(db_url), accounts()) == (before, before_accounts)  # nothing else touched
    engine = create_engine(location.url)
    with engine.begin() as conn:
        for n in range(3):
            conn.execute(
                text(
                    "INSERT INTO recovery_codes (account_id, code_hash, created_at, used_at) "
                    "VALUES (1, :h, '2026-12-03 07:02:00', :used)"
                ),
                {"h": f"{n:064d}", "used": "2026-12-03 09:00:00" if n == 0 else None},
            )
        refused = text(
            "INSERT INTO recovery_codes (account_id, code_hash, created_at) "
            "VALUES (99, 'x', '2026-12-03')"
        )
        if location.url.get_backend_name() == "postgresql":  # SQLite: foreign keys per connection
            with pytest.raises(IntegrityError), conn.begin_nested():
                conn.execute(refused)
    engine.dispose()
    migrate.downgrade(location, "0014")  # the codes go; accounts and records stay
    assert (_dump(db_url), accounts()) == (before, before_accounts)
    engine = create_engine(location.url)
    with engine.connect() as conn:
        assert "recovery_codes" not in inspect(conn).get_table_names()
    engine.dispose()
    migrate.upgrade(location)
    engine = create_engine(location.url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM recovery_codes")).scalar_one() == 0
    engine.dispose()


def test_0017_keeps_temperature_changes_beside_the_values_and_steps_back(db_url: str) -> None:
    location = resolve(db_url)
    migrate.upgrade(location, "0005")
    _seed_0005(db_url)
    migrate.upgrade(location, "0016")

    def rows(sql: str) -> list[tuple[str, ...]]:
        engine = create_engine(location.url)
        with engine.connect() as conn:
            found = [tuple(str(v) for v in row) for row in conn.execute(text(sql))]
        engine.dispose()
        return found

    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO measurements (id, session_id, date, measure, value, unit, note, "
                "logged_at) VALUES (7, 1, '2026-11-11', 'temperature', '38,4', 'C', 'hot', "
                "'2026-12-03 01:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO entry_changes (session_id, date, symptom, before, before_note, "
                "after, after_note, changed_at) VALUES "
                "(1, '2026-11-11', 'redness', 4, 'warm', 3, 'warm', '2026-12-03 01:02:03')"
            )
        )
    engine.dispose()
    readings = "SELECT id, session_id, date, value, unit, note FROM measurements ORDER BY id"
    value_changes = "SELECT id, symptom, before, after FROM entry_changes ORDER BY id"
    before = (_dump(db_url), rows(readings), rows(value_changes))
    migrate.upgrade(location, "0017")
    assert (_dump(db_url), rows(readings), rows(value_changes)) == before
    assert rows("SELECT reading_id, before_reading, after_reading FROM entry_changes") == [
        ("None", "None", "None")  # a value's change is about no reading
    ]
    engine = create_engine(location.url)
    with engine.begin() as conn:  # 38,4 °C corrected to 37.2 °C
        conn.execute(
            text(
                "INSERT INTO entry_changes (session_id, date, symptom, before_note, after_note, "
                "changed_at, reading_id, before_reading, before_unit, after_reading, after_unit) "
                "VALUES (1, '2026-11-11', 'temperature', 'hot', 'hot', '2026-12-03 02:00:00', "
                "7, '38,4', 'C', '37.2', 'C')"
            )
        )
        conn.execute(text("UPDATE measurements SET value = '37.2' WHERE id = 7"))
    engine.dispose()
    assert rows(
        "SELECT symptom, reading_id, before_reading, before_unit, after_reading, after_unit "
        "FROM entry_changes WHERE reading_id IS NOT NULL"
    ) == [("temperature", "7", "38,4", "C", "37.2", "C")]
    corrected = (_dump(db_url), rows(readings), rows(value_changes)[:1])
    migrate.downgrade(location, "0016")  # the temperature's change goes; all else stays
    assert (_dump(db_url), rows(readings), rows(value_changes)) == corrected
    migrate.upgrade(location)
    assert (_dump(db_url), rows(readings), rows(value_changes)) == corrected
