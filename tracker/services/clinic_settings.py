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
    clinic_name = "Riverside Skin Clinic"                   # TRACKER_CLINIC_NAME
    urgent_contact = "If you cannot reach us, call …"       # TRACKER_URGENT_CONTACT
    smtp_host = "smtp.clinic.example"                       # TRACKER_SMTP_HOST
    smtp_port = 587                                         # TRACKER_SMTP_PORT
    smtp_tls = "starttls"                                   # TRACKER_SMTP_TLS
    smtp_user = "tracker"                                   # TRACKER_SMTP_USER
    smtp_password_file = "/etc/tracker/smtp-password"       # TRACKER_SMTP_PASSWORD_FILE
    mail_from = "Riverside Skin Clinic <tracker@clinic.example>"  # TRACKER_MAIL_FROM

With ``smtp_host`` set, one-time links are also e-mailed (see ``MailSettings``); without
it, none is, and every smtp_ or mail_ setting is refused as a likely mistake.

The time zone is the clinic's (IANA name; default UTC): a patient's "today" (the check-in's
day) turns at its midnight, not the server's.

``clinic_name`` names the clinic on its pages ("hosted by ...") and in its e-mails (without
it: the name in ``mail_from``, and pages say "your clinic"). ``urgent_contact`` is the
clinic's own line for a patient with an urgent flag who cannot reach it (its on-call number,
its country's urgent line): it stands in the red box in place of the tracker's general one
("your local urgent medical advice line (111 in England)").

Every process of the clinic's app reads the same settings and shares nothing else but the
database: the secret key signs what a browser holds between two requests (the flash
message), so each process must have the same one.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.domain.account_words import AccountWords
from tracker.domain.accounts import LINK_LIFETIME, MIN_IDLE_MINUTES
from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.mail_words import MailWords
from tracker.domain.text import clipped, visible
from tracker.services.credentials import Hashing

MIN_SECRET_CHARS = 32
# The key in README's example tracker.env: long enough, but everyone can read it.
EXAMPLE_SECRET_KEY = "README-example-key-make-your-own-with-the-command-above"
MAKE_A_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
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
    "clinic_name": "TRACKER_CLINIC_NAME",
    "urgent_contact": "TRACKER_URGENT_CONTACT",
    "smtp_host": "TRACKER_SMTP_HOST",
    "smtp_port": "TRACKER_SMTP_PORT",
    "smtp_tls": "TRACKER_SMTP_TLS",
    "smtp_user": "TRACKER_SMTP_USER",
    "smtp_password": "TRACKER_SMTP_PASSWORD",
    "smtp_password_file": "TRACKER_SMTP_PASSWORD_FILE",
    "mail_from": "TRACKER_MAIL_FROM",
}
MAIL_KEYS = tuple(key for key in ENVIRONMENT if key.startswith(("smtp_", "mail_")))
TLS_PORTS = {"starttls": 587, "tls": 465, "none": 25}  # each mode's usual port
MAX_CLINIC_NAME = 80
MAX_URGENT_CONTACT = 300
HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
WHOLE_NUMBERS = {
    "smtp_port": (1, 65535),
    "trusted_proxies": (0, 10),
    "idle_minutes": (MIN_IDLE_MINUTES, 24 * 60),
    "link_hours": (1, 24 * 30),
    "password_memory_kib": (64, 4 * 1024 * 1024),
}


@dataclass(frozen=True)
class MailSettings:
    """How the clinic's tracker sends e-mail: one SMTP server (the clinic's own, or its
    provider's), over TLS from the first byte (``tls``), after STARTTLS (``starttls``), or
    unencrypted (``none``: only to a server on this computer, which relays it on)."""

    host: str
    port: int
    tls: str  # "starttls" | "tls" | "none"
    user: str | None
    password: str | None = field(repr=False)
    sender: str  # the From header: an address, optionally with a name
    clinic_name: str  # said in every e-mail: who sends it
    time_zone: str = "UTC"  # a link's expiry is said in the clinic's time


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
    mail: MailSettings | None = None  # None: links are shown to copy, never e-mailed
    clinic_name: str | None = None  # on its pages; None: "your clinic"
    urgent_contact: str | None = None  # the clinic's line when it cannot be reached

    @property
    def shown_name(self) -> str | None:
        """The clinic's name on its pages: the one set, else its e-mails' sender's."""
        if self.clinic_name is not None:
            return self.clinic_name
        return None if self.mail is None else self.mail.clinic_name

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
    if (
        isinstance(value, bool)
        or not (text.isascii() and text.isdigit())
        or not low <= int(text) <= high
    ):
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


