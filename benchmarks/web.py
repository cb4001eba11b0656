"""Page times of `tracker serve` for a patient with 200 sessions: alone, and 8 clients at once.

    python benchmarks/web.py [--work /tmp/web-bench] [--requests 40]

Loopback only (the server listens on 127.0.0.1), a bounded number of requests, and
the server is stopped at the end. Reports the median and 95th percentile of each page;
targets: Today, Status and History under 50 ms median, Chart under 400 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
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

AS_OF = dt.date(2026, 11, 24)
SESSIONS = 200
DAYS = 14
SYMPTOMS = ("itching", "swelling", "redness", "rash", "peeling")
PAGES = {
    "Today": ("/", 50.0),
    "Status": ("/status", 50.0),
    "History": ("/history", 50.0),
    "Sessions": ("/sessions", None),
    # Every request a session not drawn before (a chart is kept once drawn), then the same.
    "Chart": ("/chart.svg?session={n}", 400.0),
    "Chart again": ("/chart.svg", None),
}
CLIENTS = 8
SESSION_NUMBERS = itertools.count(1)  # never the same session twice in a run
TIMEOUT = 30.0


def build(path: Path) -> None:
    """One patient, 200 sessions a week apart, 14 days of 5 symptoms each (14,000 values)."""
    from tracker.storage import migrate
    from tracker.storage.database import resolve

    if path.exists():
        path.unlink()
    migrate.upgrade(resolve(str(path)))
    chance = random.Random(15)
    connection = sqlite3.connect(path)
    with connection:
        profile = connection.execute("SELECT id FROM profiles WHERE name = 'default'").fetchone()[0]
        for index in range(SESSIONS):
            start = AS_OF - dt.timedelta(days=10 + 7 * (SESSIONS - 1 - index))
            cursor = connection.execute(
                "INSERT INTO sessions (profile_id, date, kind) VALUES (?, ?, 'laser-rejuvenation')",
                (profile, start.isoformat()),
            )
            rows = []
            for day in range(DAYS):
                date = start + dt.timedelta(days=day)
                if date > AS_OF:
                    break
                for symptom in SYMPTOMS:
                    value = max(0, 7 - day + chance.randint(-1, 1))
                    rows.append((cursor.lastrowid, date.isoformat(), symptom, value))
            connection.executemany(
                "INSERT INTO entries (session_id, date, symptom, severity) VALUES (?, ?, ?, ?)",
                rows,
            )
    connection.close()


class Server:
    def __init__(self, db: Path) -> None:
        command = [
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


def measure(server: Server, path: str, requests: int, clients: int) -> list[float]:
    numbers = SESSION_NUMBERS if "{n}" in path else itertools.repeat(0)
    for _ in range(2):
        server.timed(path.format(n=next(numbers)))  # warm: templates compiled, fonts loaded
    times: list[float] = []
    lock = threading.Lock()
    each = max(1, requests // clients) if clients > 1 else requests

    def client() -> None:
        mine = [server.timed(path.format(n=next(numbers))) for _ in range(each)]
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * each)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/tracker-web-bench"))
    parser.add_argument("--requests", type=int, default=40, help="per page and load (max 90)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    requests = min(args.requests, 90)  # the Chart rows need a new session each time
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / "web-bench.db"
    build(db)
    server = Server(db)
    results = []
    try:
        for clients in (1, CLIENTS):
            for name, (path, target) in PAGES.items():
                times = measure(server, path, requests, clients)
                median = statistics.median(times)
                p95 = percentile(times, 0.95)
                verdict = "" if target is None else ("pass" if median <= target else "MISS")
                results.append(
                    {
                        "page": name,
                        "clients": clients,
                        "requests": len(times),
                        "median_ms": round(median, 1),
                        "p95_ms": round(p95, 1),
                        "target_ms": target,
                        "verdict": verdict,
                    }
                )
    finally:
        server.stop()
    print(f"{SESSIONS} sessions, {SESSIONS * DAYS * len(SYMPTOMS)} values; {os.cpu_count()} CPUs")
    print(f"{'page':<10}{'clients':>8}{'n':>5}{'median':>10}{'p95':>10}  target")
    for row in results:
        target = "" if row["target_ms"] is None else f"< {row['target_ms']:.0f} ms {row['verdict']}"
        print(
            f"{row['page']:<10}{row['clients']:>8}{row['requests']:>5}"
            f"{row['median_ms']:>8.1f}ms{row['p95_ms']:>8.1f}ms  {target}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
