"""A real SMTP server in the test's process (aiosmtpd), and what it received.

    with Mailbox.running() as box:                  # plain SMTP on 127.0.0.1
        ... send ...
        box.wait_for(1)                             # the messages, parsed

``Mailbox.running(tls="starttls" | "tls", user=..., password=...)`` speaks STARTTLS or
implicit TLS with a self-signed certificate for 127.0.0.1 made here by openssl (trusted by
the client only when the test points SSL_CERT_FILE at ``box.certificate``), and asks for
AUTH when a user is given.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tracker.services.clinic_settings import MailSettings

SENDER = "Riverside Clinic <tracker@clinic.example>"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class _Handler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(parsed)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.arrived.notify_all()
        return "250 Message accepted"


class Mailbox:
    def __init__(self, controller: Controller, handler: _Handler, port: int, cert: Path | None):
        self.controller = controller
        self.handler = handler
        self.port = port
        self.certificate = cert

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self.handler.messages)

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        with self.handler.arrived:
            while len(self.handler.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.handler.arrived.wait(left)
            return list(self.handler.messages)

    def settings(self, tls: str = "none", **changes: Any) -> MailSettings:
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "tls": tls,
            "user": None,
            "password": None,
            "sender": SENDER,
            "clinic_name": "Riverside Clinic",
            "time_zone": "Europe/London",
        }
        values.update(changes)
        return MailSettings(**values)

    @classmethod
    @contextmanager
    def running(
        cls,
        folder: Path | None = None,
        *,
        tls: str = "none",
        user: str | None = None,
        password: str | None = None,
    ) -> Iterator[Mailbox]:
        handler = _Handler()
        port = free_port()
        options: dict[str, Any] = {}
        cert = None
        if tls != "none":
            assert folder is not None
            cert, key = certificate(folder)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            if tls == "starttls":
                options.update(tls_context=context, require_starttls=True)
            else:
                options.update(ssl_context=context)
        if user is not None:

            def check(_server: Any, _session: Any, _envelope: Any, mechanism: str, data: Any):
                ok = isinstance(data, LoginPassword) and (
                    data.login.decode(),
                    data.password.decode(),
                ) == (user, password)
                return AuthResult(success=ok, handled=False)

            options.update(
                authenticator=check, auth_required=True, auth_require_tls=tls == "starttls"
            )
        controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
        controller.start()
        try:
            yield cls(controller, handler, port, cert)
        finally:
            controller.stop()
