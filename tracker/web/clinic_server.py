"""`tracker clinic serve`: the hosted app on this machine, on loopback (plain HTTP).

One process: waitress, in this process (pure Python, already the private mode's server).
Several: gunicorn's pre-fork workers, each calling the app factory (it needs Unix): they
share only the database, as processes on several machines would.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import subprocess
import sys
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from tracker.domain.account_words import AccountWords
from tracker.domain.errors import TrackerError
from tracker.domain.text import clipped
from tracker.services.clinic_settings import (
    ClinicSettings,
    given_settings,
    no_clinic_database,
    read_settings,
)
from tracker.web.server import THREADS, bind_address, url_host, waitress_server

APP_FACTORY = "tracker.web:create_clinic_app()"
# It listens on loopback only, so what reaches it is the proxy in front (whose
# X-Forwarded-For is then the browser's address) or a program on this computer: one proxy
# is trusted unless the settings say otherwise (0 believes none, 2 a proxy behind another).
SERVE_TRUSTS = 1
DEFAULT_PORT = 8766


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def checked_host(host: str) -> str:
    address = bind_address(host)
    if not _loopback(address):
        raise TrackerError.malformed(
            f"The clinic's tracker speaks plain HTTP here, so it listens on this computer "
            f"only (127.0.0.1), not {clipped(host)}: put a reverse proxy with TLS in front "
            "for other devices."
        )
    return address


def clinic_settings(
    environ: Mapping[str, str], db_value: str | None, host: str, port: int | None
) -> tuple[ClinicSettings, int]:
    """The settings and the port to serve on: the one given; else, when the public address
    is plain HTTP on this computer, its port (the links then lead here); else DEFAULT_PORT.
    With no public address set, this machine's own address is the public one."""
    env = dict(environ)
    if not env.get("TRACKER_PUBLIC_URL") and not env.get("TRACKER_CONFIG"):
        port = DEFAULT_PORT if port is None else port
        env["TRACKER_PUBLIC_URL"] = f"http://{url_host(host)}:{port}"
    settings = read_settings(env, db_value)
    if settings.database is None:
        raise no_clinic_database()
    if port is None:
        public = urlsplit(settings.public_url)
        here = public.scheme == "http" and _loopback(public.hostname or "")
        port = (public.port or 80) if here else DEFAULT_PORT
    return settings, port


def served_elsewhere(settings: ClinicSettings, host: str, port: int) -> bool:
    """Whether the public address names another place than this server's, with no proxy
    in front declared (trusted_proxies): the links made lead elsewhere, and a page opened
    here is refused as another address. A declared proxy is the public address's, and
    forwards here."""
    if settings.trusted_proxies:
        return False
    public = urlsplit(settings.public_url)
    name = (public.hostname or "").lower()
    same_host = name == host.lower() or (name == "localhost" and _loopback(host))
    return public.scheme != "http" or not same_host or (public.port or 80) != port


def trusting(environ: Mapping[str, str], settings: ClinicSettings) -> ClinicSettings:
    """The settings `tracker clinic serve` runs with: one proxy trusted (SERVE_TRUSTS)
    unless TRACKER_TRUSTED_PROXIES or the settings file says how many."""
    if "trusted_proxies" in given_settings(environ):
        return settings
    return dataclasses.replace(settings, trusted_proxies=SERVE_TRUSTS)


def serve_clinic(
    environ: Mapping[str, str],
    db_value: str | None,
    *,
    host: str,
    port: int | None,
    workers: int,
    say: Callable[[str], None],
    way_on: Callable[[str, str], str] | None = None,
) -> None:
    """Serve the clinic's app here. ``port``: None for the public address's own (when it
    is plain HTTP on this computer), else DEFAULT_PORT. ``way_on``: the face's next step
    when the public address is not where this server listens."""
    host = checked_host(host)
    settings, port = clinic_settings(environ, db_value, host, port)
    elsewhere = served_elsewhere(settings, host, port)  # no proxy declared: a warning
    settings = trusting(environ, settings)
    from tracker.web.hosted import create_clinic_app

    app = create_clinic_app(settings)
    databases = app.extensions["tracker.databases"]
    databases.get(databases.first_profile)  # make and upgrade the schema before workers start

    def ready() -> None:
        say(
            f"The clinic's tracker is at {settings.public_url} (plain HTTP on {url_host(host)}:"
            f"{port}, this computer only: a proxy with TLS in front serves patients' phones)."
        )
        if elsewhere:
            served = f"{url_host(host)}:{port}"
            say(AccountWords.SERVED_ELSEWHERE.format(url=settings.public_url, served=served))
            if way_on is not None:
                say(way_on(settings.public_url, served))
        say(_trusted(settings.trusted_proxies))
        say("Ctrl-C stops it.")

    try:
        if workers == 1:
            _waitress(app, host, port, ready)
        else:
            databases.dispose()
            ready()
            _gunicorn(environ, settings, host, port, workers)
    except KeyboardInterrupt:
        pass
    finally:
        databases.dispose()
    say("Stopped.")


def _trusted(proxies: int) -> str:
    if proxies == 0:
        return (
            "The browser's address is the connection's (TRACKER_TRUSTED_PROXIES=0): behind a "
            "proxy, every browser would share the proxy's."
        )
    which = "the proxy in front" if proxies == 1 else f"the {proxies} proxies in front"
    return (
        f"The browser's address is the one {which} gives in X-Forwarded-For "
        f"(TRACKER_TRUSTED_PROXIES={proxies}; 0 believes none)."
    )


def _waitress(app: object, host: str, port: int, ready: Callable[[], None]) -> None:
    try:
        server = waitress_server(app, host, port, proxy_headers=True)  # the app decides
    except OSError as exc:
        raise TrackerError(f"Cannot serve on {host}:{port}: {exc.strerror or exc}.") from None
    ready()  # listening now: a browser that comes at once gets in
    try:
        server.run()
    finally:
        server.close()


def _gunicorn(
    environ: Mapping[str, str], settings: ClinicSettings, host: str, port: int, workers: int
) -> None:
    env = dict(environ)
    assert settings.database is not None
    env.update(
        TRACKER_DB=settings.database,
        TRACKER_PUBLIC_URL=settings.public_url,
        TRACKER_TRUSTED_PROXIES=str(settings.trusted_proxies),
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--threads",
        str(THREADS),
        "--bind",
        f"{url_host(host)}:{port}",
        "--graceful-timeout",
        "5",
        "--no-control-socket",  # several servers on one machine would share its one path
        APP_FACTORY,
    ]
    process = subprocess.Popen(command, env=env)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=30)
        raise
    if code != 0:
        raise TrackerError(f"The app server (gunicorn) stopped with code {code}.")