def clinic_database(environ: Mapping[str, str], given: str | None) -> str:
    """The clinic's database: the one the command line or TRACKER_DB names, else the
    settings file's. Never the personal default (~/.config/tracker/tracker.db) a bare
    `tracker` command falls back on: a clinic's accounts and patients would land there."""
    found = given or _values(environ, None).get("database")
    if not found:
        raise no_clinic_database()
    return str(found)


def no_clinic_database() -> TrackerError:
    return TrackerError.malformed(
        AccountWords.NO_CLINIC_DATABASE.value, field="database", hint=Hint("name-clinic-db")
    )


def _no_public_url() -> TrackerError:
    return TrackerError.malformed(
        "Give the public address patients open (TRACKER_PUBLIC_URL), for example "
        "https://tracker.clinic.example."
    )


def given_settings(environ: Mapping[str, str]) -> frozenset[str]:
    """The settings' names given at all (in the environment or the file TRACKER_CONFIG
    names), so that a face can tell a default from a choice."""
    return frozenset(_values(environ, None))


def read_link_settings(environ: Mapping[str, str]) -> tuple[str, dt.timedelta]:
    """What a command that prints a one-time link needs: the public address, and how long
    a link lasts (no secret key)."""
    values = _values(environ, None)
    if "public_url" not in values:
        raise _no_public_url()
    hours = _whole("link_hours", values["link_hours"]) if "link_hours" in values else None
    lifetime = LINK_LIFETIME if hours is None else dt.timedelta(hours=hours)
    return check_public_url(str(values["public_url"])), lifetime


def read_time_zone(environ: Mapping[str, str]) -> str:
    """The clinic's time zone (TRACKER_TIME_ZONE or the settings file's; UTC when neither
    says): what a command that shows times of day says them in, as the pages do."""
    return _zone(str(_values(environ, None).get("time_zone", "UTC")))


