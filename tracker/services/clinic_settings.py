"""A clinic's settings for the hosted mode: from the environment, or a file it names.

``TRACKER_CONFIG`` names a TOML file; each of its keys can be given instead (and then wins)
by an environment variable:

    database = "postgresql+psycopg://tracker@db/tracker"   # TRACKER_DB
    secret_key = "…at least 32 random characters…"         # TRACKER_SECRET_KEY
    public_url = "https://tracker.clinic.example"          # TRACKER_PUBLIC_URL
    trusted_proxies = 1                                     # TRACKER_TRUSTED_PROXIES
    idle_minutes = 30                                       # TRACKER_IDLE_MINUTES
    link_hours = 72                                         # TRACKER_LINK_HOURS
    password_memory_kib = 65536                             # TRACKER_PASSWORD_MEMORY_KIB
    time_zone = "Europe/London"                             # TRACKER_TIME_ZONE

The time zone is the clinic's (IANA name; default UTC): a patient's "today" (the check-in's
day) turns at its midnight, not the server's.

Every process of the clinic's app reads the same settings and shares nothing else but the
database: the secret key signs what a browser holds between two requests (the flash
message), so each process must have the same one.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.domain.accounts import LINK_LIFETIME
from tracker.domain.errors import TrackerError
from tracker.domain.text import clipped, visible
from tracker.services.credentials import Hashing

MIN_SECRET_CHARS = 32
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
ENVIRONMENT = {
    "database": "TRACKER_DB",
    "secret_key": "TRACKER_SECRET_KEY",
    "public_url": "TRACKER_PUBLIC_URL",
    "trusted_proxies": "TRACKER_TRUSTED_PROXIES",
    "idle_minutes": "TRACKER_IDLE_MINUTES",
    "link_hours": "TRACKER_LINK_HOURS",
    "password_memory_kib": "TRACKER_PASSWORD_MEMORY_KIB",
    "time_zone": "TRACKER_TIME_ZONE",
}
WHOLE_NUMBERS = {
    "trusted_proxies": (0, 10),
    "idle_minutes": (1, 24 * 60),
    "link_hours": (1, 24 * 30),
    "password_memory_kib": (64, 4 * 1024 * 1024),
}


@dataclass(frozen=True)
class ClinicSettings:
    database: str | None
    secret_key: str = field(repr=False)
    public_url: str  # scheme and host (and port), no trailing slash
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For is believed
    idle_minutes: int = 30
    link_hours: int = LINK_LIFETIME // dt.timedelta(hours=1)
    hashing: Hashing = field(default_factory=Hashing)
    time_zone: str = "UTC"  # the clinic's: where a patient's day turns

    def today(self, moment: dt.datetime) -> dt.date:
        """The date at that moment in the clinic's time zone."""
        return moment.astimezone(ZoneInfo(self.time_zone)).date()

    @property
    def secure(self) -> bool:
        """Served over HTTPS (by a proxy in front): cookies are then sent over HTTPS only."""
        return self.public_url.startswith("https://")

    @property
    def idle(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.idle_minutes)

    @property
    def link_lifetime(self) -> dt.timedelta:
        return dt.timedelta(hours=self.link_hours)

    @property
    def host(self) -> str:
        """The public address's host (and port), as a browser sends it in Host and Origin."""
        return urlsplit(self.public_url).netloc.lower()

    def link(self, token: str) -> str:
        return f"{self.public_url}/welcome/{token}"


