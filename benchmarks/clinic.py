"""The hosted mode under a clinic's load: 2,000 patients, 200 checking in and 5 clinicians at once.

    TRACKER_PG_PORT=5443 bash .ci/with-postgres python benchmarks/clinic.py [--workers 3]
    python benchmarks/clinic.py --database postgresql+psycopg://postgres@127.0.0.1:5432/postgres

On a throw-away PostgreSQL server (the URL of a database whose user may create databases:
TRACKER_TEST_DATABASE_URL, as .ci/with-postgres sets, or --database), loopback only:

1. seeds 2,000 patients with 30 days of 8 symptoms each (benchmarks/clinic_seed.py), and
   their accounts: every patient signed up and consented, 5 clinicians with TOTP;
2. starts the app under gunicorn (--workers app processes on 127.0.0.1), signs in 200 of
   the patients and the 5 clinicians, then has the 200 check in (the check-in page, saving
   the day's values, the status page; --rounds times each) while the 5 clinicians reload
   the triage list, all at once: median and 95th percentile of each page, and errors
   (target: none);
3. the floor: the same clients and processes against the least a signed-in page does
   (benchmarks/clinic_floor.py: the session looked up in PostgreSQL, a small template),
   side by side, with each page's ratio to it;
4. the triage page alone at 200, 2,000 and 10,000 patients (target: p95 under 300 ms at
   2,000), beside, in one process: its first page read from the kept lines (tracker.
   services.triage_pages, nothing stale), the whole flag engine over every open recovery
   (`clinic_lines`: what every load did before the lines were kept), a hand-written SQL
   query for one flag kind (persisting: the baseline tests/test_clinic_benchmark.py checks
   against the engine's own answer), and judging every patient's line once (what the first
   load after an upgrade does; seeded rows counted no write).

Bounded: fixed request counts, a 30 s timeout per request, --max-minutes for the whole run;
the servers are stopped and the databases dropped at the end. Not a test: CI runs only
`--smoke` (tiny sizes) from tests/test_clinic_benchmark.py.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import clinic_seed  # noqa: E402

TIMEOUT = 60.0
SECRET = "benchmark-secret-key-benchmark-secret-key"  # a throw-away server's key
PASSWORD = "a long benchmark passphrase"


# ---------------------------------------------------------------------------------------
# Figures


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class Tally:
    """Every request's time by page, and every error (an unexpected status or a failure)."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, took_ms: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.times[page].append(took_ms)
            else:
                self.errors[page].append(error)

    def row(self, page: str) -> dict[str, object]:
        times = self.times.get(page, [])
        errors = self.errors.get(page, [])
        return {
            "page": page,
            "requests": len(times) + len(errors),
            "errors": len(errors),
            "median_ms": round(statistics.median(times), 1) if times else None,
            "p95_ms": round(percentile(times, 0.95), 1) if times else None,
            "first_error": errors[0] if errors else None,
        }


