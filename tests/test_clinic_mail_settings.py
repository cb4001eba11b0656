"""A clinic's e-mail settings: from the environment or the settings file, checked when the
tracker starts; a wrong one is said in one line (no traceback), under `tracker clinic
serve`, a link-making command, and gunicorn running the app factory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from clinic_support import SECRET
from conftest import invoke, refusal
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.errors import MALFORMED, TrackerError
from tracker.services.clinic_settings import read_settings

BASE = {"TRACKER_SECRET_KEY": SECRET, "TRACKER_PUBLIC_URL": "https://tracker.clinic.example"}
MAIL = {"TRACKER_SMTP_HOST": "smtp.clinic.example", "TRACKER_MAIL_FROM": "tracker@clinic.example"}


def _mail(**extra: str) -> object:
    return read_settings({**BASE, **MAIL, **extra}).mail


def _refused(env: dict[str, str]) -> str:
    with pytest.raises(TrackerError) as caught:
        read_settings({**BASE, **env})
    return caught.value.message


def test_no_smtp_setting_means_no_e_mail() -> None:
    assert read_settings(BASE).mail is None


def test_the_defaults_starttls_on_587_and_the_clinics_name() -> None:
    mail = read_settings({**BASE, **MAIL}).mail
    assert mail is not None
    assert (mail.host, mail.port, mail.tls, mail.user, mail.password) == (
        "smtp.clinic.example",
        587,
        "starttls",
        None,
        None,
    )
    assert mail.clinic_name == "tracker.clinic.example"  # no name given: the public host
    named = _mail(TRACKER_MAIL_FROM="Riverside Skin Clinic <tracker@clinic.example>")
    assert named.clinic_name == "Riverside Skin Clinic"  # type: ignore[attr-defined]
    own = _mail(TRACKER_CLINIC_NAME="Riverside", TRACKER_SMTP_TLS="TLS")
    assert (own.clinic_name, own.tls, own.port) == ("Riverside", "tls", 465)  # type: ignore[attr-defined]


def test_the_password_from_a_file_without_its_newline(tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret pass\n")
    mail = _mail(TRACKER_SMTP_USER="tracker", TRACKER_SMTP_PASSWORD_FILE=str(secret))
    assert (mail.user, mail.password) == ("tracker", "s3cret pass")  # type: ignore[attr-defined]
    assert "s3cret" not in repr(mail)


def test_the_settings_file_holds_them_and_the_environment_wins(tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    path.write_text(
        f"secret_key = '{SECRET}'\npublic_url = 'https://tracker.clinic.example'\n"
        "smtp_host = 'mail.example.net'\nsmtp_port = 2525\nsmtp_user = 'me'\n"
        "smtp_password = 'pw'\nmail_from = 'Clinic <c@clinic.example>'\n"
        "clinic_name = 'Riverside'\ntime_zone = 'Europe/London'\n"
    )
    mail = read_settings({"TRACKER_CONFIG": str(path)}).mail
    assert mail is not None
    assert (mail.host, mail.port, mail.user, mail.password, mail.sender) == (
        "mail.example.net",
        2525,
        "me",
        "pw",
        "Clinic <c@clinic.example>",
    )
    assert (mail.clinic_name, mail.time_zone) == ("Riverside", "Europe/London")
    over = read_settings({"TRACKER_CONFIG": str(path), "TRACKER_SMTP_PORT": "587"}).mail
    assert over is not None and over.port == 587


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"TRACKER_SMTP_PORT": "25"}, "name no server"),
        ({"TRACKER_SMTP_HOST": "smtp.clinic.example"}, "come from"),
        ({**MAIL, "TRACKER_SMTP_TLS": "ssl"}, "starttls (the default), tls"),
        ({**MAIL, "TRACKER_SMTP_TLS": "none"}, "only for a server on this computer"),
        ({**MAIL, "TRACKER_SMTP_PORT": "0"}, "from 1 to 65535"),
        ({**MAIL, "TRACKER_SMTP_PORT": "smtp"}, "from 1 to 65535"),
        ({**MAIL, "TRACKER_SMTP_HOST": "smtp clinic"}, "server's name or address"),
        ({**MAIL, "TRACKER_SMTP_HOST": "user@smtp.example"}, "server's name or address"),
        ({**MAIL, "TRACKER_SMTP_USER": "me"}, "needs a password"),
        ({**MAIL, "TRACKER_SMTP_PASSWORD": "pw"}, "no smtp_user"),
        ({**MAIL, "TRACKER_MAIL_FROM": "tracker"}, "one e-mail address"),
        ({**MAIL, "TRACKER_MAIL_FROM": "a@clinic.example, b@clinic.example"}, "one e-mail"),
        ({**MAIL, "TRACKER_CLINIC_NAME": "x" * 81}, "at most 80"),
        (
            {
                **MAIL,
                "TRACKER_SMTP_USER": "me",
                "TRACKER_SMTP_PASSWORD": "pw",
                "TRACKER_SMTP_PASSWORD_FILE": "/etc/x",
            },
            "one way",
        ),
        (
            {**MAIL, "TRACKER_SMTP_USER": "me", "TRACKER_SMTP_PASSWORD_FILE": "/nonexistent/pw"},
            "Cannot read the SMTP password file",
        ),
    ],
)
def test_a_wrong_e_mail_setting_is_refused_in_words(env: dict[str, str], words: str) -> None:
    assert words in _refused(env)


def test_unencrypted_only_to_a_server_on_this_computer() -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        mail = _mail(TRACKER_SMTP_HOST=host, TRACKER_SMTP_TLS="none")
        assert (mail.tls, mail.port) == ("none", 25)  # type: ignore[attr-defined]


def test_an_empty_password_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "pw"
    empty.write_text("\n")
    env = {**MAIL, "TRACKER_SMTP_USER": "me", "TRACKER_SMTP_PASSWORD_FILE": str(empty)}
    assert "is empty" in _refused(env)


@settings(max_examples=150, deadline=None)
@given(
    key=st.sampled_from(
        [
            "TRACKER_SMTP_HOST",
            "TRACKER_SMTP_PORT",
            "TRACKER_SMTP_TLS",
            "TRACKER_MAIL_FROM",
            "TRACKER_CLINIC_NAME",
            "TRACKER_SMTP_USER",
        ]
    ),
    value=st.text(min_size=1, max_size=300),
)
def test_any_text_in_any_e_mail_setting_is_taken_or_refused_in_words(key: str, value: str) -> None:
    env = {**BASE, **MAIL, "TRACKER_SMTP_PASSWORD": "pw", "TRACKER_SMTP_USER": "me", key: value}
    try:
        mail = read_settings(env).mail
    except TrackerError as exc:
        assert exc.message and "\n" not in exc.message
        return
    assert mail is not None
    assert "\n" not in mail.sender + mail.host + mail.clinic_name  # never a header broken open


def test_a_link_command_refuses_a_wrong_e_mail_setting_before_making_anything(
    db_url: str,
) -> None:
    env = {"TRACKER_PUBLIC_URL": "http://127.0.0.1:8766", "TRACKER_CONFIG": "", **MAIL}
    env["TRACKER_SMTP_TLS"] = "none"
    result = invoke("clinic", "invite", "ann@example.org", "--db", db_url, env=env)
    assert (result.exit_code, result.kind) == refusal(MALFORMED)  # type: ignore[attr-defined]
    assert "only for a server on this computer" in result.stderr
    assert result.stderr.count("\n") == 1 and "/welcome/" not in result.output
    listed = invoke("clinic", "user", "list", "--db", db_url, env=env)
    assert "ann@example.org" not in listed.output


def test_clinic_serve_says_a_wrong_e_mail_setting_in_one_line(db_url: str) -> None:
    env = {"TRACKER_SECRET_KEY": SECRET, "TRACKER_CONFIG": "", **MAIL, "TRACKER_SMTP_TLS": "ssl"}
    result = invoke("clinic", "serve", "--db", db_url, env=env)
    assert (result.exit_code, result.kind) == refusal(MALFORMED)  # type: ignore[attr-defined]
    assert "smtp_tls" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.slow
def test_gunicorn_stops_with_the_settings_words_not_a_traceback(db_url: str) -> None:
    env = {
        **os.environ,
        **BASE,
        **MAIL,
        "TRACKER_DB": db_url,
        "TRACKER_CONFIG": "",
        "TRACKER_SMTP_TLS": "none",
    }
    command = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1"]
    done = subprocess.run(
        [*command, "--no-control-socket", "tracker.web:create_clinic_app()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "tracker: smtp_tls = none sends e-mail" in said
    assert "Traceback" not in said and "App failed to load" in said


def test_the_readmes_e_mail_example_is_a_working_settings_file(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("#### E-mail", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    secret = tmp_path / "smtp-password"
    secret.write_text("from the file\n")
    path = tmp_path / "clinic.toml"
    path.write_text(example.replace("/etc/tracker/smtp-password", str(secret)))
    mail = read_settings({**BASE, "TRACKER_CONFIG": str(path)}).mail
    assert mail is not None
    assert (mail.host, mail.port, mail.tls, mail.password) == (
        "smtp.clinic.example",
        587,
        "starttls",
        "from the file",
    )
    assert mail.clinic_name == "Riverside Skin Clinic"