def _file_values(path_text: str) -> dict[str, Any]:
    path = Path(path_text).expanduser()
    try:
        with path.open("rb") as handle:
            values = tomllib.load(handle)
    except OSError as exc:
        raise TrackerError(
            f"Cannot read the settings file {visible(str(path))}: {exc.strerror or exc}."
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TrackerError.malformed(
            f"The settings file {visible(str(path))} is not TOML: {exc}."
        ) from None
    unknown = sorted(set(values) - set(ENVIRONMENT))
    if unknown:
        raise TrackerError.malformed(
            f"The settings file {visible(str(path))} has unknown keys: "
            f"{', '.join(clipped(k) for k in unknown)} (known: {', '.join(ENVIRONMENT)})."
        )
    return values


def _whole(name: str, value: object) -> int:
    low, high = WHOLE_NUMBERS[name]
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not low <= int(text) <= high:
        raise TrackerError.malformed(
            f"{name} (or {ENVIRONMENT[name]}) is a whole number from {low} to {high}, "
            f"not {clipped(text)!r}."
        )
    return int(text)


def check_public_url(value: str) -> str:
    """The address patients open: https, or http on this computer alone (for a trial, or
    a proxy on the same machine that adds TLS)."""
    parts = urlsplit(value.strip())
    host = (parts.hostname or "").lower()
    plain_ok = parts.scheme == "http" and _loopback(host)
    if not host or (parts.scheme != "https" and not plain_ok) or parts.path not in ("", "/"):
        raise TrackerError.malformed(
            f"The public address (TRACKER_PUBLIC_URL) is where patients open the tracker: "
            f"https://HOST, or http://127.0.0.1:PORT on this computer only; not "
            f"{clipped(visible(value))!r}."
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise TrackerError.malformed(
            "The public address (TRACKER_PUBLIC_URL) is a scheme and host alone."
        )
    netloc = parts.netloc.lower()
    default = ":443" if parts.scheme == "https" else ":80"
    if netloc.endswith(default):  # a browser leaves the usual port out of its Host header
        netloc = netloc[: -len(default)]
    return f"{parts.scheme}://{netloc}"


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TrackerError.malformed(
            f"time_zone (or TRACKER_TIME_ZONE) is a time zone's name such as Europe/London, "
            f"not {clipped(visible(name))!r}."
        ) from None
    return name


def _loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _values(environ: Mapping[str, str], database: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if environ.get("TRACKER_CONFIG"):
        values.update(_file_values(environ["TRACKER_CONFIG"]))
    for key, variable in ENVIRONMENT.items():
        if environ.get(variable):
            values[key] = environ[variable]
    if database:
        values["database"] = database
    return values


def _no_public_url() -> TrackerError:
    return TrackerError.malformed(
        "Give the public address patients open (TRACKER_PUBLIC_URL), for example "
        "https://tracker.clinic.example."
    )


def read_link_settings(environ: Mapping[str, str]) -> tuple[str, dt.timedelta]:
    """What a command that prints a one-time link needs: the public address, and how long
    a link lasts (no secret key)."""
    values = _values(environ, None)
    if "public_url" not in values:
        raise _no_public_url()
    hours = _whole("link_hours", values["link_hours"]) if "link_hours" in values else None
    lifetime = LINK_LIFETIME if hours is None else dt.timedelta(hours=hours)
    return check_public_url(str(values["public_url"])), lifetime


def read_settings(environ: Mapping[str, str], database: str | None = None) -> ClinicSettings:
    """The settings: the file TRACKER_CONFIG names, then the environment over it, then the
    database the command line named over both."""
    values = _values(environ, database)
    secret = str(values.get("secret_key", ""))
    if len(secret) < MIN_SECRET_CHARS:
        raise TrackerError.malformed(
            f"The secret key (TRACKER_SECRET_KEY) is at least {MIN_SECRET_CHARS} random "
            "characters, the same in every app process; make one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    if "public_url" not in values:
        raise _no_public_url()
    numbers = {name: _whole(name, values[name]) for name in WHOLE_NUMBERS if name in values}
    memory = numbers.pop("password_memory_kib", Hashing().memory_kib)
    return ClinicSettings(
        time_zone=_zone(str(values.get("time_zone", "UTC"))),
        database=str(values["database"]) if values.get("database") else None,
        secret_key=secret,
        public_url=check_public_url(str(values["public_url"])),
        hashing=Hashing(memory_kib=memory),
        **numbers,
    )
