from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from inspect import getsource
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import make_url

from tracker.cli import DEFECT, cli, hints
from tracker.cli.hints import EXIT_CODES
from tracker.domain.errors import Kind, TrackerError

TODAY = dt.date(2026, 11, 24)
# No per-example deadline anywhere: speed is measured by benchmarks/, never by a test, and a
# deadline fails a correct example on a busy machine (CI runs PostgreSQL's suite beside).
settings.register_profile("tracker", deadline=None)
settings.load_profile("tracker")
# When set, every test that uses a database runs on a fresh PostgreSQL database instead.
POSTGRES_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")

Run = Callable[..., Result]
State = Callable[[], object]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about SQLite files themselves")
    config.addinivalue_line("markers", "postgres_only: needs TRACKER_TEST_DATABASE_URL")
    config.addinivalue_line("markers", "slow: several processes or kills; CI runs them too")
    config.addinivalue_line(
        "markers", "new_database: the database under test starts empty, never migrated"
    )
    config.addinivalue_line(
        "markers", "sweep: a whole grid the default run samples; run with -m sweep (CI does)"
    )
    _refuse_a_stale_install()


@pytest.fixture(autouse=True)
def fresh_tables() -> None:
    """Tables cached for speed are built again in each test, so that a mutation test run
    (mutmut) sees a mutant in the code that builds them."""
    from tracker.domain import care, catalog, exchange, expectations

    for cached in (
        catalog._symptom_index,
        catalog._kind_index,
        care._care_index,
        expectations.shipped_table,
        expectations.shipped_windows,
        exchange._session_key_cached,
        exchange._iso_date,
        exchange._dated_text,
        exchange._valued_text,
    ):
        cached.cache_clear()


def pytest_report_header() -> str:
    if POSTGRES_URL:
        server = make_url(POSTGRES_URL).render_as_string()
        return f"database: PostgreSQL ({server}); only the tests that use a database run"
    return "database: SQLite files (set TRACKER_TEST_DATABASE_URL to run on PostgreSQL)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "sweep" not in (config.option.markexpr or ""):
        # A sweep's grid is sampled by a test of its own in the default run (minutes saved).
        swept = [item for item in items if item.get_closest_marker("sweep")]
        if swept:
            config.hook.pytest_deselected(items=swept)
            items[:] = [item for item in items if not item.get_closest_marker("sweep")]
    if POSTGRES_URL:
        _keep_only_database_tests(config, items)
    for item in items:
        if POSTGRES_URL and item.get_closest_marker("sqlite_only"):
            reason = "about SQLite files; covered by the SQLite run"
            item.add_marker(pytest.mark.skip(reason=reason))
        if not POSTGRES_URL and item.get_closest_marker("postgres_only"):
            item.add_marker(
                pytest.mark.skip(reason="no PostgreSQL: set TRACKER_TEST_DATABASE_URL to run it")
            )


# The fixtures through which a test reaches the database under test. On PostgreSQL only the
# tests that use one of them run: the others never open a database, or open a SQLite file of
# their own (`tmp_path / "x.db"`), so they would prove the same thing twice.
DATABASE_FIXTURES = frozenset({"db_url", "template_db", "postgres_url"})


