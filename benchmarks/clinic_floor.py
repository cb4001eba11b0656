"""The floor of a signed-in page: what the benchmark's pages are measured against.

    gunicorn --chdir benchmarks 'clinic_floor:create_app()'   (TRACKER_DB: the database)

A Flask app doing the least any signed-in page of the hosted tracker must: read the session
cookie, find the sign-in session by the token's SHA-256 in PostgreSQL (one indexed query,
on a pooled connection, in a transaction), and render a small Jinja2 page naming the account.
Same server, same processes, same clients: the ratio of a page to this floor is what the
page's own work costs.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, render_template_string, request
from sqlalchemy import create_engine, text

PAGE = """<!doctype html><html lang="en"><head><title>Floor</title></head>
<body><main><h1>Signed in</h1><p>Account {{ account }}</p></main></body></html>"""


def create_app() -> Flask:
    url = os.environ["TRACKER_DB"]
    if "://" not in url:  # a file, for the smoke run on SQLite
        url = f"sqlite:///{url}"
    engine = create_engine(url, pool_size=8, max_overflow=0)
    app = Flask(__name__)
    cookie = os.environ.get("FLOOR_COOKIE", "tracker_session")
    table = os.environ.get("FLOOR_TABLE", "login_sessions")

    @app.get("/floor")
    def floor() -> tuple[str, int]:
        token = request.cookies.get(cookie, "")
        digest = hashlib.sha256(token.encode()).hexdigest()
        with engine.begin() as connection:
            account = connection.execute(
                text(f"SELECT account_id FROM {table} WHERE token_hash = :h"), {"h": digest}
            ).scalar()
        if account is None:
            return "not signed in", 403
        return render_template_string(PAGE, account=account), 200

    return app
