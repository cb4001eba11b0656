"""README's "For a clinic", tried: a backup with pg_dump restored with pg_restore, and the
deployment files (Caddy, nginx, systemd) checked by their own tools where installed."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import Run, _admin, invoke
from photo_support import phone_jpeg
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

CHECKOUT = Path(__file__).resolve().parents[1]
DEPLOY = CHECKOUT / "deploy"


def _postgres_tool(name: str) -> str:
    """The server's own pg_dump or pg_restore (the newest installed), else the one on PATH."""
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3])
    )
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    assert on_path, f"{name} not found: apt-get install postgresql-client"
    return on_path


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as libpq's tools take it (no +psycopg)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _rows(url: str) -> dict[str, list[str]]:
    engine = create_engine(url)
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


@pytest.mark.postgres_only
def test_a_pg_dump_restores_every_row_and_the_tracker_reads_it(
    run: Run, db_url: str, tmp_path: Path
) -> None:
    for profile, values in (("default", ("redness=6", "swelling=4")), ("patient-b", ("pain=3",))):
        if profile != "default":
            assert run("profile", "add", profile).exit_code == 0
        assert run("--profile", profile, "session", "add", "--date", "2026-11-20").exit_code == 0
        assert run("--profile", profile, "log", *values, "--note", "after the sun").exit_code == 0
    # The clinic's accounts too: an administrator, a patient with a link and a profile.
    clinic_env = {"TRACKER_PUBLIC_URL": "https://tracker.clinic.example"}
    for command in (("init", "admin@clinic.example"), ("invite", "ann@example.org")):
        made = invoke("--db", db_url, "clinic", *command, env=clinic_env)
        assert made.exit_code == 0, made.output
    assert run("log", "redness=5", "--date", "2026-11-23").exit_code == 0
    assert run("log", "redness=4", "--date", "2026-11-23").exit_code == 0  # a correction, kept
    photo = tmp_path / "cheek.jpg"
    photo.write_bytes(phone_jpeg())
    assert run("photo", "add", str(photo)).exit_code == 0
    before = _rows(db_url)
    assert before["photos"] and before["entry_changes"] and len(before["profiles"]) == 3
    assert len(before["accounts"]) == 2 and len(before["account_links"]) == 2

    dump = tmp_path / "tracker.dump"  # README's commands, with this server's address
    subprocess.run(
        [_postgres_tool("pg_dump"), "--format=custom", f"--file={dump}", _libpq(db_url)],
        check=True,
        timeout=120,
    )
    restored = f"tracker_restored_{uuid.uuid4().hex[:10]}"
    with _admin() as admin:
        admin.execute(text(f'CREATE DATABASE "{restored}"'))
    restored_url = make_url(db_url).set(database=restored).render_as_string(hide_password=False)
    try:
        subprocess.run(
            [
                _postgres_tool("pg_restore"),
                "--no-owner",
                f"--dbname={_libpq(restored_url)}",
                str(dump),
            ],
            check=True,
            timeout=120,
        )
        assert _rows(restored_url) == before
        # The tracker opens it as it is (no upgrade to do) and says the same.
        upgrade = run("--db", restored_url, "db", "upgrade")
        assert upgrade.exit_code == 0, upgrade.output
        for profile in ("default", "patient-b"):
            original = run("--profile", profile, "export", "--format", "json")
            again = run("--db", restored_url, "--profile", profile, "export", "--format", "json")
            assert original.exit_code == again.exit_code == 0
            assert json.loads(again.stdout) == json.loads(original.stdout)
        assert _rows(restored_url) == before
    finally:
        with _admin() as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)'))


def _tool(name: str, *, proxy: bool = True) -> str:
    found = shutil.which(name) or (
        f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
    )
    if found is None:
        reason = f"{name} is not installed (apt-get install {name}): its file is not checked"
        if proxy:  # .ci/run installs nginx and caddy and sets TRACKER_REQUIRE_PROXIES
            assert os.environ.get("TRACKER_REQUIRE_PROXIES") != "1", reason
        pytest.skip(reason)
    return found


def test_the_caddyfile_is_valid() -> None:
    caddy = _tool("caddy")
    done = subprocess.run(
        [caddy, "validate", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Valid configuration" in done.stdout + done.stderr


def test_the_nginx_site_is_valid(tmp_path: Path) -> None:
    nginx = _tool("nginx")
    # The site file as README installs it, with a self-made certificate in certbot's place.
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=tracker.clinic.example",
            "-keyout",
            str(tmp_path / "key.pem"),
            "-out",
            str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    live = "/etc/letsencrypt/live/tracker.clinic.example/"
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert site.count(live) == 2
    site = site.replace(live + "fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace(live + "privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "main.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "main.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_the_systemd_units_are_valid() -> None:
    analyze = _tool("systemd-analyze", proxy=False)
    units = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))
    assert len(units) == 5  # the app; the triage and the backup, each a service and a timer
    done = subprocess.run(
        [analyze, "verify", *map(str, units)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=DEPLOY,
    )
    # The only complaint allowed: the gunicorn and tracker they name are not installed at
    # that path here.
    problems = [
        line
        for line in done.stderr.splitlines()
        if line.strip() and "/opt/tracker/venv/bin/" not in line
    ]
    assert problems == [], done.stderr


def _readme() -> str:
    return (CHECKOUT / "README.md").read_text(encoding="utf-8")


def test_the_readme_and_the_deploy_files_send_the_proxy_to_one_port() -> None:
    """Fresh eyes 3: README said 8766 in one place and 8000 in another for the same job."""
    readme = _readme()
    server = readme.split("### For a clinic: on a server", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"127\.0\.0\.1:(\d+)", server))
    (serve_line,) = [
        line for line in readme.splitlines() if line.startswith("tracker clinic serve --workers")
    ]
    named |= set(re.findall(r"--port (\d+)", serve_line))
    deployed = set()
    for name in ("Caddyfile", "nginx.conf", "tracker-clinic.service"):
        text = (DEPLOY / name).read_text(encoding="utf-8")
        deployed |= set(re.findall(r"127\.0\.0\.1:(\d+)", text))
    assert deployed == {"8000"}
    assert named == deployed


def test_the_install_steps_name_every_deploy_file() -> None:
    """Fresh eyes 3: the triage timer was shipped but no step installed it."""
    readme = _readme()
    steps = readme.split("#### 1. PostgreSQL", 1)[1].split("#### 7.", 1)[0]
    words = set(re.findall(r"[\w./*-]+", steps))
    for path in DEPLOY.iterdir():
        assert any(fnmatch.fnmatch(path.name, Path(w).name) for w in words), path.name
    # Every unit's Documentation= is the README the steps install there.
    assert "/opt/tracker/README.md" in steps
    for unit in DEPLOY.glob("*.service"):
        assert "Documentation=file:///opt/tracker/README.md" in unit.read_text()


def test_the_readmes_dumps_are_made_by_the_postgres_user() -> None:
    """Fresh eyes 3: `pg_dump` run as root connects as a role named root."""
    readme = _readme()
    backups = readme.split("#### 5. Backups", 1)[1].split("#### 7.", 1)[0]
    dumps = [line for line in backups.splitlines() if "pg_dump --" in line]
    assert len(dumps) == 3  # by hand, from cron, before an upgrade
    for line in dumps:
        assert line.startswith("sudo -u postgres pg_dump") or " postgres pg_dump" in line, line
    unit = (DEPLOY / "tracker-backup.service").read_text()
    assert "User=postgres" in unit and "pg_dump --format=custom" in unit
