"""Serving the web face with waitress until Ctrl-C, on loopback unless told otherwise."""

from __future__ import annotations

import datetime as dt
import errno
import html
import ipaddress
import logging
import os
import shutil
import socket
import tempfile
import threading
import weakref
import webbrowser
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tracker.domain.errors import TrackerError
from tracker.domain.text import clipped
from tracker.services.databases import Location
from tracker.web.app import WebSettings, create_app
from tracker.web.security import MAX_ANY_BODY_BYTES, TOKEN_PARAMETER, Keys, allowed_hosts

DEFAULT_PORT = 8765
LOOPBACK = ("127.0.0.1", "localhost", "::1")
EVERY_ADDRESS = ("0.0.0.0", "::", "", "*")
THREADS = 8  # a page waits on the database, not the CPU: a few threads keep pages flowing

# Slow clients (slowloris: 101 sockets sending a header line every 3 s filled waitress's
# 100 connections). A browser sends a request in one go, in milliseconds.
IDLE_SECONDS = 30  # a connection with nothing asked is closed after this (waitress: 120)
REQUEST_SECONDS = 10  # a request not fully received after this is dropped
SLOW_SECONDS = 2  # a request still arriving after this is a slow one...
MAX_SLOW_CLIENTS = 10  # ...and past this many, the oldest slow ones are dropped

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Deferred:
    """The server binds first (to learn a free port); the app, which needs the port, after."""

    app: WSGIApp | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def guard_slow_clients(server: Any) -> None:
    """Drop the connections that hold a place without asking for anything in time.

    Waitress checks its connections once a second (``cleanup_interval``); on top of its
    idle check, a request still arriving after REQUEST_SECONDS is dropped, and of those
    arriving for more than SLOW_SECONDS only MAX_SLOW_CLIENTS are kept (the newest), so
    that slow clients never fill the connection limit and a browser's request gets in.
    """
    if not hasattr(server, "maintenance"):  # several sockets ("localhost": ::1 and 127.0.0.1)
        for each in {id(s): s for s in server.map.values() if hasattr(s, "maintenance")}.values():
            guard_slow_clients(each)
        return
    begun: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()
    idle_check = server.maintenance

    def maintenance(now: float) -> None:
        idle_check(now)
        slow: list[tuple[float, Any]] = []
        for channel in list(server.active_channels.values()):
            partial = channel.request  # a request begun, not yet complete
            if partial is None or channel.requests or channel.will_close:
                continue
            started = begun.setdefault(partial, now)
            if now - started > REQUEST_SECONDS:
                channel.will_close = True
            elif now - started > SLOW_SECONDS:
                slow.append((started, channel))
        slow.sort(key=lambda item: item[0], reverse=True)  # newest first
        for _, channel in slow[MAX_SLOW_CLIENTS:]:
            channel.will_close = True

    server.maintenance = maintenance


def _every_address(host: str) -> TrackerError:
    return TrackerError.malformed(
        f"Cannot serve on {_spelt(host)}: the page lets in only a browser "
        "that asked for the address it serves, so give this computer's own address on the "
        "network (for example 192.168.1.20), or leave --host out to use it on this "
        "computer only."
    )


def _spelt(host: str) -> str:
    if host.strip() in ("", "*"):
        return "every address"
    if host in ("0.0.0.0", "::"):
        return host
    return f"{clipped(host)} (every address of this computer)"


def _unspecified(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_unspecified or (mapped is not None and mapped.is_unspecified)


def bind_address(host: str) -> str:
    """The address to listen on, parsed as the system will read it, not matched as text.

    "0", "0x0", "00.0.0.0", "::0" and "0:0::0" all mean every address, and are refused as
    "0.0.0.0" is. A numeric address is given back in its usual spelling ("127.1" ->
    "127.0.0.1"), the one a browser sends as its Host; a name is kept as typed.
    """
    if host.strip() in EVERY_ADDRESS:
        raise _every_address(host)
    if not host.isprintable() or any(char.isspace() for char in host) or len(host) > 253:
        raise TrackerError.malformed(
            f"Cannot serve on '{clipped(host)}': that is not an address or a computer's name."
        )
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError, ValueError):
        raise TrackerError.malformed(
            f"Cannot serve on '{clipped(host)}': no such address or name here; give this "
            "computer's own address (for example 192.168.1.20)."
        ) from None
    addresses = [str(info[4][0]) for info in found]
    if any(_unspecified(address) for address in addresses):
        raise _every_address(host)
    try:
        numeric = socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST)
    except (OSError, UnicodeError, ValueError):
        return host  # a name
    if "%" in host:  # an IPv6 address with its interface: as typed
        return host
    return str(ipaddress.ip_address(str(numeric[0][4][0])))


