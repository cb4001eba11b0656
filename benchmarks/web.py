"""Page times of `tracker serve`: a long history against one session, and a bare floor.

    python benchmarks/web.py [--work /tmp/web-bench] [--requests 200]

One patient with 200 sessions of 30 days (36,000 values) against the same patient's
latest session alone, and a bare Flask-on-waitress page in the same run (the floor: one
sqlite3 query and a template, nothing of the tracker). The three servers are asked in
turn, request by request, so the machine's drift weighs on all alike; each figure is the
median and 95th percentile of at least 200 requests. Then 8 clients at once on the long
history. Loopback only; the servers are stopped at the end.

Targets (issue 24): Today, Status, History and Chart again (kept) each at most 1.5x with
200 sessions what they take with 1; Status's median under 30 ms; with 8 clients the
median at most 4x the 1-client median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from generate_clinic import fill_courses

AS_OF = dt.date(2026, 11, 24)
SESSIONS = 200
DAYS = 30
APART = 35  # days between sessions: each recovery over before the next treatment
SYMPTOMS = ("itching", "swelling", "redness", "rash", "peeling", "dryness")
# The pages compared, 200 sessions against 1; "Chart again" is a chart already drawn.
PAGES = {
    "Today": "/",
    "Status": "/status",
    "History": "/history",
    "Chart again": "/chart.svg",
}
RATIO_TARGET = 1.5
STATUS_TARGET_MS = 30.0
CROWD_TARGET = 4.0
CLIENTS = 8
TIMEOUT = 60.0


def build(path: Path, sessions: int = SESSIONS) -> None:
    """One patient: the last `sessions` of 200 treatments 35 days apart, 30 days of 6
    symptoms each (36,000 values for all 200; the latest session alike in both)."""
    from tracker.storage import migrate
    from tracker.storage.database import resolve

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    migrate.upgrade(resolve(str(path)))
    chance = random.Random(15)
    connection = sqlite3.connect(path)
    with connection:
        profile = connection.execute("SELECT id FROM profiles WHERE name = 'default'").fetchone()[0]
        for index in range(SESSIONS):
            start = AS_OF - dt.timedelta(days=10 + APART * (SESSIONS - 1 - index))
            values = [
                max(0, 7 - day + chance.randint(-1, 1)) for day in range(DAYS) for _ in SYMPTOMS
            ]
            if index < SESSIONS - sessions:
                continue  # the same random draws either way: the latest session is the same
            cursor = connection.execute(
                "INSERT INTO sessions (profile_id, number, date, kind) "
                "VALUES (?, ?, ?, 'laser-rejuvenation')",
                (profile, index + 1, start.isoformat()),
            )
            rows = []
            for day in range(DAYS):
                date = start + dt.timedelta(days=day)
                if date > AS_OF:
                    break
                for position, symptom in enumerate(SYMPTOMS):
                    value = values[day * len(SYMPTOMS) + position]
                    rows.append((cursor.lastrowid, date.isoformat(), symptom, value))
            connection.executemany(
                "INSERT INTO entries (session_id, date, symptom, severity) VALUES (?, ?, ?, ?)",
                rows,
            )
        fill_courses(connection)
    connection.close()


# The floor: a bare Flask app on waitress (as many threads as `tracker serve`) reading the
# latest session's values with one sqlite3 query and rendering them with a template.
FLOOR = """
import sqlite3, sys
from flask import Flask, render_template_string
from waitress.server import create_server
app = Flask(__name__)
PAGE = ("<!doctype html><title>floor</title><table>{% for d, s, v in rows %}"
        "<tr><td>{{ d }}</td><td>{{ s }}</td><td>{{ v }}</td></tr>{% endfor %}</table>")
@app.get("/")
def page():
    connection = sqlite3.connect(sys.argv[1])
    try:
        rows = connection.execute(
            "SELECT date, symptom, severity FROM entries WHERE session_id = "
            "(SELECT MAX(id) FROM sessions) ORDER BY date, symptom").fetchall()
    finally:
        connection.close()
    return render_template_string(PAGE, rows=rows)
