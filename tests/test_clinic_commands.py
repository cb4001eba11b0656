"""`tracker clinic ...`: setting a clinic up from the command line, and serving it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from clinic_support import PUBLIC_URL, Clinic
from conftest import invoke, refusal

from tracker.cli.context import default_database
from tracker.domain.errors import CONFLICT, MALFORMED

LINK = re.compile(re.escape(PUBLIC_URL) + r"/welcome/([A-Za-z0-9_-]{43})$", re.M)


@pytest.fixture
def env() -> dict[str, str]:
    return {"TRACKER_PUBLIC_URL": PUBLIC_URL, "TRACKER_CONFIG": ""}


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


def _token(output: str) -> str:
    found = LINK.search(output)
    assert found is not None, output
    return found.group(1)


def test_init_prints_the_first_administrators_link_once(db_url: str, env: dict[str, str]) -> None:
    first = invoke("clinic", "init", "Boss@Example.org", "--db", db_url, env=env)
    assert first.exit_code == 0, first.output
    assert "boss@example.org" in first.stdout
    _token(first.stdout)
    again = invoke("clinic", "init", "other@example.org", "--db", db_url, env=env)
    assert (again.exit_code, again.kind) == refusal(CONFLICT)  # type: ignore[attr-defined]
    assert "already has an administrator" in again.stderr


def test_invited_patients_link_opens_their_account(
    clinic: Clinic, db_url: str, env: dict[str, str]
) -> None:
    result = invoke("--db", db_url, "clinic", "invite", "ann@example.org", env=env)
    assert result.exit_code == 0, result.output
    browser = clinic.browser()
    assert browser.accept(_token(result.stdout)).status_code == 303
    twice = invoke("--db", db_url, "clinic", "invite", "ann@example.org", env=env)
    assert (twice.exit_code, twice.kind) == refusal(CONFLICT)  # type: ignore[attr-defined]
    # The way on for an account that exists: a new link for it, not a second invitation.
    assert "tracker clinic link ann@example.org" in twice.stderr, twice.stderr
    staff = invoke(
        "--db", db_url, "clinic", "user", "add", "ann@example.org", "--role", "admin", env=env
    )
    assert "tracker clinic link ann@example.org" in staff.stderr, staff.stderr


def test_staff_are_added_with_their_role(clinic: Clinic, db_url: str, env: dict[str, str]) -> None:
    result = invoke(
        "clinic", "user", "add", "doc@example.org", "--role", "clinician", "--db", db_url, env=env
    )
    assert result.exit_code == 0, result.output
    browser = clinic.browser()
    browser.accept(_token(result.stdout), agree=False)
    assert browser.get("/clinic").headers["Location"] == "/enrol"
    wrong = invoke("clinic", "user", "add", "x@example.org", "--role", "patient", "--db", db_url)
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output


@pytest.mark.parametrize("email", ["not-an-address", "a@b", "two@@example.org", "x" * 300])
def test_a_malformed_address_is_refused_in_one_line(
    db_url: str, env: dict[str, str], email: str
) -> None:
    result = invoke("clinic", "invite", email, "--db", db_url, env=env)
    assert (result.exit_code, result.kind) == refusal(MALFORMED)  # type: ignore[attr-defined]
    assert result.stderr.count("\n") == 1


def test_without_a_public_address_no_link_is_made(db_url: str, state: object) -> None:
    before = state()  # type: ignore[operator]
    result = invoke("clinic", "invite", "ann@example.org", "--db", db_url, env={})
    assert (result.exit_code, result.kind) == refusal(MALFORMED)  # type: ignore[attr-defined]
    assert "TRACKER_PUBLIC_URL" in result.stderr
    assert state() == before  # type: ignore[operator]


@pytest.mark.parametrize("address", ["http://clinic.example", "ftp://127.0.0.1", "https://"])
def test_plain_http_is_only_for_this_computer(db_url: str, address: str) -> None:
    env = {"TRACKER_PUBLIC_URL": address}
    result = invoke("clinic", "invite", "ann@example.org", "--db", db_url, env=env)
    assert (result.exit_code, result.kind) == refusal(MALFORMED)  # type: ignore[attr-defined]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_serve_listens_on_this_computer_only(db_url: str, host: str) -> None:
    env = {"TRACKER_SECRET_KEY": "k" * 40}
    result = invoke("clinic", "serve", "--host", host, "--db", db_url, env=env)
    assert (result.exit_code, result.kind) == refusal(MALFORMED)  # type: ignore[attr-defined]
    assert "Traceback" not in result.output


def test_serve_needs_a_secret_key(db_url: str) -> None:
    result = invoke("clinic", "serve", "--db", db_url, env={"TRACKER_SECRET_KEY": ""})
    assert (result.exit_code, result.kind) == refusal(MALFORMED)  # type: ignore[attr-defined]
    assert "TRACKER_SECRET_KEY" in result.stderr


def test_a_disabled_account_no_longer_signs_in(
    clinic: Clinic, db_url: str, env: dict[str, str]
) -> None:
    clinic.browser().accept(clinic.invite("ann@example.org"))
    result = invoke("clinic", "user", "disable", "ANN@example.org", "--db", db_url, env=env)
    assert result.exit_code == 0, result.output
    assert "ann@example.org" in result.stdout
    assert clinic.browser().sign_in("ann@example.org").status_code == 401
    missing = invoke("clinic", "user", "disable", "who@example.org", "--db", db_url, env=env)
    assert missing.exit_code == 1 and "no account" in missing.stderr


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../etc/passwd", ""])
def test_a_time_zone_that_is_none_is_refused(db_url: str, zone: str) -> None:
    from tracker.domain.errors import TrackerError
    from tracker.services.clinic_settings import read_settings

    environ = {"TRACKER_SECRET_KEY": "k" * 40, "TRACKER_PUBLIC_URL": PUBLIC_URL}
    if not zone:
        assert read_settings(environ, db_url).time_zone == "UTC"
        return
    with pytest.raises(TrackerError, match="time zone"):
        read_settings({**environ, "TRACKER_TIME_ZONE": zone}, db_url)


def test_the_accounts_are_listed_staff_first(
    clinic: Clinic, db_url: str, env: dict[str, str]
) -> None:
    import json

    clinic.browser().accept(clinic.invite("ann@example.org"))
    clinic.invite("bob@example.org")
    clinic.browser().enrol_staff(clinic.add_staff("doc@example.org"), "doc@example.org")
    clinic.init("boss@example.org")
    shown = invoke("clinic", "user", "list", "--db", db_url, env=env)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert [line.split()[0] for line in lines[1:]] == [
        "boss@example.org",
        "doc@example.org",
        "ann@example.org",
        "bob@example.org",
    ]
    assert "link not used yet" in lines[1] and "not yet" in lines[1]
    listed = json.loads(invoke("clinic", "user", "list", "--json", "--db", db_url).stdout)
    by_email = {item["email"]: item for item in listed}
    assert by_email["doc@example.org"]["second_factor"] is True
    assert by_email["ann@example.org"]["state"] == "active"
    assert by_email["ann@example.org"]["last_active"] is not None
    assert by_email["bob@example.org"]["last_active"] is None


def test_settings_come_from_a_file_and_the_environment_wins(
    tmp_path: pytest.TempPathFactory, db_url: str
) -> None:
    from tracker.services.clinic_settings import read_settings

    path = tmp_path / "clinic.toml"  # type: ignore[operator]
    path.write_text(
        'secret_key = "' + "f" * 40 + '"\n'
        'public_url = "https://Tracker.Clinic.example:443/"\n'
        "trusted_proxies = 1\nidle_minutes = 20\n"
    )
    found = read_settings({"TRACKER_CONFIG": str(path)}, db_url)
    assert (found.public_url, found.host, found.secure) == (
        "https://tracker.clinic.example",
        "tracker.clinic.example",
        True,
    )
    assert (found.trusted_proxies, found.idle_minutes, found.database) == (1, 20, db_url)
    over = read_settings({"TRACKER_CONFIG": str(path), "TRACKER_IDLE_MINUTES": "45"}, db_url)
    assert over.idle_minutes == 45


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("secret_key = 'x'\npublic_url = 'https://a.example'\n", "at least 32"),
        ("sekret_key = 'x'\n", "unknown keys"),
        ("secret_key = \n", "not TOML"),
        (
            "secret_key = '" + "k" * 40 + "'\npublic_url = 'https://a.example'\nidle_minutes = 0\n",
            "5 to",
        ),
    ],
)
def test_a_wrong_settings_file_is_said_in_one_line(
    tmp_path: pytest.TempPathFactory, db_url: str, text: str, words: str
) -> None:
    path = tmp_path / "clinic.toml"  # type: ignore[operator]
    path.write_text(text)
    env = {"TRACKER_CONFIG": str(path)}
    result = invoke("clinic", "serve", "--db", db_url, env=env)
    assert (result.exit_code, result.kind) == refusal(MALFORMED)  # type: ignore[attr-defined]
    assert words in result.stderr and result.stderr.count("\n") == 1
    missing = invoke("clinic", "serve", "--db", db_url, env={"TRACKER_CONFIG": str(path) + ".x"})
    assert missing.exit_code == 1 and "Cannot read the settings file" in missing.stderr


def test_no_link_for_a_disabled_account_until_enabled_and_each_link_audited(
    clinic: Clinic, db_url: str, env: dict[str, str]
) -> None:
    from tracker.services import audit

    clinic.browser().accept(clinic.invite("bob@example.org"))
    disabled = invoke("clinic", "user", "disable", "bob@example.org", "--db", db_url, env=env)
    assert disabled.exit_code == 0, disabled.output
    refused = invoke("clinic", "link", "bob@example.org", "--db", db_url, env=env)
    assert (refused.exit_code, refused.kind) == refusal(CONFLICT)  # type: ignore[attr-defined]
    assert "is disabled" in refused.stderr and "/welcome/" not in refused.output
    enabled = invoke("clinic", "user", "enable", "BOB@example.org", "--db", db_url, env=env)
    assert enabled.exit_code == 0 and "Enabled bob@example.org" in enabled.stdout
    assert clinic.browser().sign_in("bob@example.org").status_code == 303  # his password
    made = invoke("clinic", "link", "bob@example.org", "--db", db_url, env=env)
    token = _token(made.stdout)
    with clinic.database.reading() as store:
        events = audit.of_patient(store, "bob@example.org")
    links = [(e.actor_role, e.what) for e in events if e.what.startswith("link for")]
    assert links == [("system", "link for bob@example.org")] * 2  # the invitation, the link
    assert all(token not in str(e.to_json()) for e in events)
    missing = invoke("clinic", "user", "enable", "who@example.org", "--db", db_url, env=env)
    assert missing.exit_code == 1 and "no account" in missing.stderr


CLINIC_COMMANDS = [
    ("clinic", "init", "boss@example.org"),
    ("clinic", "user", "add", "doc@example.org", "--role", "clinician"),
    ("clinic", "user", "list"),
    ("clinic", "user", "disable", "doc@example.org"),
    ("clinic", "user", "enable", "doc@example.org"),
    ("clinic", "invite", "ann@example.org"),
    ("clinic", "link", "ann@example.org"),
    ("clinic", "audit"),
    ("clinic", "serve", "--port", "1"),
]


@pytest.mark.parametrize("args", CLINIC_COMMANDS, ids=lambda a: " ".join(a[1:3]))
def test_no_clinic_command_runs_on_the_personal_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """Without --db, TRACKER_DB or a settings file's database, `tracker clinic ...` would
    have used the personal database (~/.config/tracker/tracker.db): refused, nothing
    written, and the message says what to set."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in ("TRACKER_DB", "TRACKER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    env = {"TRACKER_PUBLIC_URL": PUBLIC_URL, "TRACKER_SECRET_KEY": "k" * 40}
    result = invoke(*args, env=env)
    assert (result.exit_code, result.kind) == refusal(MALFORMED), result.output  # type: ignore[attr-defined]
    assert "TRACKER_DB" in result.stderr and "--db" in result.stderr, result.stderr
    assert "sqlite:////" in result.stderr  # how a trial names an SQLite file
    assert not default_database().exists()
    assert not any(home.rglob("*")), sorted(home.rglob("*"))  # nothing at all written


def test_a_settings_files_database_is_the_clinics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    """TRACKER_CONFIG's `database` names the clinic's database for every command, as for
    the hosted app: not the personal one."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("TRACKER_DB", raising=False)
    config = tmp_path / "clinic.toml"
    config.write_text(f'database = "{db_url}"\npublic_url = "{PUBLIC_URL}"\n')
    made = invoke("clinic", "init", "boss@example.org", env={"TRACKER_CONFIG": str(config)})
    assert made.exit_code == 0, made.output
    listed = invoke("clinic", "user", "list", "--json", env={"TRACKER_CONFIG": str(config)})
    assert json.loads(listed.stdout)[0]["email"] == "boss@example.org"
    assert not default_database().exists()