def _keep_only_database_tests(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL run: every test that uses a database fixture, and no other. A test that
    reads the server's address itself but uses none of them is refused, so that it cannot
    drop out of the PostgreSQL run unnoticed (it should ask for ``postgres_url``)."""
    unused = [item for item in items if DATABASE_FIXTURES.isdisjoint(_fixtures(item))]
    for item in unused:
        if _names_the_server(item):
            raise pytest.UsageError(
                f"{item.nodeid} reads TRACKER_TEST_DATABASE_URL but uses none of "
                f"{', '.join(sorted(DATABASE_FIXTURES))}: ask for postgres_url, "
                "or it never runs on PostgreSQL"
            )
    if unused:
        config.hook.pytest_deselected(items=unused)
        dropped = {id(item) for item in unused}
        items[:] = [item for item in items if id(item) not in dropped]


def _fixtures(item: pytest.Item) -> list[str]:
    return list(getattr(item, "fixturenames", ()))


def _names_the_server(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    try:
        source = getsource(function) if function is not None else ""
    except (OSError, TypeError):
        source = ""
    return "POSTGRES_URL" in source or "TRACKER_TEST_DATABASE_URL" in source


@pytest.fixture
def postgres_url() -> str | None:
    """The PostgreSQL server under test (None on the SQLite run), for a test that hands it
    to a program of its own; asking for it keeps the test in the PostgreSQL run."""
    return POSTGRES_URL


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to the head once per run, which each test's database copies:
    replaying every migration per test cost more than most tests' own commands."""
    from tracker.storage import migrate
    from tracker.storage.database import resolve
    from tracker.storage.revisions import HEAD

    if not POSTGRES_URL:
        path = tmp_path_factory.mktemp("template") / f"head-{HEAD}.db"
        migrate.upgrade(resolve(str(path)))
        yield str(path)
        return
    name = f"tracker_template_{HEAD}_{uuid.uuid4().hex[:8]}"
    with _admin() as admin:
        admin.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        migrate.upgrade(resolve(make_url(POSTGRES_URL).set(database=name).render_as_string(False)))
        yield name
    finally:
        with _admin() as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def db_url(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """The database under test: a SQLite file, or a new PostgreSQL database per test.

    It starts as a copy of the migrated template (as a database after its first command);
    a test marked ``new_database`` gets none (no file; an empty PostgreSQL database)."""
    new = request.node.get_closest_marker("new_database") is not None
    if not POSTGRES_URL:
        if not new:
            shutil.copyfile(request.getfixturevalue("template_db"), db_path)
            db_path.chmod(0o600)
        yield str(db_path)
        return
    copies: _Copies | None = None if new else request.getfixturevalue("postgres_copies")
    if copies is not None:
        name = copies.take()
    else:
        name = f"tracker_test_{uuid.uuid4().hex[:12]}"
        with _admin() as admin:
            admin.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        if copies is not None:
            copies.drop(name)
        else:
            with _admin() as admin:
                admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class _Copies:
    """New PostgreSQL databases copied from the template, each made while the test before
    it runs, and dropped after its test while the next one runs: copying the template takes
    the server about as long as a short test (measured 0.2-0.9 s), and this way the server
    copies on the other core instead of the test waiting for it. Every test still gets a
    database no test has used; a failed copy or drop fails the test that takes it next."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.engine = create_engine(POSTGRES_URL or "", isolation_level="AUTOCOMMIT")
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-copies")
        self.dropped: list[Future[None]] = []
        self.next = self.worker.submit(self._copy)

    def _copy(self) -> str:
        name = f"tracker_test_{uuid.uuid4().hex[:12]}"
        with self.engine.connect() as admin:
            admin.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        return name

    def _drop(self, name: str) -> None:
        with self.engine.connect() as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def take(self) -> str:
        for done in [d for d in self.dropped if d.done()]:
            self.dropped.remove(done)
            done.result()  # a drop that failed fails this test, not silently
        name = self.next.result()
        self.next = self.worker.submit(self._copy)
        return name

    def drop(self, name: str) -> None:
        self.dropped.append(self.worker.submit(self._drop, name))

    def close(self) -> None:
        try:
            self._drop(self.next.result())
            for done in self.dropped:
                done.result()
        finally:
            self.worker.shutdown(wait=True)
            self.engine.dispose()


@pytest.fixture(scope="session")
def postgres_copies(template_db: str) -> Iterator[_Copies]:
    copies = _Copies(template_db)
    try:
        yield copies
    finally:
        copies.close()


@contextmanager
def _admin() -> Iterator[Connection]:
    """A connection to the PostgreSQL server's own test database, outside transactions."""
    assert POSTGRES_URL
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


@pytest.fixture
def run(db_url: str) -> Run:
    """Run the CLI against the database under test, with a fixed today (see ``invoke``)."""

    def invoke_here(*args: str, input: str | None = None, today: dt.date = TODAY) -> Result:
        return invoke("--db", db_url, "--today", today.isoformat(), *args, input=input)

    return invoke_here


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """`tracker ARGS` in this process. ``result.kind`` is the kind of the error the command
    refused with (None if it did not, or if click refused the command line itself), read
    where the command line says it; a crash (exit 70, the last resort's) fails the test."""
    kinds: list[Kind] = []

    def said(exc: TrackerError) -> str:
        kinds.append(exc.kind)
        return hints.said(exc)

    with mock.patch("tracker.cli.said", said):
        result = CliRunner(env=env).invoke(cli, list(args), input=input, catch_exceptions=False)
    result.kind = kinds[-1] if kinds else None  # type: ignore[attr-defined]
    if result.exit_code == DEFECT:  # a crash fails the test, whatever it asserts next
        pytest.fail(f"tracker {' '.join(args)} crashed: {result.stderr}", pytrace=False)
    return result


def refusal(kind: Kind) -> tuple[int, Kind]:
    """The exit code and kind of a command refused with ``kind``: compare to
    ``(result.exit_code, result.kind)``."""
    return EXIT_CODES[kind], kind


@pytest.fixture
def state(db_url: str, db_path: Path) -> State:
    """What the database holds right now: a SQLite file's bytes, or every table's rows."""

    def snapshot() -> object:
        if not POSTGRES_URL:
            return db_path.read_bytes() if db_path.exists() else None
        engine = create_engine(db_url)
        try:
            with engine.connect() as connection:
                return {
                    table: sorted(
                        json.dumps(list(row), default=str)
                        for row in connection.execute(text(f'SELECT * FROM "{table}"'))
                    )
                    for table in inspect(connection).get_table_names()
                }
        finally:
            engine.dispose()

    return snapshot


# Debian's chromium and its driver, for the browser tests (test_web_browser.py says how).
CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TRACKER_CHROMEDRIVER", "/usr/bin/chromedriver")
Chromium = Callable[..., Any]


@pytest.fixture
def chromium() -> Iterator[Chromium]:
    """Opens a headless chromium window as every browser test does: ``chromium(width,
    height, phone=False, downloads=None)`` (``phone``: a phone's touch and pixel ratio;
    ``downloads``: where files go, without asking). Every window opened is closed after
    the test, whatever it did."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opened: list[webdriver.Chrome] = []

    def open_window(
        width: int, height: int, *, phone: bool = False, downloads: Path | None = None
    ) -> webdriver.Chrome:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--lang=en-GB",
            f"--window-size={width},{height}",
        ):
            options.add_argument(argument)
        if phone:
            metrics = {"width": width, "height": height, "pixelRatio": 2.0}
            options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
        if downloads is not None:
            prefs = {"download.default_directory": str(downloads)}
            options.add_experimental_option(
                "prefs", {**prefs, "download.prompt_for_download": False}
            )
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        opened.append(driver)
        driver.set_window_size(width, height)
        return driver

    yield open_window
    for driver in opened:
        driver.quit()


@pytest.fixture
def session_id(run: Run) -> int:
    """A laser session ten days before TODAY."""
    result = run("session", "add", "--date", "2026-11-14", "--kind", "laser", "--json")
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["id"])


def _refuse_a_stale_install() -> None:
    """Refuse to test a stale installed copy instead of the code in this checkout."""
    import tracker

    installed = Path(tracker.__file__).resolve().parent
    checkout = Path(__file__).resolve().parents[1] / "tracker"
    if installed == checkout:
        return
    stale = sorted(
        str(source.relative_to(checkout))
        for source in checkout.rglob("*.py")
        if not (installed / source.relative_to(checkout)).is_file()
        or (installed / source.relative_to(checkout)).read_bytes() != source.read_bytes()
    )
    if stale:
        raise pytest.UsageError(
            f"The installed tracker ({installed}) differs from this checkout in "
            f"{', '.join(stale)}: run `pip install '.[test]'` again "
            "(or use `pip install -e '.[test]'` while developing)."
        )