# ---------------------------------------------------------------------------------------
# A browser: cookies kept, the form's CSRF token sent back


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Client:
    def __init__(self, port: int, host: str, tally: Tally | None = None) -> None:
        self.port = port
        self.host = host  # the public address's host, as the proxy would pass it on
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.tally = tally
        self.connection: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        headers = {"Host": self.host}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({"csrf": self.csrf, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{self.host}"
        for attempt in (1, 2):
            connection = self._connection()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server closed between two requests: once more.
                self.close()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        found = CSRF.search(text)
        if found:
            self.csrf = found.group(1)
        return response.status, dict(response.getheaders()), text

    def timed(
        self,
        page: str,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> tuple[int, dict[str, str], str]:
        started = time.perf_counter()
        try:
            status, headers, text = self.request(method, path, form)
        except (OSError, http.client.HTTPException) as exc:
            self.close()  # a connection that timed out cannot send the next request
            if self.tally is not None:
                self.tally.add(page, 0.0, f"{type(exc).__name__}: {exc}")
            return 0, {}, ""
        took = (time.perf_counter() - started) * 1000
        if self.tally is not None:
            self.tally.add(page, took, None if status in ok else f"HTTP {status} for {path}")
        return status, headers, text


# ---------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class AppServer:
    """gunicorn running an app factory with N worker processes on loopback."""

    def __init__(
        self,
        factory: str,
        workers: int,
        threads: int,
        env: dict[str, str],
        port: int,
        chdir: Path | None = None,
    ) -> None:
        self.port = port
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise SystemExit("gunicorn is not installed: pip install '.[clinic]'")
        command = [
            gunicorn,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            *(["--chdir", str(chdir)] if chdir else []),
            factory,
        ]
        self.log = Path(env.get("BENCH_LOG_DIR", "/tmp")) / f"gunicorn-{port}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped:\n{self.log.read_text()[-3000:]}")
            if self._answers():
                return
            time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not answer in 60 s:\n{self.log.read_text()[-3000:]}")

    def _answers(self) -> bool:
        """Whether a worker answers (the master listens before its workers have booted)."""
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            connection.request("GET", "/", headers={"Host": f"127.0.0.1:{self.port}"})
            connection.getresponse().read()
            connection.close()
            return True
        except (OSError, http.client.HTTPException):
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# ---------------------------------------------------------------------------------------
# Databases: a new one per size on the PostgreSQL server (or a file, for the smoke run)


class Databases:
    def __init__(self, server_url: str | None, work: Path) -> None:
        self.server_url = server_url
        self.work = work
        self.made: list[str] = []

    def new(self, size: int) -> str:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        if self.server_url is None:
            path = self.work / f"clinic-{size}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self.made.append(str(path))
            return str(path)
        name = f"clinic_bench_{size}_{os.getpid()}"
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.made.append(name)
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        from sqlalchemy import create_engine, text

        if self.server_url is None:
            return
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Clinic:
    """A seeded clinic database and the one-time links of its staff."""

    url: str
    size: int
    patients: list[clinic_seed.Patient]
    staff_links: list[str]
    seconds: float
    judged_seconds: float = 0.0  # every patient's triage line judged and kept, once
    staff_cookies: list[dict[str, str]] = field(default_factory=list)


def staff_clients(clinic: Clinic, port: int, tally: Tally | None) -> list[Client]:
    """The clinicians, signed in: through their links the first time (kept afterwards: a
    session lives in the database, so a new app server knows it)."""
    host = f"127.0.0.1:{port}"
    staff = [Client(port, host, tally) for _ in clinic.staff_links]
    if clinic.staff_cookies:
        for client, cookies in zip(staff, clinic.staff_cookies, strict=True):
            client.cookies = dict(cookies)
            with contextlib.suppress(OSError, http.client.HTTPException):
                client.request("GET", TRIAGE)  # a warm process; timed requests come later
    else:
        in_pool(staff_signs_up, list(zip(staff, clinic.staff_links, strict=True)), 5)
        clinic.staff_cookies = [dict(c.cookies) for c in staff]
    return staff


def build_clinic(databases: Databases, size: int, clinicians: int, as_of: dt.date) -> Clinic:
    from sqlalchemy import create_engine

    from tracker.services import accounts
    from tracker.storage import migrate
    from tracker.storage.database import Database, resolve

    started = time.perf_counter()
    url = databases.new(size)
    location = resolve(url)
    migrate.upgrade(location)
    engine = create_engine(location.url)
    try:
        made = clinic_seed.seed(engine, size, as_of, password=PASSWORD)
    finally:
        engine.dispose()
    database = Database(location)
    links = []
    try:
        now = dt.datetime.now(dt.UTC)
        with database.writing() as store:
            for number in range(clinicians):
                issued = accounts.add_staff(
                    store, f"clinician-{number}@clinic.example", "clinician", now
                )
                links.append(issued.token)
        seeded = time.perf_counter() - started
        judged = judge_every_line(database, as_of)
    finally:
        database.dispose()
    return Clinic(url, size, made, links, seeded, judged)


def judge_every_line(database: object, as_of: dt.date) -> float:
    """Every patient's triage line judged and kept (what the first load after seeding, or
    after an upgrade, does): rows written with COPY counted no write, so none is kept yet."""
    from tracker.services import triage_pages

    started = time.perf_counter()
    with database.reading() as store:  # type: ignore[attr-defined]
        judged = triage_pages.stale_lines(store, as_of)
    with database.writing() as store:  # type: ignore[attr-defined]
        triage_pages.keep(store, judged)
    return time.perf_counter() - started


# ---------------------------------------------------------------------------------------
# Who does what


TRIAGE = "/clinic"  # the clinicians' list of patients


def staff_signs_up(client: Client, token: str) -> None:
    """A clinician's first visit: the link, a password, the authenticator, the first code."""
    import pyotp

    client.request("GET", f"/welcome/{token}")
    status, _, _ = client.request(
        "POST", f"/welcome/{token}", {"password": PASSWORD, "repeated": PASSWORD}
    )
    if status != 303:
        raise SystemExit(f"a clinician's link answered {status}")
    _, _, page = client.request("GET", "/enrol")
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
    if secret is None:
        raise SystemExit("the enrolment page shows no key")
    status, _, _ = client.request("POST", "/enrol", {"code": pyotp.TOTP(secret.group(1)).now()})
    if status != 200:  # signed in, shown the recovery codes
        raise SystemExit(f"a clinician's first code answered {status}")
    with contextlib.suppress(OSError, http.client.HTTPException):
        client.request("GET", TRIAGE)  # not timed: warms the process (a slow one is no error)


def patient_signs_in(client: Client, patient: clinic_seed.Patient) -> None:
    client.request("GET", "/sign-in")
    client.timed(
        "Sign in (argon2id)",
        "POST",
        "/sign-in",
        {"email": clinic_seed.email(patient.number), "password": PASSWORD},
        ok=(303,),
    )


@dataclass(frozen=True)
class Pace:
    """How fast the simulated people go. A patient opens the check-in page, spends about
    ``think`` seconds on the form (each pause drawn from 0.5-1.5 times it, seeded by the
    patient), saves, reads the status page for about as long, and starts the next round;
    the patients start spread evenly over ``spread`` seconds; a clinician pauses
    ``staff_pause`` seconds between reloads. All zero: every client asks again the moment
    it has its answer (the server's capacity, not a clinic's day)."""

    think: float = 0.0
    spread: float = 0.0
    staff_pause: float = 0.0

    def pause(self, patient: clinic_seed.Patient, n: int, step: int) -> None:
        if self.think > 0:
            chance = random.Random(patient.number * 1000 + n * 10 + step)
            time.sleep(self.think * chance.uniform(0.5, 1.5))


NO_PACE = Pace()


def patient_checks_in(
    client: Client, patient: clinic_seed.Patient, today: dt.date, n: int, pace: Pace = NO_PACE
) -> None:
    client.timed("Check-in page", "GET", "/")
    pace.pause(patient, n, 1)  # filling in the form
    form = {"date": today.isoformat(), "session": "1"}  # its number in the profile (0012)
    for position, symptom in enumerate(clinic_seed.SYMPTOMS[:4]):
        form[f"value-{symptom}"] = str((patient.number + position + n) % 4)
    client.timed("Save check-in", "POST", "/checkin", form, ok=(303,))
    client.timed("Status", "GET", "/status")
    pace.pause(patient, n, 2)  # reading it


def patient_floor(
    client: Client, patient: clinic_seed.Patient, _today: dt.date, n: int, pace: Pace = NO_PACE
) -> None:
    """The floor asked at the same times as the pages it is the floor of."""
    client.timed("Floor", "GET", "/floor")
    pace.pause(patient, n, 1)
    client.timed("Floor", "GET", "/floor")
    client.timed("Floor", "GET", "/floor")
    pace.pause(patient, n, 2)


def together(
    patients: list[tuple[Client, clinic_seed.Patient]],
    clinicians: list[Client],
    patient_turn: Callable[[Client, clinic_seed.Patient, dt.date, int, Pace], None],
    staff_path: tuple[str, str],
    rounds: int,
    today: dt.date,
    deadline: float,
    pace: Pace = NO_PACE,
) -> float:
    """Every patient takes `rounds` turns while every clinician reloads, all at once (one
    thread each, started together, the patients spread over ``pace.spread`` seconds); the
    clinicians stop when the last patient is done. Returns the wall time."""
    start = threading.Barrier(len(patients) + len(clinicians) + 1)
    patients_done = threading.Event()
    count = max(1, len(patients))

    def patient(index: int, client: Client, who: clinic_seed.Patient) -> None:
        start.wait()
        time.sleep(pace.spread * index / count)
        for n in range(rounds):
            if time.monotonic() > deadline:
                break
            patient_turn(client, who, today, n, pace)

    def clinician(client: Client) -> None:
        start.wait()
        for _ in range(5000):  # bounded, whatever happens
            if patients_done.is_set() or time.monotonic() > deadline:
                break
            client.timed(staff_path[0], "GET", staff_path[1])
            patients_done.wait(pace.staff_pause)

    threads = [threading.Thread(target=patient, args=(i, *pair)) for i, pair in enumerate(patients)]
    staff = [threading.Thread(target=clinician, args=(c,)) for c in clinicians]
    for thread in (*threads, *staff):
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(max(1.0, deadline - time.monotonic()))
    patients_done.set()
    for thread in staff:
        thread.join(TIMEOUT + 5)
    return time.perf_counter() - began


def warm_up(clients: list[tuple[Client, clinic_seed.Patient]], count: int, today: dt.date) -> None:
    """Each page once per app thread before timing (templates compiled, connections opened),
    by untimed copies of the first patients (their own cookies, their own connections)."""
    copies = []
    for client, patient in clients[:count]:
        copy = Client(client.port, client.host, None)
        copy.cookies = dict(client.cookies)
        copy.request("GET", "/")
        copies.append((copy, patient))
    in_pool(lambda c, p: patient_checks_in(c, p, today, 0), copies, count)
    for copy, _ in copies:
        copy.close()


def in_pool(work: Callable[..., None], items: list[tuple[object, ...]], size: int) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(size) as pool:
        for done in [pool.submit(work, *item) for item in items]:
            done.result()


# ---------------------------------------------------------------------------------------
# The run


def app_env(url: str, port: int) -> dict[str, str]:
    return {
        "TRACKER_DB": url,
        "TRACKER_SECRET_KEY": SECRET,
        "TRACKER_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "TRACKER_TRUSTED_PROXIES": "0",
        "PYTHONDONTWRITEBYTECODE": "",
        "BENCH_LOG_DIR": str(LOG_DIR),
    }


APP_FACTORY = "tracker.web:create_clinic_app()"
LOG_DIR = Path("/tmp")


def start_app(url: str, workers: int, threads: int) -> AppServer:
    port = free_port()
    return AppServer(APP_FACTORY, workers, threads, app_env(url, port), port)


def load_phase(
    clinic: Clinic, args: argparse.Namespace, today: dt.date, deadline: float
) -> tuple[Tally, dict[str, float], dict[str, dict[str, float]]]:
    tally = Tally()
    server = start_app(clinic.url, args.workers, args.threads)
    host = f"127.0.0.1:{server.port}"
    walls: dict[str, float] = {}
    cpu: dict[str, dict[str, float]] = {}
    pace = Pace(args.think, args.spread, args.staff_pause)
    database_pid = postgres_pid(clinic.url)
    try:
        staff = staff_clients(clinic, server.port, tally)
        active = clinic.patients[: args.active]
        clients = [(Client(server.port, host, tally), p) for p in active]
        started = time.perf_counter()
        in_pool(patient_signs_in, clients, args.workers * 2)
        walls["sign-in"] = time.perf_counter() - started
        print(f"{len(clients)} patients signed in in {walls['sign-in']:.1f} s", flush=True)
        for client in (*staff, *(c for c, _ in clients)):
            client.close()  # each simulated phone opens its own connection, as phones do
        warm_up(clients, args.workers * args.threads, today)
        meter = CpuMeter(server.process.pid, database_pid)
        meter.start()
        walls["load"] = together(
            clients,
            staff,
            patient_checks_in,
            ("Triage list", TRIAGE),
            args.rounds,
            today,
            deadline,
            pace,
        )
        cpu["load"] = meter.stop()
        print(f"check-ins and triage at once: {walls['load']:.1f} s", flush=True)
    finally:
        server.stop()
    # The floor: the same clients and cookies, against the least a signed-in page does.
    port = free_port()
    floor = AppServer(
        "clinic_floor:create_app()",
        args.workers,
        args.threads,
        {**app_env(clinic.url, port), "FLOOR_COOKIE": "tracker-session"},
        port,
        chdir=HERE,
    )
    try:
        for client, _ in clients:
            client.port, client.host = floor.port, f"127.0.0.1:{floor.port}"
            client.close()
        for client in staff:
            client.port, client.host = floor.port, f"127.0.0.1:{floor.port}"
            client.close()
        meter = CpuMeter(floor.process.pid, database_pid)
        meter.start()
        walls["floor"] = together(
            clients,
            staff,
            patient_floor,
            ("Floor (staff)", "/floor"),
            args.rounds,
            today,
            deadline,
            pace,
        )
        cpu["floor"] = meter.stop()
    finally:
        floor.stop()
    return tally, walls, cpu


# ---------------------------------------------------------------------------------------
# Who used the two cores: the load generator (this process), the app processes, PostgreSQL,
# and the whole machine (other people's work included)


TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rpartition(")")[2].split()  # the fields after the command's name


def process_tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds used so far by a process and its children, by process id."""
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields is not None and (int(entry.name) == root or int(fields[1]) == root):
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    return found


def machine_busy() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine since it started."""
    numbers = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = numbers[3] + numbers[4]  # idle, iowait
    return (sum(numbers[:8]) - idle) / TICKS, sum(numbers[:8]) / TICKS


def postgres_pid(url: str) -> int | None:
    """The PostgreSQL server's main process (its backends are its children), when the
    benchmark runs on the same machine (it reads the server's data directory)."""
    from sqlalchemy import create_engine, text

    if "://" not in url:
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            folder = connection.execute(text("SHOW data_directory")).scalar()
        return int((Path(str(folder)) / "postmaster.pid").read_text().split()[0])
    except Exception:  # not allowed to read it, or on another machine: a figure, not a must
        return None
    finally:
        engine.dispose()


class CpuMeter:
    """CPU used between ``start`` and ``stop``, in cores (CPU seconds per wall second)."""

    def __init__(self, app_pid: int, database_pid: int | None) -> None:
        self.pids = {"app processes": app_pid, "PostgreSQL": database_pid}
        self.began = 0.0
        self.before: dict[str, dict[int, float]] = {}
        self.machine = (0.0, 0.0)
        self.generator = 0.0

    @staticmethod
    def _own() -> float:
        used = resource.getrusage(resource.RUSAGE_SELF)
        return used.ru_utime + used.ru_stime

    def start(self) -> None:
        self.began = time.perf_counter()
        self.generator = self._own()
        self.machine = machine_busy()
        self.before = {
            name: process_tree_cpu(pid) if pid else {} for name, pid in self.pids.items()
        }

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self.began
        busy, every = machine_busy()
        used = {"load generator": (self._own() - self.generator) / wall}
        for name, pid in self.pids.items():
            if pid:
                now = process_tree_cpu(pid)
                before = self.before[name]
                used[name] = sum(cpu - before.get(p, 0.0) for p, cpu in now.items()) / wall
        used["whole machine"] = (busy - self.machine[0]) / wall
        used["cores"] = (every - self.machine[1]) / wall
        return {name: round(value, 2) for name, value in used.items()}


def timed_in_process(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def triage_at(
    clinic: Clinic, args: argparse.Namespace, today: dt.date, deadline: float
) -> dict[str, object]:
    """The triage page at this clinic's size: one clinician alone, then all at once; and
    what it must at least compute, in one process."""
    from sqlalchemy import create_engine, text

    from tracker.services import triage, triage_pages
    from tracker.storage.database import Database, resolve

    requests = args.triage_requests if clinic.size <= 2000 else max(3, args.triage_requests // 2)
    alone, together_ = Tally(), Tally()
    server = start_app(clinic.url, args.workers, args.threads)
    try:
        staff = staff_clients(clinic, server.port, together_)
        first = staff[0]
        with contextlib.suppress(OSError, http.client.HTTPException):
            first.request("GET", TRIAGE)  # warm: this process has drawn the list once
        first.tally = alone
        for _ in range(requests):
            if time.monotonic() > deadline:
                break
            first.timed("Triage list", "GET", TRIAGE)
        first.tally = together_

        def reload(client: Client) -> None:
            for _ in range(requests):
                if time.monotonic() > deadline:
                    break
                client.timed("Triage list", "GET", TRIAGE)

        in_pool(reload, [(c,) for c in staff], len(staff))
    finally:
        server.stop()
    location = resolve(clinic.url)
    database = Database(location)
    engine = create_engine(location.url)
    try:

        def flag_engine() -> object:
            with database.reading() as store:
                return triage.clinic_lines(store, today)

        def query() -> object:
            with engine.connect() as connection:
                sql = clinic_seed.persisting_sql(connection.dialect.name, today)
                return connection.execute(text(sql)).fetchall()

        judge_every_line(database, today)  # what the timed server's loads left to judge

        def kept_page() -> object:
            with database.reading() as store:
                stale = triage_pages.stale(store, today)  # none: a load's first query
                return stale, triage_pages.page(store, today, 1)

        baselines = clinic.size in args.baseline_sizes  # minutes each at 10,000
        engine_ms = timed_in_process(flag_engine, 3) if baselines else None
        query_ms = timed_in_process(query, 3) if baselines else None
        page_ms = timed_in_process(kept_page, 5)
    finally:
        database.dispose()
        engine.dispose()
    return {
        "patients": clinic.size,
        "seed_s": round(clinic.seconds, 1),
        "alone": alone.row("Triage list"),
        "together": together_.row("Triage list"),
        "clinicians": len(clinic.staff_links),
        "triage_service_ms": None if engine_ms is None else round(engine_ms, 1),
        "persisting_query_ms": None if query_ms is None else round(query_ms, 1),
        "kept_page_ms": round(page_ms, 1),
        "judge_every_line_s": round(clinic.judged_seconds, 1),
    }


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def fmt(value: object) -> str:
    return "-" if value is None else f"{value:.1f}ms"


def load_lines(
    load: Tally, walls: dict[str, float], cpu: dict[str, dict[str, float]], args: argparse.Namespace
) -> tuple[list[str], list[dict[str, object]]]:
    """The load phase's table: each page's figures and its ratio to the floor, the rate
    the patients asked at, and who used the cores."""
    pages = ("Sign in (argon2id)", "Check-in page", "Save check-in", "Status", "Triage list")
    floor = load.row("Floor")
    pace = (
        f"each ~{args.think:g} s over the form and ~{args.think:g} s reading the status, "
        f"starting within {args.spread:g} s; clinicians pausing {args.staff_pause:g} s"
        if args.think or args.spread or args.staff_pause
        else "no pauses: every client asks again at once (the server's capacity)"
    )
    lines = [
        f"{args.active} patients checking in ({args.rounds} rounds: check-in page, save, "
        f"status; {pace}) and {args.clinicians} clinicians reloading triage, all at once, "
        f"{args.workers} app processes x {args.threads} threads",
        f"{'page':<20}{'requests':>9}{'errors':>8}{'median':>11}{'p95':>11}"
        f"{'floor median':>14}{'ratio':>8}",
    ]
    rows = []
    for page in (*pages, "Floor", "Floor (staff)"):
        row = load.row(page)
        ratio = ""
        if page in pages[1:] and row["median_ms"] and floor["median_ms"]:
            ratio = f"{row['median_ms'] / floor['median_ms']:.1f}x"  # type: ignore[operator]
        lines.append(
            f"{page:<20}{row['requests']:>9}{row['errors']:>8}{fmt(row['median_ms']):>11}"
            f"{fmt(row['p95_ms']):>11}{fmt(floor['median_ms'] if ratio else None):>14}"
            f"{ratio:>8}"
        )
        if row["first_error"]:
            lines.append(f"    first error: {row['first_error']}")
        rows.append(row)
    wall = walls.get("load")
    if wall:
        asked = sum(len(load.times[p]) + len(load.errors[p]) for p in pages[1:4])
        saved = len(load.times["Save check-in"])
        lines.append(
            f"in {wall:.1f} s: {saved / wall:.1f} check-ins/s, {asked / wall:.1f} patient "
            f"requests/s, {load.row('Triage list')['requests']} triage loads"
        )
    for phase, used in cpu.items():
        lines.append(
            f"cores used ({phase}): "
            + ", ".join(f"{name} {value:.2f}" for name, value in used.items() if name != "cores")
            + f" (of {used.get('cores', 0):.2f} the machine had)"
        )
    return lines, rows


def report(
    load: Tally | None,
    walls: dict[str, float],
    triage_rows: list[dict[str, object]],
    args: argparse.Namespace,
    cpu: dict[str, dict[str, float]] | None = None,
) -> dict[str, object]:
    lines: list[str] = []
    result: dict[str, object] = {
        "pages": [],
        "triage": triage_rows,
        "walls": walls,
        "cpu": cpu or {},
        "pace": {"think": args.think, "spread": args.spread, "staff_pause": args.staff_pause},
    }
    if load is not None:
        lines, result["pages"] = load_lines(load, walls, cpu or {}, args)
    if triage_rows:
        lines.append("")
        lines.append(
            "Triage list by clinic size (target: p95 under 300 ms at 2,000, one clinician)"
        )
        lines.append(
            f"{'patients':>9}{'alone median':>14}{'p95':>10}"
            f"{f'{args.clinicians} at once median':>18}{'p95':>10}"
            f"{'errors':>8}{'page in-proc':>14}{'whole engine':>14}{'SQL (1 kind)':>14}"
            f"{'judge all':>11}"
        )
        for row in triage_rows:
            alone, crowd = row["alone"], row["together"]
            errors = alone["errors"] + crowd["errors"]  # type: ignore[index]
            lines.append(
                f"{row['patients']:>9,}{fmt(alone['median_ms']):>14}{fmt(alone['p95_ms']):>10}"  # type: ignore[index]
                f"{fmt(crowd['median_ms']):>18}{fmt(crowd['p95_ms']):>10}{errors:>8}"  # type: ignore[index]
                f"{fmt(row['kept_page_ms']):>14}{fmt(row['triage_service_ms']):>14}"
                f"{fmt(row['persisting_query_ms']):>14}{row['judge_every_line_s']:>10.1f}s"
            )
    print("\n".join(lines), flush=True)
    return result


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        default=os.environ.get("TRACKER_TEST_DATABASE_URL"),
        help="a PostgreSQL server's URL (default: TRACKER_TEST_DATABASE_URL)",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/tracker-clinic-bench"))
    parser.add_argument("--workers", type=int, default=3, help="app processes (2-4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per app process")
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--active", type=int, default=200, help="patients checking in at once")
    parser.add_argument("--clinicians", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--triage-sizes", default="200,2000,10000")
    parser.add_argument(
        "--baseline-sizes",
        default="200,2000",
        help="the sizes at which the whole engine and the SQL baseline are timed too",
    )
    parser.add_argument("--triage-requests", type=int, default=100)
    parser.add_argument(
        "--think",
        type=float,
        default=10.0,
        help="seconds a patient takes over the form, and over the status page (0: no pause)",
    )
    parser.add_argument(
        "--spread", type=float, default=60.0, help="the patients start within these seconds"
    )
    parser.add_argument(
        "--staff-pause", type=float, default=1.0, help="a clinician's pause between reloads"
    )
    parser.add_argument("--max-minutes", type=float, default=25.0)
    parser.add_argument("--skip-load", action="store_true", help="the triage sizes alone")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes, a few requests: that the harness runs (tests use it)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.smoke:
        args.patients, args.active, args.clinicians, args.rounds = 40, 6, 2, 1
        args.triage_sizes, args.triage_requests, args.workers = "20,40", 2, 2
        args.think, args.spread, args.staff_pause = 0.05, 0.2, 0.05
        args.baseline_sizes = "20,40"
    args.work.mkdir(parents=True, exist_ok=True)
    global LOG_DIR
    LOG_DIR = args.work
    deadline = time.monotonic() + args.max_minutes * 60
    today = dt.datetime.now(dt.UTC).date()  # the hosted app's today: the server's UTC date
    sizes = [int(s) for s in args.triage_sizes.split(",") if s]
    args.baseline_sizes = {int(s) for s in args.baseline_sizes.split(",") if s}
    databases = Databases(args.database, args.work)
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {load_average()}; database "
        f"{'PostgreSQL' if args.database else 'SQLite (smoke)'}",
        flush=True,
    )
    load: Tally | None = None
    walls: dict[str, float] = {}
    cpu: dict[str, dict[str, float]] = {}
    triage_rows: list[dict[str, object]] = []
    try:
        main_clinic = build_clinic(databases, args.patients, args.clinicians, today)
        print(
            f"seeded {args.patients:,} patients in {main_clinic.seconds:.1f} s; every triage "
            f"line judged and kept in {main_clinic.judged_seconds:.1f} s",
            flush=True,
        )
        if not args.skip_load:
            load, walls, cpu = load_phase(main_clinic, args, today, deadline)
            report(load, walls, [], args, cpu)  # printed now too: a later step may not finish
        for size in sizes:
            if time.monotonic() > deadline:
                print(f"stopped before {size:,} patients: --max-minutes reached")
                break
            clinic = (
                main_clinic
                if size == args.patients
                else build_clinic(databases, size, args.clinicians, today)
            )
            triage_rows.append(triage_at(clinic, args, today, deadline))
            print(f"triage at {size:,} patients measured", flush=True)
    finally:
        databases.drop_all()
    print(f"load average after: {load_average()}")
    result = report(load, walls, triage_rows, args, cpu)
    result["load_average_after"] = load_average()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    return result


if __name__ == "__main__":
    main()
