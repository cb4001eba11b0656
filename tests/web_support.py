"""A signed-in Flask test client for the web face, on the database under test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tracker.storage.database import resolve
from tracker.web.app import WebSettings, create_app
from tracker.web.security import Keys, allowed_hosts

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"


class Browser:
    """What a browser that opened the printed address does: cookie held, CSRF token sent."""

    def __init__(
        self, db_url: str, today: dt.date, profile: str = "default", zone_name: str | None = None
    ) -> None:
        self.keys = Keys(port=PORT, hosts=allowed_hosts("127.0.0.1", PORT))
        settings = WebSettings(resolve(db_url), profile, self.keys, lambda: today, zone_name)
        self.app = create_app(settings)
        self.client: FlaskClient = self.app.test_client()

    def sign_in(self) -> TestResponse:
        return self.client.get(f"{BASE}/?token={self.keys.token}")

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(BASE + path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        form = {"csrf": self.keys.csrf_token, **(data or {})}
        return self.client.post(BASE + path, data=form, **kwargs)

    def close(self) -> None:
        self.app.extensions["tracker.databases"].dispose()