def _password(values: Mapping[str, Any]) -> str | None:
    given = str(values.get("smtp_password") or "") or None
    named = str(values.get("smtp_password_file") or "") or None
    if given is not None and named is not None:
        raise TrackerError.malformed(MailWords.TWO_PASSWORDS.value)
    if named is None:
        return given
    path = Path(named).expanduser()
    shown = visible(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise TrackerError(
            MailWords.PASSWORD_FILE_UNREADABLE.format(path=shown, reason=reason)
        ) from None
    password = text.rstrip("\r\n")  # the newline an editor or `echo` leaves at the end
    if not password:
        raise TrackerError.malformed(MailWords.PASSWORD_FILE_EMPTY.format(path=shown))
    return password


def _sender(value: str) -> str:
    found = email.utils.getaddresses([value])  # more than one: "a@x.org, b@x.org"
    name, address = found[0] if len(found) == 1 else ("", "")
    local, at, domain = address.rpartition("@")
    plain = value.isprintable() and address.isprintable()
    if not (plain and at and local and "." in domain and " " not in address):
        raise TrackerError.malformed(MailWords.BAD_SENDER.format(value=clipped(visible(value))))
    return email.utils.formataddr((name, address)) if name else address


def _given_name(values: Mapping[str, Any]) -> str | None:
    """The clinic_name setting, when given: one printable line, not too long."""
    name = str(values.get("clinic_name") or "").strip()
    if not name:
        return None
    if len(name) > MAX_CLINIC_NAME or not name.isprintable():
        raise TrackerError.malformed(MailWords.BAD_NAME.format(most=MAX_CLINIC_NAME))
    return name


def _clinic_name(values: Mapping[str, Any], sender: str) -> str:
    name = _given_name(values)
    if name is None:
        shown, _ = email.utils.parseaddr(sender)
        name = shown or urlsplit(str(values["public_url"])).hostname or "The clinic"
    if len(name) > MAX_CLINIC_NAME or not name.isprintable():
        raise TrackerError.malformed(MailWords.BAD_NAME.format(most=MAX_CLINIC_NAME))
    return name


def _urgent_contact(values: Mapping[str, Any]) -> str | None:
    """The urgent_contact setting, when given: the clinic's own words, on one line."""
    text = str(values.get("urgent_contact") or "").strip()
    if not text:
        return None
    if len(text) > MAX_URGENT_CONTACT or not text.isprintable():
        words = AccountWords.BAD_URGENT_CONTACT.format(most=MAX_URGENT_CONTACT)
        raise TrackerError.malformed(words)
    return text


def _mail(values: Mapping[str, Any], time_zone: str) -> MailSettings | None:
    """The e-mail settings: None when no smtp_ or mail_ setting is given at all; refused
    when some are but not enough to send (a half-made setting is a mistake, not a wish)."""
    if not any(values.get(key) not in (None, "") for key in MAIL_KEYS):
        return None
    host = str(values.get("smtp_host") or "").strip().lower()
    if not host:
        raise TrackerError.malformed(MailWords.NO_HOST.value)
    if not (_is_address(host) or (len(host) <= 253 and HOST_NAME.fullmatch(host))):
        raise TrackerError.malformed(MailWords.BAD_HOST.format(value=clipped(visible(host))))
    tls = str(values.get("smtp_tls") or "starttls").strip().lower()
    if tls not in TLS_PORTS:
        raise TrackerError.malformed(MailWords.BAD_TLS.format(value=clipped(visible(tls))))
    if tls == "none" and not _loopback(host):
        raise TrackerError.malformed(MailWords.PLAIN_NOT_LOOPBACK.format(host=clipped(host)))
    port = _whole("smtp_port", values["smtp_port"]) if "smtp_port" in values else TLS_PORTS[tls]
    user = str(values.get("smtp_user") or "") or None
    password = _password(values)
    if user is not None and password is None:
        raise TrackerError.malformed(MailWords.USER_WITHOUT_PASSWORD.value)
    if password is not None and user is None:
        raise TrackerError.malformed(MailWords.PASSWORD_WITHOUT_USER.value)
    if not values.get("mail_from"):
        raise TrackerError.malformed(MailWords.NO_SENDER.value)
    sender = _sender(str(values["mail_from"]).strip())
    return MailSettings(
        host=host,
        port=port,
        tls=tls,
        user=user,
        password=password,
        sender=sender,
        clinic_name=_clinic_name(values, sender),
        time_zone=time_zone,
    )


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def read_mail_settings(environ: Mapping[str, str]) -> MailSettings | None:
    """What a command that makes a one-time link needs to e-mail it too (None: it is shown
    only). Refused, before anything is made, when the settings are wrong."""
    values = _values(environ, None)
    if "public_url" not in values:
        raise _no_public_url()
    return _mail(values, _zone(str(values.get("time_zone", "UTC"))))


def read_settings(environ: Mapping[str, str], database: str | None = None) -> ClinicSettings:
    """The settings: the file TRACKER_CONFIG names, then the environment over it, then the
    database the command line named over both."""
    values = _values(environ, database)
    secret = str(values.get("secret_key", ""))
    if len(secret) < MIN_SECRET_CHARS:
        raise TrackerError.malformed(
            f"The secret key (TRACKER_SECRET_KEY) is at least {MIN_SECRET_CHARS} random "
            f"characters, the same in every app process; make one with: {MAKE_A_KEY}"
        )
    if secret == EXAMPLE_SECRET_KEY:
        raise TrackerError.malformed(
            "The secret key (TRACKER_SECRET_KEY) is README's example, which anyone can read: "
            f"make one of your own with: {MAKE_A_KEY}"
        )
    if "public_url" not in values:
        raise _no_public_url()
    numbers = {
        name: _whole(name, values[name])
        for name in WHOLE_NUMBERS
        if name in values and name not in MAIL_KEYS
    }
    memory = numbers.pop("password_memory_kib", Hashing().memory_kib)
    zone = _zone(str(values.get("time_zone", "UTC")))
    return ClinicSettings(
        time_zone=zone,
        mail=_mail(values, zone),
        clinic_name=_given_name(values),
        urgent_contact=_urgent_contact(values),
        database=str(values["database"]) if values.get("database") else None,
        secret_key=secret,
        public_url=check_public_url(str(values["public_url"])),
        hashing=Hashing(memory_kib=memory),
        **numbers,
    )
