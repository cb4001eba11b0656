"""README's example /etc/tracker/tracker.env (step 2) is a complete, working settings file:
read as systemd's EnvironmentFile= and as a shell's `set -a; . file` reads it, the two agree,
and the tracker's own settings loader takes it (once the example's key is replaced)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tracker.domain.errors import TrackerError
from tracker.services.clinic_settings import EXAMPLE_SECRET_KEY, read_settings
from tracker.services.databases import locate

README = Path(__file__).resolve().parents[1] / "README.md"
# What systemd and sh both read the same way: NAME=value with nothing either would treat
# specially, or NAME='value' with no quote inside (sh takes it as written; systemd strips
# the quotes). Comments only on lines of their own (systemd keeps a trailing "# ..." in the
# value; sh drops it).
PLAIN = r"[^\s'\"\\$`<>&;|()#]*"
LINE = re.compile(rf"([A-Z][A-Z0-9_]*)=(?:'([^']*)'|({PLAIN}))")


def _example() -> str:
    text = README.read_text(encoding="utf-8")
    after = text.split("`/etc/tracker/tracker.env` holds the settings", 1)[1]
    return after.split("```sh\n", 1)[1].split("```", 1)[0]


def _as_systemd_reads_it(example: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in example.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        found = LINE.fullmatch(line)
        assert found, f"neither plain nor in single quotes: {line!r}"
        values[found.group(1)] = found.group(2) if found.group(2) is not None else found.group(3)
    return values


def _as_sh_reads_it(path: Path) -> dict[str, str]:
    done = subprocess.run(
        ["sh", "-c", 'set -a; . "$1"; set +a; env -0', "sh", str(path)],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        timeout=30,
        check=True,
    )
    pairs = (item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    return {name: value for name, value in pairs if name.startswith("TRACKER_")}


def test_the_example_env_file_reads_the_same_in_sh_and_systemd(tmp_path: Path) -> None:
    example = _example()
    path = tmp_path / "tracker.env"
    path.write_text(example, encoding="utf-8")
    read = _as_systemd_reads_it(example)
    assert read == _as_sh_reads_it(path)
    assert read["TRACKER_TRUSTED_PROXIES"] == "1"  # fresh eyes 3, F10: the line is there
    assert " " in read["TRACKER_CLINIC_NAME"]  # a quoted value with spaces, read whole
    # The e-mail lines, once their # is removed, read the same way too.
    mailing = re.sub(r"^#(TRACKER_)", r"\1", example, flags=re.MULTILINE)
    path.write_text(mailing, encoding="utf-8")
    with_mail = _as_systemd_reads_it(mailing)
    assert with_mail == _as_sh_reads_it(path)
    assert with_mail["TRACKER_MAIL_FROM"] == "Riverside Skin Clinic <tracker@clinic.example>"


def test_the_example_env_file_is_complete_for_the_settings_loader(tmp_path: Path) -> None:
    example = _example()
    values = _as_systemd_reads_it(example)
    with pytest.raises(TrackerError, match="README's example, which anyone can read"):
        read_settings(values)  # as written: its key is public
    assert values["TRACKER_SECRET_KEY"] == EXAMPLE_SECRET_KEY
    own = {**values, "TRACKER_SECRET_KEY": "k" * 43}
    settings = read_settings(own)
    assert settings.trusted_proxies == 1
    assert settings.public_url == "https://tracker.clinic.example"
    assert settings.clinic_name == "Riverside Skin Clinic"
    assert settings.urgent_contact is not None and "0161 496 0000" in settings.urgent_contact
    assert settings.time_zone == "Europe/London" and settings.mail is None
    # The percent-encoded password is the one the comment says.
    assert settings.database is not None
    assert make_url(settings.database).password == "p@ss:w/rd"
    assert locate(settings.database).url.password == "p@ss:w/rd"  # what the engine is given
    # And the e-mail lines, uncommented, make working e-mail settings.
    secret = tmp_path / "smtp-password"
    secret.write_text("from the file\n")
    mailing = re.sub(r"^#(TRACKER_)", r"\1", example, flags=re.MULTILINE)
    mailing = mailing.replace("/etc/tracker/smtp-password", str(secret))
    mail = read_settings({**_as_systemd_reads_it(mailing), "TRACKER_SECRET_KEY": "k" * 43}).mail
    assert mail is not None
    assert (mail.host, mail.port, mail.tls, mail.password) == (
        "smtp.clinic.example",
        587,
        "starttls",
        "from the file",
    )