OPENING_PAGE = """<!doctype html>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0;url={url}">
<title>Opening the tracker</title>
<p><a href="{url}">Open the tracker</a></p>
"""


def opening_page(url: str) -> Path:
    """A page only this user can read (0600, in a 0700 folder) that sends the browser on
    to the keyed address, as Jupyter does: the browser is started with this file's name,
    so the key is never in a command line (which `ps` shows every user of the computer)
    nor in the environment. Removed when the server stops."""
    folder = Path(tempfile.mkdtemp(prefix="tracker-open-"))  # 0700
    page = folder / "open.html"
    fd = os.open(page, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(OPENING_PAGE.format(url=html.escape(url)))
    return page


def waitress_server(app: Any, host: str, port: int, *, proxy_headers: bool = False) -> Any:
    """A waitress server for the app, listening on host:port (OSError when it cannot), with
    the limits both modes share: its threads, the largest body a route takes, no tracebacks,
    the idle timeout and the guard against slow clients. `tracker serve` and `tracker clinic
    serve` (one worker) both run one.

    waitress removes X-Forwarded-For and the other proxy headers before the app sees them;
    ``proxy_headers`` leaves them for the app, which believes them only from as many
    proxies as its settings trust (the clinic's app: TRACKER_TRUSTED_PROXIES)."""
    from waitress.server import create_server

    # "Task queue depth" warnings tell an operator to add threads; to a patient they are noise.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(
        app,
        host=host,
        port=port,
        threads=THREADS,
        max_request_body_size=MAX_ANY_BODY_BYTES,
        ident="tracker",
        expose_tracebacks=False,
        channel_timeout=IDLE_SECONDS,
        cleanup_interval=1,
        clear_untrusted_proxy_headers=not proxy_headers,
    )
    guard_slow_clients(server)
    return server


def serve(
    location: Location,
    profile: str,
    *,
    host: str,
    port: int | None,
    open_browser: bool,
    today: Callable[[], dt.date],
    say: Callable[[str], None],
    zone_name: str | None = None,
) -> None:
    host = bind_address(host)
    deferred = _Deferred()

    def bind(number: int) -> Any:
        return waitress_server(deferred, host, number)

    try:
        try:
            server = bind(DEFAULT_PORT if port is None else port)
        except OSError as exc:
            if port is not None or exc.errno != errno.EADDRINUSE:
                raise
            server = bind(0)  # the usual port is taken (another tracker?): any free one
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise TrackerError(
                f"Port {port} is already in use; choose another with --port N "
                "(--port 0 takes any free port)."
            ) from None
        raise TrackerError(f"Cannot serve on {host}: {exc.strerror or exc}.") from None
    databases = None
    opener: Path | None = None
    try:
        bound = server.effective_port
        keys = Keys(port=bound, hosts=allowed_hosts(host, bound))
        app = create_app(WebSettings(location, profile, keys, today, zone_name))
        databases = app.extensions["tracker.databases"]
        databases.get(profile)  # open the database (and refuse a bad one) before anyone comes
        deferred.app = app
        url = f"http://{url_host(host)}:{bound}/?{TOKEN_PARAMETER}={keys.token}"
        if host not in LOOPBACK:
            say(
                f"Warning: serving on {host}, so other devices on the network can reach this "
                "page, unencrypted (plain HTTP): only someone with the address below (its "
                "key) gets in, but anyone watching the network can read it. Use the default "
                "(127.0.0.1) unless you need this."
            )
        say(f"The tracker is at {url}")
        say("Open that address (with its key) in your browser. Ctrl-C stops the tracker.")
        if open_browser:
            opener = opening_page(url)
            threading.Timer(0.3, webbrowser.open, args=(opener.as_uri(),)).start()
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if opener is not None:
            shutil.rmtree(opener.parent, ignore_errors=True)
        if databases is not None:
            databases.dispose()
    say("Stopped.")
