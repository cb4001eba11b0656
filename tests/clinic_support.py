"""The clinic's hosted app under test: settings, a clock to move, browsers that sign in.

Used by the clinic's tests (and the triage and deployment tests built on them):

    clinic = Clinic(db_url)                       # one database, one clock
    token = clinic.invite("ann@example.org")      # a patient and their one-time link
    ann = clinic.browser()                        # a browser on a new app instance
    ann.accept(token)                             # sets the password, agrees: signed in
    staff = clinic.browser(); staff.sign_in_staff(clinic.add_staff("doc@example.org"))
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tracker.services import accounts, credentials
from tracker.services.clinic_settings import ClinicSettings
from tracker.services.credentials import Hashing
from tracker.services.databases import Database, locate
from tracker.web.hosted import create_clinic_app

SECRET = "test-secret-key-" + "x" * 32
PUBLIC_URL = "http://127.0.0.1:8766"
PASSWORD = "correct horse battery"
# Argon2id at its least cost: the tests sign in hundreds of times on two shared cores.
CHEAP = Hashing(memory_kib=64, passes=1, lanes=1)
START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
RECOVERY_CODE = re.compile(r'<li><code class="secret">([a-z2-9]{5}-[a-z2-9]{5})</code></li>')


class Clock:
    """The time every app instance of one test sees; tests move it on."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class Clinic:
    """One clinic's database and clock; each ``browser()`` gets an app instance of its own,
    as each of several processes would have."""

    def __init__(self, db_url: str, **settings: Any) -> None:
        self.db_url = db_url
        self.clock = Clock()
        settings.setdefault("hashing", CHEAP)
        self.settings = ClinicSettings(
            database=db_url, secret_key=SECRET, public_url=PUBLIC_URL, **settings
        )
        self.database = Database(locate(db_url))
        self.apps: list[Flask] = []

    def app(self) -> Flask:
        made = create_clinic_app(self.settings, clock=self.clock)
        self.apps.append(made)
        return made

    def browser(self, app: Flask | None = None, address: str | None = None) -> ClinicBrowser:
        """A browser on its own app instance (or the one given), at a network address of its
        own when one is given (the test client's is 127.0.0.1)."""
        made = ClinicBrowser(app or self.app(), self)
        if address is not None:
            made.client.environ_base["REMOTE_ADDR"] = address
        return made

    def invite(self, email: str) -> str:
        with self.database.writing() as store:
            return accounts.invite_patient(store, email, self.clock()).token

    def add_staff(self, email: str, role: str = "clinician") -> str:
        with self.database.writing() as store:
            return accounts.add_staff(store, email, role, self.clock()).token

    def init(self, email: str) -> str:
        with self.database.writing() as store:
            return accounts.init_clinic(store, email, self.clock()).token

    def totp_secret(self, email: str) -> str:
        with self.database.reading() as store:
            account = store.accounts().by_email(email)
            assert account is not None
            secret, _ = store.accounts().totp(account.id)
        assert secret is not None
        return secret

    def code(self, email: str, steps_later: int = 0) -> str:
        moment = self.clock() + dt.timedelta(seconds=30 * steps_later)
        return credentials.totp_code(self.totp_secret(email), moment)

    def close(self) -> None:
        for app in self.apps:
            app.extensions["tracker.databases"].dispose()
        self.database.dispose()


class ClinicBrowser:
    """What a browser does: holds cookies, sends the form's CSRF token back."""

    def __init__(self, app: Flask, clinic: Clinic) -> None:
        self.app = app
        self.clinic = clinic
        self.client: FlaskClient = app.test_client()
        self.csrf = ""
        self.recovery_codes: list[str] = []

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        response = self.client.get(PUBLIC_URL + path, **kwargs)
        found = (
            CSRF.search(response.get_data(as_text=True))
            if response.mimetype == "text/html"
            else None
        )
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        form = {"csrf": self.csrf, **(data or {})}
        return self.client.post(PUBLIC_URL + path, data=form, **kwargs)

    def form_post(self, path: str, data: dict[str, Any] | None = None) -> TestResponse:
        """Open the page (its CSRF token), then send its form."""
        self.get(path)
        return self.post(path, data)

    def accept(self, token: str, password: str = PASSWORD, agree: bool = True) -> TestResponse:
        from tracker.domain.accounts import CONSENT_VERSION

        data = {"password": password, "repeated": password}
        if agree:
            data["consent"] = CONSENT_VERSION
        return self.form_post(f"/welcome/{token}", data)

    def sign_in(self, email: str, password: str = PASSWORD) -> TestResponse:
        return self.form_post("/sign-in", {"email": email, "password": password})

    def enrol_staff(self, token: str, email: str) -> TestResponse:
        """A staff member's link: password, then the authenticator's first code. The answer
        (200) shows the new recovery codes once, kept in ``recovery_codes``; the browser is
        then fully signed in."""
        self.accept(token, agree=False)
        self.get("/enrol")
        answer = self.post("/enrol", {"code": self.clinic.code(email)})
        self.recovery_codes = RECOVERY_CODE.findall(answer.get_data(as_text=True))
        return answer

    def give_code(self, email: str, steps_later: int = 0) -> TestResponse:
        self.get("/code")
        return self.post("/code", {"code": self.clinic.code(email, steps_later)})

    def sign_out(self) -> TestResponse:
        self.get("/")
        return self.post("/sign-out")