server = create_server(app, host="127.0.0.1", port=0, threads=8)
print(f"http://127.0.0.1:{server.effective_port}/?token=floor", flush=True)
server.run()
"""


class Server:
    def __init__(self, db: Path, *, floor: bool = False) -> None:
        command = (
            [sys.executable, "-c", FLOOR, str(db)]
            if floor
            else [
                sys.executable,
                "-m",
                "tracker",
                "--db",
                str(db),
                "--today",
                AS_OF.isoformat(),
                "serve",
                "--no-browser",
                "--port",
                "0",
            ]
        )
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = re.search(
                r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", self.process.stdout.readline()
            )
            if found:
                self.port, token = int(found.group(1)), found.group(2)
                break
        else:
            self.process.kill()
            raise SystemExit("serve printed no address")
        self.cookie = ""
        if not floor:
            response = self.get(f"/?token={token}", cookie="")
            self.cookie = response[1].split(";")[0]

    def get(self, path: str, cookie: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request(
                "GET", path, headers={"Cookie": self.cookie if cookie is None else cookie}
            )
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("Set-Cookie") or ""
        finally:
            connection.close()

    def timed(self, path: str) -> float:
        started = time.perf_counter()
        status, _ = self.get(path)
        took = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        return took

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def interleaved(servers: list[tuple[Server, str]], requests: int) -> list[list[float]]:
    """Each (server, path) asked in turn, request by request, after 3 warm-ups each."""
    for server, path in servers:
        for _ in range(3):
            server.timed(path)  # warm: templates compiled, fonts loaded, a chart drawn
    times: list[list[float]] = [[] for _ in servers]
    for number in range(requests):
        order = list(enumerate(servers))
        for index, (server, path) in order if number % 2 == 0 else order[::-1]:
            times[index].append(server.timed(path))
    return times


def crowd(server: Server, path: str, requests: int, clients: int) -> list[float]:
    """`clients` at once, each asking in a loop, `requests` in all."""
    times: list[float] = []
    lock = threading.Lock()
    each = -(-requests // clients)

    def client() -> None:
        mine = [server.timed(path) for _ in range(each)]
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * each)
    return times


def summary(name: str, label: str, times: list[float]) -> dict[str, object]:
    return {
        "page": name,
        "database": label,
        "requests": len(times),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/tracker-web-bench"))
    parser.add_argument("--requests", type=int, default=200, help="per page and server")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    requests = max(args.requests, 200)
    args.work.mkdir(parents=True, exist_ok=True)
    long_db, one_db = args.work / "web-200.db", args.work / "web-1.db"
    build(long_db)
    build(one_db, sessions=1)
    print(f"load average {os.getloadavg()[0]:.1f} at the start; {os.cpu_count()} CPUs")
    servers = {
        "200 sessions": Server(long_db),
        "1 session": Server(one_db),
        "floor": Server(one_db, floor=True),
    }
    results: list[dict[str, object]] = []
    verdicts: list[str] = []
    try:
        for name, path in PAGES.items():
            asked = [(servers["200 sessions"], path), (servers["1 session"], path)]
            asked.append((servers["floor"], "/"))
            long_t, one_t, floor_t = interleaved(asked, requests)
            results += [
                summary(name, "200 sessions", long_t),
                summary(name, "1 session", one_t),
                summary(name, "floor", floor_t),
            ]
            ratio = statistics.median(long_t) / statistics.median(one_t)
            verdicts.append(
                f"{name:<12} 200/1 sessions {ratio:5.2f}x (<= {RATIO_TARGET}x "
                f"{'pass' if ratio <= RATIO_TARGET else 'MISS'}); "
                f"1 session / floor {statistics.median(one_t) / statistics.median(floor_t):5.2f}x"
            )
            if name == "Status":
                median = statistics.median(long_t)
                verdicts.append(
                    f"{'Status':<12} median {median:.1f} ms with 200 sessions (< "
                    f"{STATUS_TARGET_MS:.0f} ms {'pass' if median < STATUS_TARGET_MS else 'MISS'})"
                )
            alone = statistics.median(long_t)
            crowded = crowd(servers["200 sessions"], path, requests, CLIENTS)
            results.append(summary(name, f"200 sessions, {CLIENTS} clients", crowded))
            # The bare floor crowded the same way: what one Python process on this machine's
            # cores gives any page under 8 clients at once (the GIL serialises the work).
            floor_crowded = crowd(servers["floor"], "/", requests, CLIENTS)
            results.append(summary(name, f"floor, {CLIENTS} clients", floor_crowded))
            ratio = statistics.median(crowded) / alone
            floor_ratio = statistics.median(floor_crowded) / statistics.median(floor_t)
            verdicts.append(
                f"{name:<12} {CLIENTS} clients / 1 client {ratio:5.2f}x (<= {CROWD_TARGET}x "
                f"{'pass' if ratio <= CROWD_TARGET else 'MISS'}); "
                f"the floor's own {floor_ratio:5.2f}x"
            )
    finally:
        for server in servers.values():
            server.stop()
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    print(f"{'page':<12}{'database':<26}{'n':>5}{'median':>10}{'p95':>10}")
    for row in results:
        print(
            f"{row['page']:<12}{row['database']:<26}{row['requests']:>5}"
            f"{row['median_ms']:>8.1f}ms{row['p95_ms']:>8.1f}ms"
        )
    for line in verdicts:
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
